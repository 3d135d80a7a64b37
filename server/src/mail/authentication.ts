import { resolve as dnsResolve } from 'node:dns/promises';

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

export function domainOf(address: string | undefined | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  return at < 0 ? null : address.slice(at + 1).toLowerCase().replace(/>$/, '') || null;
}

/** The results of an Authentication-Results header, comments removed: "dmarc=pass" counts only as a result of its own. */
function resultsOf(header: string): { method: string; result: string; properties: string }[] {
  let plain = '';
  let depth = 0;
  for (const char of header.slice(0, 2_000)) {
    if (char === '(') depth += 1;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) plain += char;
  }
  // The first part is the server that wrote it (authserv-id); each later part is "method=result properties".
  return plain
    .toLowerCase()
    .split(';')
    .slice(1)
    .map((part) => /^\s*([a-z-]+)\s*=\s*([a-z]+)\b(.*)$/s.exec(part))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ method: match[1]!, result: match[2]!, properties: match[3]! }));
}

/** A pass when DMARC passes, or a DKIM signature of the From: domain (or its parent) verifies. */
export async function verifyMessage(raw: Buffer, fromAddress: string | null, resolver: DnsResolver = systemResolver): Promise<MailAuthResult> {
  const fromDomain = domainOf(fromAddress);
  try {
    // Loaded on first use: mailauth and its certificate parsers are a sixth of the backend's start-up imports.
    const { authenticate } = await import('mailauth');
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
  const results = resultsOf(authenticationResults);
  const dmarcResult = results.find((entry) => entry.method === 'dmarc');
  const dmarc = dmarcResult?.result ?? 'none';
  // DMARC passes for the From: domain it names (header.from), not for another one.
  const dmarcFrom = /\bheader\.from\s*=\s*([a-z0-9.-]+)/.exec(dmarcResult?.properties ?? '')?.[1];
  const dmarcPass = dmarc === 'pass' && (dmarcFrom === undefined || dmarcFrom === fromDomain);
  const dkimPassDomains = results
    .filter((entry) => entry.method === 'dkim' && entry.result === 'pass')
    .map((entry) => /\bheader\.(?:d|i)\s*=\s*@?([a-z0-9.-]+)/.exec(entry.properties)?.[1])
    .filter((domain): domain is string => Boolean(domain));
  const aligned = fromDomain !== null && dkimPassDomains.some((domain) => domain === fromDomain || fromDomain.endsWith(`.${domain}`));
  const detail = `provider: dmarc=${dmarc}${dkimPassDomains.length > 0 ? ` dkim=pass (${dkimPassDomains.join(', ')})` : ''} header.from=${fromDomain ?? 'unknown'}`;
  if (dmarcPass || aligned) return { verdict: 'pass', detail };
  return { verdict: dmarc === 'fail' || results.some((entry) => entry.method === 'dkim' && entry.result === 'fail') ? 'fail' : 'none', detail };
}
