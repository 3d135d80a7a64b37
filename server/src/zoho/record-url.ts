/**
 * Where a person opens a record in Zoho CRM's web app: https://crm.zoho.<tld>/crm/org<org id>/tab/<Module>/<id>,
 * the web host beside the org's API domain (www.zohoapis.<tld>). Any other API host (the offline
 * sandbox) serves its own record pages at /ui/<org id>/<Module>/<id>.
 */
export function zohoRecordUrl(org: { api_domain: string; zoho_org_id: string }, module: string, recordId: string): string {
  const api = new URL(org.api_domain);
  const tld = /^(?:www\.)?zohoapis\.(.+)$/.exec(api.hostname)?.[1];
  const path = `${encodeURIComponent(module)}/${encodeURIComponent(recordId)}`;
  return tld ? `https://crm.zoho.${tld}/crm/org${encodeURIComponent(org.zoho_org_id)}/tab/${path}` : `${api.origin}/ui/${encodeURIComponent(org.zoho_org_id)}/${path}`;
}
