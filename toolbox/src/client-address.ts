import { isIP, isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** How Node reports an IPv4 peer on a dual-stack socket. */
const IPV4_MAPPED_PREFIX = '::ffff:';

/** The peers whose X-Forwarded-For is believed: the suite's own proxies (Caddy, an Ingress, the broker). */
export interface TrustedProxies {
  has(address: string): boolean;
  /** The entries as configured, for the start-up log line. */
  readonly entries: readonly string[];
}

/**
 * Parses `TRUSTED_PROXIES`: comma-separated IPv4/IPv6 addresses and CIDR ranges; empty or `none`
 * trusts no one. Throws an Error naming every entry that is not one, so a typo never trusts a range
 * nobody meant.
 */
export function parseTrustedProxies(text: string): TrustedProxies {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && entry.toLowerCase() !== 'none');
  const ranges: Array<[Address, number]> = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    const range = parseRange(entry);
    if (range) ranges.push(range);
    else invalid.push(entry);
  }
  if (invalid.length > 0) {
    throw new Error(`not an IP address or CIDR range: ${invalid.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  return {
    entries,
    has(address) {
      if (ranges.length === 0) return false;
      const parsed = parseAddress(address);
      return (
        parsed !== undefined &&
        ranges.some(([base, bits]) => sameKind(parsed, base) && parsed.match(base, bits))
      );
    },
  };
}

export const NO_TRUSTED_PROXIES: TrustedProxies = parseTrustedProxies('');

/**
 * The client's address: the direct peer, unless the peer is a trusted proxy; then the right-most
 * X-Forwarded-For entry that is not trusted (entries left of it were written by the client and may be
 * anything). When every hop is trusted, the left-most one. An entry that is not an address stops the
 * walk at the trusted hop that passed it on.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string {
  let client = normaliseAddress(peer ?? '') ?? 'unknown';
  if (!forwardedFor || !trusted.has(client)) return client;
  const hops = forwardedFor.split(',').map((hop) => hop.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]!);
    if (hop === undefined) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}

/**
 * The key a per-client limit counts an address under: an IPv4 address as it is, an IPv6 address by
 * its /64, since one subscriber usually holds a whole /64 and could rotate through it.
 */
export function clientAddressKey(address: string): string {
  const parsed = parseAddress(address);
  if (parsed === undefined) return address;
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`);
  return `${network.toRFC5952String()}/64`;
}

/** One spelling per address: IPv4-mapped IPv6 as IPv4, IPv6 in RFC 5952 form; undefined when not an address. */
function normaliseAddress(text: string): string | undefined {
  // Every request resolves its peer, nearly always plain or IPv4-mapped IPv4: Node's strict dotted
  // form is already the one spelling, so only other forms pay for a parse.
  if (isIPv4(text)) return text;
  if (text.startsWith(IPV4_MAPPED_PREFIX) && isIPv4(text.slice(IPV4_MAPPED_PREFIX.length))) {
    return text.slice(IPV4_MAPPED_PREFIX.length);
  }
  const parsed = parseAddress(text);
  if (parsed === undefined) return undefined;
  return parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString();
}

/** Node's strict check first: ipaddr.js alone also takes forms such as `127.1` or `0x7f.0.0.1`. */
function parseAddress(text: string): Address | undefined {
  const version = isIP(text);
  if (version === 0) return undefined;
  // ipaddr.process tries IPv6 first and then parses an IPv4 address twice more; the kind is known here.
  return version === 4 ? ipaddr.IPv4.parse(text) : ipaddr.process(text);
}

function parseRange(entry: string): [Address, number] | undefined {
  const slash = entry.indexOf('/');
  if (slash === -1) {
    const address = parseAddress(entry);
    return address && [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  const text = entry.slice(0, slash);
  const bitsText = entry.slice(slash + 1);
  if (isIP(text) === 0 || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const address = ipaddr.parse(text);
  const bits = Number(bitsText);
  if (bits > (address.kind() === 'ipv4' ? 32 : 128)) return undefined;
  // An IPv4-mapped range (::ffff:10.0.0.0/104) matches the IPv4 addresses it maps, as a peer is compared unmapped.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}

function sameKind(a: Address, b: Address): boolean {
  return a.kind() === b.kind();
}
