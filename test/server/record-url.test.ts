import { describe, expect, it } from 'vitest';
import { zohoRecordUrl } from '../../server/src/zoho/record-url.js';

describe('zohoRecordUrl', () => {
  it("opens the record in Zoho CRM's web app of the org's data centre, or the sandbox's own record page", () => {
    expect(zohoRecordUrl({ api_domain: 'https://www.zohoapis.eu', zoho_org_id: '20001' }, 'Contacts', '5725713000000001105')).toBe('https://crm.zoho.eu/crm/org20001/tab/Contacts/5725713000000001105');
    expect(zohoRecordUrl({ api_domain: 'https://www.zohoapis.com.au', zoho_org_id: '7' }, 'Accounts', '1')).toBe('https://crm.zoho.com.au/crm/org7/tab/Accounts/1');
    expect(zohoRecordUrl({ api_domain: 'https://zohoapis.in', zoho_org_id: '7' }, 'Deals', '2')).toBe('https://crm.zoho.in/crm/org7/tab/Deals/2');
    expect(zohoRecordUrl({ api_domain: 'http://127.0.0.1:4100', zoho_org_id: '900' }, 'Contacts', '3')).toBe('http://127.0.0.1:4100/ui/900/Contacts/3');
  });
});
