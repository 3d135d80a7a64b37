import { afterEach, describe, expect, it } from 'vitest';
import { MailboxHostRefused, checkMailboxHost, isPublicAddress } from '../../server/src/mail/mailbox-host.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { row } from '../helpers/store.js';

let backend: TestBackend | undefined;

afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

describe('mailbox servers the backend may connect to', () => {
  it('private, loopback, link-local and mapped addresses are not public; public ones are', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(address), address).toBe(true);
  });

  it('a name that resolves to loopback is refused; with MAILBOX_PRIVATE_HOSTS=allow it passes', async () => {
    await expect(checkMailboxHost('localhost', false)).rejects.toBeInstanceOf(MailboxHostRefused);
    await expect(checkMailboxHost('[::1]', false)).rejects.toBeInstanceOf(MailboxHostRefused);
    await expect(checkMailboxHost('localhost', true)).resolves.toBe('localhost');
    // Fail closed: a name that does not resolve is not checked, so it is not used.
    await expect(checkMailboxHost('no-such-host.invalid', false)).rejects.toBeInstanceOf(MailboxHostRefused);
    // The answer is the checked address itself, so the connection cannot be sent elsewhere afterwards.
    await expect(checkMailboxHost('93.184.216.34', false)).resolves.toBe('93.184.216.34');
  });

  it('PUT /assistants/:id/mailbox refuses 127.0.0.1, 10.x, 169.254.169.254 and [::1] with one fixed message, and stores nothing', async () => {
    let org: ConnectedOrg;
    let scenario: Scenario;
    ({ backend, org, scenario } = await startWithAssistant());
    const id = String(scenario.assistant.id);
    for (const host of ['127.0.0.1', '10.0.0.5', '169.254.169.254', '[::1]', '::1', 'localhost']) {
      const answer = await org.api('PUT', `/assistants/${id}/mailbox`, { host, port: 993, secure: true, user: 'nova', password: 'secret-password', verify: false });
      expect(answer.status, host).toBe(400);
      expect(answer.body, host).toEqual({ error: { code: 'MAILBOX_HOST_REFUSED', message: 'Mailbox servers on private, loopback or link-local addresses are not allowed.', requestId: expect.any(String) } });
    }
    expect(await row(backend.deps.db, 'SELECT mailbox_sealed FROM assistants WHERE id = ?', id)).toEqual({ mailbox_sealed: null });
  });
});
