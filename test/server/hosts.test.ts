import { describe, expect, it } from 'vitest';
import { trustedAccountsServer, trustedApiDomain } from '../../server/src/zoho/hosts.js';

const SANDBOX = 'http://127.0.0.1:8790';

describe('Zoho host allow-list', () => {
  it('accepts Zoho accounts servers of every data centre, normalised, with their data centre', () => {
    expect(trustedAccountsServer('https://accounts.zoho.eu')).toEqual({ url: 'https://accounts.zoho.eu', dc: 'eu' });
    expect(trustedAccountsServer('https://accounts.zoho.com/')).toEqual({ url: 'https://accounts.zoho.com', dc: 'us' });
    expect(trustedAccountsServer('https://accounts.zohocloud.ca')?.dc).toBe('ca');
    expect(trustedAccountsServer('https://accounts.zoho.com.cn')?.dc).toBe('cn');
    expect(trustedAccountsServer(`${SANDBOX}/dc/jp`, SANDBOX)).toEqual({ url: `${SANDBOX}/dc/jp`, dc: 'jp' });
    expect(trustedAccountsServer(SANDBOX, SANDBOX)).toEqual({ url: SANDBOX, dc: 'us' });
  });

  it('refuses lookalikes, paths, ports, userinfo, queries, fragments and escapes', () => {
    for (const candidate of [
      'https://accounts.zoho.com.evil.example',
      'https://evil.example/accounts.zoho.com',
      'https://accounts.zoho.com@evil.example',
      'https://user:pass@accounts.zoho.com',
      'https://accounts.zoho.com:8443',
      'http://accounts.zoho.com',
      'https://accounts.zoho.com#',
      'https://accounts.zoho.com?x=1',
      'https://accounts.zoho.com/%2e%2e',
      'https://accounts.zoho.com/oauth',
      'https://accounts\\.zoho.com',
      'https://accounts．zoho．com',
      'https://accounts.zoho.com.',
      ' https://accounts.zoho.com',
      `${SANDBOX}/dc/us`,
      `${SANDBOX}/dc/xx`,
      `${SANDBOX}/elsewhere`,
      'http://127.0.0.1:8791',
    ]) {
      expect(trustedAccountsServer(candidate, SANDBOX), candidate).toBeUndefined();
    }
  });

  it('accepts Zoho API domains and their sandbox variants, nothing else', () => {
    expect(trustedApiDomain('https://www.zohoapis.eu')).toEqual({ url: 'https://www.zohoapis.eu', dc: 'eu' });
    expect(trustedApiDomain('https://sandbox.zohoapis.com')?.dc).toBe('us');
    expect(trustedApiDomain(`${SANDBOX}/dc/eu`, SANDBOX)?.dc).toBe('eu');
    for (const candidate of ['https://www.zohoapis.com.evil.example', 'http://www.zohoapis.com', 'https://zohoapis.com', 'https://www.zohoapis.com/crm']) {
      expect(trustedApiDomain(candidate, SANDBOX), candidate).toBeUndefined();
    }
  });
});
