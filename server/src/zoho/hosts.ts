/**
 * Zoho's data centres. The `accounts-server` Zoho sends back on the OAuth callback decides where
 * tokens are fetched, so it is trusted only when it is one of these (or the configured sandbox).
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

function normalise(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password || parsed.search || parsed.hash) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

/** The sandbox serves every data centre under its own origin (`/dc/<code>` for all but US). */
function withinSandbox(url: URL, sandboxUrl: string | undefined): boolean {
  if (!sandboxUrl) return false;
  const sandbox = new URL(sandboxUrl);
  if (url.origin !== sandbox.origin) return false;
  const path = url.pathname.replace(/\/+$/, '');
  return path === '' || /^\/dc\/[a-z]{2}$/.test(path);
}

/** True for Zoho's own accounts servers and, when configured, the sandbox's. */
export function isAllowedAccountsServer(candidate: string, sandboxUrl?: string): boolean {
  const url = normalise(candidate);
  if (!url) return false;
  if (withinSandbox(url, sandboxUrl)) return true;
  const origin = url.origin;
  return url.pathname.replace(/\/+$/, '') === '' && Object.values(ZOHO_DATA_CENTRES).some((dc) => dc.accounts === origin);
}

/** True for Zoho's own API domains (and their sandbox/developer variants) and the sandbox. */
export function isAllowedApiDomain(candidate: string, sandboxUrl?: string): boolean {
  const url = normalise(candidate);
  if (!url) return false;
  if (withinSandbox(url, sandboxUrl)) return true;
  if (url.protocol !== 'https:' || url.pathname.replace(/\/+$/, '') !== '') return false;
  return Object.values(ZOHO_DATA_CENTRES).some((dc) => {
    const host = new URL(dc.api).host.replace(/^www\./, '');
    return [`www.${host}`, `sandbox.${host}`, `developer.${host}`].includes(url.host);
  });
}

export function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
