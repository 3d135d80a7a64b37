import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type { DnsResolver } from '../../server/src/mail/authentication.js';
import { providerVerdict, verifyMessage } from '../../server/src/mail/authentication.js';
import { parseMessage } from '../../server/src/replies/message.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { replyTo } from '../helpers/replies.js';
import type { CapturedMail } from '../helpers/smtp-sink.js';
import { row as rowOf, value } from '../helpers/store.js';

const require = createRequire(import.meta.url);
const { dkimSign } = require('mailauth/lib/dkim/sign') as { dkimSign: (message: string, options: unknown) => Promise<{ signatures: string; errors: unknown[] }> };

const INBOUND_TOKEN = 'inbound-webhook-token-for-tests-0123456789';

/** DNS as the lead's domain publishes it: a DKIM key and a DMARC policy. Nothing else exists. */
function keyFor() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}
const prospect = keyFor();
const attacker = keyFor();
const records: Record<string, string[][]> = {
  'sel._domainkey.prospect.test:TXT': [[`v=DKIM1; k=rsa; p=${prospect.publicKey}`]],
  '_dmarc.prospect.test:TXT': [['v=DMARC1; p=reject']],
  'sel._domainkey.evil.test:TXT': [[`v=DKIM1; k=rsa; p=${attacker.publicKey}`]],
};
const resolver: DnsResolver = async (name, rrtype) => {
  const found = records[`${name.toLowerCase()}:${rrtype}`];
  if (found) return found;
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
};

async function sign(raw: string, domain: string, privateKey: string): Promise<string> {
  const result = await dkimSign(raw, { canonicalization: 'relaxed/relaxed', signatureData: [{ signingDomain: domain, selector: 'sel', privateKey }] });
  expect(result.errors).toEqual([]);
  return `${result.signatures}${raw}`;
}

let backend: TestBackend | undefined;
let org: ConnectedOrg;
let scenario: Scenario;

afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

async function firstEmail(): Promise<{ recordId: string; mail: CapturedMail }> {
  const recordId = await scenario.contact();
  await scenario.assign('Contacts', recordId, scenario.assistantUserId);
  await scenario.settle();
  for (let round = 0; round < 10 && backend!.smtp.messages.length === 0; round += 1) await scenario.advanceToNextWork();
  return { recordId, mail: backend!.smtp.messages.at(-1)! };
}

async function deliver(raw: string): Promise<number> {
  const response = await fetch(`${backend!.url}/webhooks/inbound`, { method: 'POST', headers: { authorization: `Bearer ${INBOUND_TOKEN}` }, body: raw });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: number };
  await scenario.settle();
  return id;
}

const row = (id: number) => rowOf<{ auth: string; intent: string; action: string }>(backend!.deps.db, 'SELECT auth, intent, action FROM inbound_messages WHERE id = ?', id);
const suppressed = (email: string) => value<number>(backend!.deps.db, 'SELECT COUNT(*) AS n FROM suppressions WHERE email = ?', email);

describe('inbound mail is authenticated before it acts (INBOUND_AUTH=require)', () => {
  it('a forged From: (unsigned, or signed by another domain) suppresses nothing, hands nothing back and creates nothing', async () => {
    ({ backend, org, scenario } = await startWithAssistant({ env: { INBOUND_WEBHOOK_TOKEN: INBOUND_TOKEN, INBOUND_AUTH: 'require' }, dnsResolver: resolver }));
    const { recordId, mail } = await firstEmail();
    const lead = (await scenario.leadOf(recordId))!;
    const now = backend!.sandbox.clock.now();

    const unsigned = await deliver(replyTo(mail, 'please remove me', { at: now }));
    // Unsigned mail from a domain with a DMARC policy fails DMARC.
    expect(await row(unsigned)).toMatchObject({ auth: 'fail', intent: 'Unsubscribed' });
    expect(await suppressed(lead.email!)).toBe(0);
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'paused' });
    expect((await scenario.record('Contacts', recordId)).Email_Opt_Out).not.toBe(true);
    const notes = await scenario.notes('Contacts', recordId);
    expect(notes.map((note) => String(note.Note_Content)).join('\n')).toContain('Sender not verified');

    const otherDomain = await deliver(await sign(replyTo(mail, 'Not me: talk to Maria Lopez, maria.lopez@prospect.test', { at: now + 1_000 }), 'evil.test', attacker.privateKey));
    // Signed, but by evil.test: DMARC for prospect.test fails.
    expect(await row(otherDomain)).toMatchObject({ auth: 'fail', intent: 'ReferredSomeone' });
    expect(await rowOf(backend!.deps.db, 'SELECT COUNT(*) AS n FROM referrals')).toEqual({ n: 0 });
    expect((await scenario.leadOf(recordId))!.status).not.toBe('handed_back');
    void org;
  });

  it('the same opt-out, DKIM-signed by the lead\'s own domain, suppresses and sets Email_Opt_Out', async () => {
    ({ backend, org, scenario } = await startWithAssistant({ env: { INBOUND_WEBHOOK_TOKEN: INBOUND_TOKEN, INBOUND_AUTH: 'require' }, dnsResolver: resolver }));
    const { recordId, mail } = await firstEmail();
    const lead = (await scenario.leadOf(recordId))!;
    const id = await deliver(await sign(replyTo(mail, 'please remove me', { at: backend!.sandbox.clock.now() }), 'prospect.test', prospect.privateKey));
    expect(await row(id)).toMatchObject({ auth: 'pass', intent: 'Unsubscribed' });
    expect(await suppressed(lead.email!)).toBe(1);
    await scenario.settle();
    expect((await scenario.record('Contacts', recordId)).Email_Opt_Out).toBe(true);
  });
});

describe('the verdicts', () => {
  const raw = (from: string) => `From: Jane <${from}>\r\nTo: nova@acme-energy.test\r\nSubject: Re: hi\r\nDate: Tue, 17 Nov 2026 10:00:00 +0000\r\nMessage-ID: <x1@prospect.test>\r\n\r\nplease remove me\r\n`;

  it('mailauth: an aligned DKIM signature passes, a tampered body fails, no signature is none', async () => {
    const signed = await sign(raw('jane@prospect.test'), 'prospect.test', prospect.privateKey);
    expect((await verifyMessage(Buffer.from(signed), 'jane@prospect.test', resolver)).verdict).toBe('pass');
    expect((await verifyMessage(Buffer.from(signed.replace('please remove me', 'please keep me')), 'jane@prospect.test', resolver)).verdict).toBe('fail');
    expect((await verifyMessage(Buffer.from(raw('jane@prospect.test')), 'jane@prospect.test', resolver)).verdict).not.toBe('pass');
  });

  it("IMAP: the provider's topmost Authentication-Results decides; one the sender added below it does not", async () => {
    const message = await parseMessage(
      `Authentication-Results: mx.provider.test; dkim=none; spf=softfail smtp.mailfrom=prospect.test; dmarc=fail header.from=prospect.test\r\nAuthentication-Results: mx.provider.test; dkim=pass header.i=@prospect.test; dmarc=pass\r\n${raw('jane@prospect.test')}`,
    );
    expect(providerVerdict(message.authenticationResults ?? undefined, 'jane@prospect.test').verdict).toBe('fail');
    expect(providerVerdict('mx.google.com; dkim=pass header.i=@prospect.test header.s=sel; spf=pass; dmarc=pass (p=REJECT) header.from=prospect.test', 'jane@prospect.test').verdict).toBe('pass');
    expect(providerVerdict('mx.google.com; dkim=pass header.d=evil.test; dmarc=none', 'jane@prospect.test').verdict).toBe('none');
    expect(providerVerdict(undefined, 'jane@prospect.test').verdict).toBe('none');
    // "dmarc=pass" in a comment or an envelope address is no result.
    expect(providerVerdict('mx.google.com; spf=pass (google.com: domain of dmarc=pass@evil.example designates 1.2.3.4) smtp.mailfrom=dmarc=pass@evil.example; dmarc=fail (p=REJECT) header.from=prospect.test', 'jane@prospect.test').verdict).toBe('fail');
    expect(providerVerdict('mx.google.com; dmarc=pass header.from=evil.test', 'jane@prospect.test').verdict).toBe('none');
  });
});
