import { resolve as dnsResolve } from 'node:dns/promises';
import { authenticate } from 'mailauth';

/**
 * Is an inbound message really from its From: domain? A forged From: alone must not opt a lead out,
 * hand it back or create records. Over the inbound webhook we verify the message ourselves with
 * mailauth (DKIM signatures and DMARC alignment against DNS); over IMAP the provider's receiving
 * server already did, and wrote the topmost Authentication-Results header, which we read.
 */
export type AuthVerdict = 'pass' | 'fail' | 'none' | 'off';

export interface MailAuthResult {
  verdict: AuthVerdict;
  /** What was checked, for the note and the inbound log ("dmarc=pass header.from=acme.test"). */
  detail: string;
}

export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

const DNS_TIMEOUT_MS = 5_000;

/** The system resolver with a time limit: a slow DNS server must not hold the webhook's answer. */
export const systemResolver: DnsResolver = (name, rrtype) =>
  Promise.race([dnsResolve(name, rrtype), new Promise((_, fail) => setTimeout(() => fail(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })), DNS_TIMEOUT_MS).unref())]);

function domainOf(address: string | undefined | null): string | null {
  return address?.split('@')[1]?.toLowerCase().replace(/>$/, '') ?? null;
}

/** A pass when DMARC passes, or a DKIM signature of the From: domain (or its parent) verifies. */
export async function verifyMessage(raw: Buffer, fromAddress: string | null, resolver: DnsResolver = systemResolver): Promise<MailAuthResult> {
  const fromDomain = domainOf(fromAddress);
  try {
    const result = await authenticate(raw, { resolver: resolver as never, disableBimi: true, disableArc: true, trustReceived: false, mta: 'salesassist' });
    const dmarc = (result.dmarc as { status?: { result?: string } } | undefined)?.status?.result ?? 'none';
    const signatures = ((result.dkim as { results?: { status?: { result?: string }; signingDomain?: string }[] } | undefined)?.results ?? []).map((entry) => ({ result: entry.status?.result ?? 'none', domain: entry.signingDomain?.toLowerCase() ?? '' }));
    const aligned = signatures.some((entry) => entry.result === 'pass' && fromDomain !== null && (entry.domain === fromDomain || fromDomain.endsWith(`.${entry.domain}`)));
    const detail = [`dmarc=${dmarc}`, ...signatures.map((entry) => `dkim=${entry.result} header.d=${entry.domain}`), `header.from=${fromDomain ?? 'unknown'}`].join(' ');
    if (dmarc === 'pass' || aligned) return { verdict: 'pass', detail };
    return { verdict: dmarc === 'fail' || signatures.some((entry) => entry.result === 'fail') ? 'fail' : 'none', detail };
  } catch (error) {
    return { verdict: 'none', detail: `not verified: ${error instanceof Error ? error.message.slice(0, 120) : 'error'}` };
  }
}

/**
 * The receiving server's verdict over IMAP: the topmost Authentication-Results header (one a
 * sender adds sits below the ones the receiving servers add on top).
 */
export function providerVerdict(authenticationResults: string | undefined, fromAddress: string | null): MailAuthResult {
  const fromDomain = domainOf(fromAddress);
  if (!authenticationResults) return { verdict: 'none', detail: 'no Authentication-Results from the mail provider' };
  const header = authenticationResults.slice(0, 2_000).toLowerCase();
  const dmarc = /\bdmarc=(\w+)/.exec(header)?.[1] ?? 'none';
  const dkimPassDomains = [...header.matchAll(/\bdkim=pass\b[^;]*?header\.(?:d|i)=@?([a-z0-9.-]+)/g)].map((match) => match[1]!);
  const aligned = fromDomain !== null && dkimPassDomains.some((domain) => domain === fromDomain || fromDomain.endsWith(`.${domain}`));
  const detail = `provider: dmarc=${dmarc}${dkimPassDomains.length > 0 ? ` dkim=pass (${dkimPassDomains.join(', ')})` : ''} header.from=${fromDomain ?? 'unknown'}`;
  if (dmarc === 'pass' || aligned) return { verdict: 'pass', detail };
  return { verdict: dmarc === 'fail' || /\bdkim=fail\b/.test(header) ? 'fail' : 'none', detail };
}
