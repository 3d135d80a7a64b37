import { describe, expect, it } from 'vitest';
import { sdkUrl } from '../../widget/src/host/load-sdk.js';
import { normaliseEntityId, startZohoHost } from '../../widget/src/host/zoho-host.js';

describe('the widget host adapter', () => {
  it('normalises EntityId: a string (related list) or an array (button) is one id', () => {
    expect(normaliseEntityId('3000000032096')).toBe('3000000032096');
    expect(normaliseEntityId(['3000000040011', '3000000040012'])).toBe('3000000040011');
    expect(normaliseEntityId(3000000032096)).toBe('3000000032096');
    expect(normaliseEntityId(undefined)).toBeNull();
    expect(normaliseEntityId([])).toBeNull();
  });

  it("loads Zoho's SDK from Zoho's CDN, and the sandbox's stand-in only on loopback", () => {
    expect(sdkUrl('?serviceOrigin=https%3A%2F%2Fcrm.zoho.com')).toBe('https://live.zwidgets.com/js-sdk/1.2/ZohoEmbededAppSDK.min.js');
    expect(sdkUrl('?serviceOrigin=http%3A%2F%2F127.0.0.1%3A8790')).toBe('http://127.0.0.1:8790/sdk/ZohoEmbededAppSDK.min.js');
    expect(sdkUrl('?serviceOrigin=http%3A%2F%2Fevil.example')).toBe('https://live.zwidgets.com/js-sdk/1.2/ZohoEmbededAppSDK.min.js');
    expect(sdkUrl('')).toBe('https://live.zwidgets.com/js-sdk/1.2/ZohoEmbededAppSDK.min.js');
  });

  it('registers PageLoad before init, and validates what the SDK answers', async () => {
    const calls: string[] = [];
    let pageLoad: ((data: unknown) => void) | undefined;
    const host = startZohoHost(
      {
        embeddedApp: {
          on: (event, handler) => {
            calls.push(`on:${event}`);
            pageLoad = handler;
          },
          init: async () => {
            calls.push('init');
            return undefined;
          },
        },
        CRM: {
          API: {
            getRecord: async () => ({ data: [{ id: '42', Owner: { id: '7', name: 'Sam Sales' }, Last_Name: 'Doe' }] }),
            updateRecord: async () => ({ data: [{ code: 'INVALID_DATA', status: 'error', message: 'invalid data' }] }),
            getOrgVariable: async () => ({ Success: { Content: 'key-123' } }),
            getAllUsers: async () => ({ users: [{ id: '7', email: 'sam@x.test', full_name: 'Sam Sales' }] }),
          },
          CONFIG: { getCurrentUser: async () => ({ users: [{ id: '1', email: 'ann@x.test', full_name: 'Ann Admin' }] }) },
          UI: { Resize: async () => true },
        },
      },
      { tab: false },
    );
    expect(calls).toEqual(['on:PageLoad', 'init']);
    pageLoad!({ Entity: 'Contacts', EntityId: ['42'], ButtonPosition: 'DetailView' });
    expect(await host.context()).toEqual({ module: 'Contacts', recordId: '42' });
    expect(await host.getRecord('Contacts', '42')).toMatchObject({ id: '42', ownerId: '7', ownerName: 'Sam Sales' });
    expect(await host.orgVariable('salesassist__Widget_Key')).toBe('key-123');
    expect(await host.currentUser()).toEqual({ id: '1', email: 'ann@x.test', fullName: 'Ann Admin' });
    await expect(host.updateRecord('Contacts', '42', { Title: 'x' })).rejects.toThrow('invalid data');
  });
});
