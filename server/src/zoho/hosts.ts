/**
 * Zoho's data centres. The `accounts-server` Zoho sends back on the OAuth callback decides where
 * tokens are fetched, so it is trusted only when it is one of these (or the configured sandbox),
 * and only in its normalised form (origin, plus the sandbox's /dc/<code> path).
 */
export const ZOHO_DATA_CENTRES = {
  us: { accounts: 'https://accounts.zoho.com', api: 'https://www.zohoapis.com' },
  eu: { accounts: 'https://accounts.zoho.eu', api: 'https://www.zohoapis.eu' },
  in: { accounts: 'https://accounts.zoho.in', api: 'https://www.zohoapis.in' },
  au: { accounts: 'https://accounts.zoho.com.au', api: 'https://www.zohoapis.com.au' },
  jp: { accounts: 'https://accounts.zoho.jp', api: 'https://www.zohoapis.jp' },
  ca: { accounts: 'https://accounts.zohocloud.ca', api: 'https://www.zohoapis.ca' },
  sa: { accounts: 'https://accounts.zoho.sa', api: 'https://www.zohoapis.sa' },
  cn: { accounts: 'https://accounts.zoho.com.cn', api: 'https://www.zohoapis.com.cn' },
  uk: { accounts: 'https://accounts.zoho.uk', api: 'https://www.zohoapis.uk' },
} as const;

export type DataCentre = keyof typeof ZOHO_DATA_CENTRES;

export function isDataCentre(value: string | undefined): value is DataCentre {
  return value !== undefined && Object.hasOwn(ZOHO_DATA_CENTRES, value);
}

/** A trusted Zoho host: its normalised URL and the data centre it belongs to. */
export interface TrustedHost {
  url: string;
  dc: DataCentre;
}

/** Parses a URL that must be a bare origin (optionally with a path we allow); rejects everything unusual. */
function strictParse(candidate: string): URL | undefined {
  // Only plain ASCII URLs: no whitespace, no backslashes, no percent-escapes, no full-width lookalikes.
  if (!/^[A-Za-z0-9:/._-]+$/.test(candidate)) return undefined;
  try {
    const url = new URL(candidate);
    if (url.username || url.password || url.search || url.hash) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** The sandbox serves the US data centre at its root and every other one under /dc/<code>. */
function sandboxHost(url: URL, sandboxUrl: string | undefined): TrustedHost | undefined {
  if (!sandboxUrl || url.origin !== new URL(sandboxUrl).origin) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '') return { url: url.origin, dc: 'us' };
  const match = /^\/dc\/([a-z]{2})$/.exec(path);
  return match && isDataCentre(match[1]) && match[1] !== 'us' ? { url: `${url.origin}${path}`, dc: match[1] } : undefined;
}

/** Zoho's own accounts servers and, when configured, the sandbox's; undefined for anything else. */
export function trustedAccountsServer(candidate: string, sandboxUrl?: string): TrustedHost | undefined {
  const url = strictParse(candidate);
  if (!url) return undefined;
  const sandbox = sandboxHost(url, sandboxUrl);
  if (sandbox) return sandbox;
  if (url.pathname.replace(/\/+$/, '') !== '' || url.port !== '') return undefined;
  const dc = (Object.keys(ZOHO_DATA_CENTRES) as DataCentre[]).find((code) => ZOHO_DATA_CENTRES[code].accounts === url.origin);
  return dc ? { url: url.origin, dc } : undefined;
}

/** Zoho's own API domains (and their sandbox/developer variants) and the sandbox's. */
export function trustedApiDomain(candidate: string, sandboxUrl?: string): TrustedHost | undefined {
  const url = strictParse(candidate);
  if (!url) return undefined;
  const sandbox = sandboxHost(url, sandboxUrl);
  if (sandbox) return sandbox;
  if (url.protocol !== 'https:' || url.port !== '' || url.pathname.replace(/\/+$/, '') !== '') return undefined;
  const dc = (Object.keys(ZOHO_DATA_CENTRES) as DataCentre[]).find((code) => {
    const host = new URL(ZOHO_DATA_CENTRES[code].api).host.replace(/^www\./, '');
    return [`www.${host}`, `sandbox.${host}`, `developer.${host}`].includes(url.host);
  });
  return dc ? { url: url.origin, dc } : undefined;
}

export function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
