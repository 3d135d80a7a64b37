import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * A mailbox setting names a host the backend connects to on an admin's word. Unchecked, that is a
 * way to reach what sits behind the backend (cloud metadata at 169.254.169.254, a database on
 * 10.0.0.5, the backend's own loopback) and to read its answers back. So every address the host
 * resolves to must be public, unless the operator allows private mail servers
 * (MAILBOX_PRIVATE_HOSTS=allow: the demo, or a mail server on the same network).
 */
export class MailboxHostRefused extends Error {
  constructor() {
    super('Mailbox servers on private, loopback or link-local addresses are not allowed.');
  }
}

/** ipaddr.js's names for the ranges that are not the public internet. */
const NOT_PUBLIC = new Set(['private', 'loopback', 'linkLocal', 'uniqueLocal', 'unspecified', 'carrierGradeNat', 'reserved', 'broadcast', 'multicast', 'ipv4Mapped', 'rfc6145', 'rfc6052', '6to4', 'teredo', 'benchmarking', 'amt', 'as112', 'deprecated', 'orchid2', 'droneRemoteIdProtocolEntityTags']);

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  // ::ffff:10.0.0.1 is 10.0.0.1.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return !NOT_PUBLIC.has(parsed.range());
}

/**
 * Throws MailboxHostRefused unless every address of `host` is public (or private hosts are allowed).
 * Answers the address to connect to: the one checked, so a name cannot be pointed elsewhere between
 * the check and the connection (DNS rebinding).
 */
export async function checkMailboxHost(host: string, allowPrivate: boolean): Promise<string> {
  if (allowPrivate) return host;
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) ? [bare] : (await lookup(bare, { all: true, verbatim: true }).catch(() => [])).map((entry) => entry.address);
  // Fail closed: a name that does not resolve now is not checked, so it is not used.
  if (addresses.length === 0 || addresses.some((address) => !isPublicAddress(address))) throw new MailboxHostRefused();
  return addresses[0]!;
}
