import ipaddr from 'ipaddr.js';

/**
 * Where the server may connect when it fetches or posts to a URL that a client registered
 * (`jwks_uri`, `backchannel_logout_uri`): public unicast addresses, plus what the operator
 * trusts. Everything else (loopback, RFC 1918, link-local, CGNAT, ULA, multicast,
 * documentation and other reserved ranges) is refused, so a registrant cannot make the
 * server call services that only it can reach.
 */
export interface OutboundPolicy {
  /** Loopback addresses are reachable too (dev mode). */
  allowLoopback: boolean;
  /** Exact host names and address ranges (CIDR, or one address) the operator trusts, whatever they resolve to. */
  allowedHosts: readonly string[];
}

/** The policy the config describes: dev mode reaches loopback, `outbound.allowedHosts` is trusted. */
export function outboundPolicy(config: { dev: boolean; outbound: { allowedHosts: string[] } }): OutboundPolicy {
  return { allowLoopback: config.dev, allowedHosts: config.outbound.allowedHosts };
}

export interface AddressGuard {
  /** Why connecting to `address` to reach `hostname` is refused; undefined when it is allowed. */
  refusal(hostname: string, address: string): string | undefined;
  /** Whether plain http may reach this host: an allow-listed name or address, or loopback in dev mode. */
  allowsPlainHttp(hostname: string): boolean;
}

/** IPv6 global unicast (RFC 4291 §2.4): everything outside it is not a public address. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];

/**
 * The special-purpose range `address` falls in ("loopback", "private", "linkLocal",
 * "uniqueLocal", ...), or undefined for a public unicast address. An IPv4-mapped IPv6
 * address (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
 */
export function specialRange(address: string): string | undefined {
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range !== 'unicast') return range;
  // ipaddr.js calls a few non-global IPv6 blocks unicast (::/96 IPv4-compatible, for one).
  if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return undefined;
}

/** An `outbound.allowedHosts` entry: a host name, an IP address or a CIDR range. */
export function isAllowedHostEntry(entry: string): boolean {
  return (
    ipaddr.isValidCIDR(entry) ||
    ipaddr.isValid(entry) ||
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(entry)
  );
}

export function addressGuard(policy: OutboundPolicy): AddressGuard {
  const names = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of policy.allowedHosts) {
    if (ipaddr.isValidCIDR(entry)) ranges.push(normalisedRange(ipaddr.parseCIDR(entry)));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else names.add(normalisedName(entry));
  }
  const inAllowedRange = (address: string): boolean => {
    const parsed = ipaddr.process(address);
    return ranges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits));
  };
  const nameAllowed = (hostname: string): boolean => names.has(normalisedName(hostname));

  return {
    refusal(hostname, address) {
      if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
      if (nameAllowed(hostname) || inAllowedRange(address)) return undefined;
      const range = specialRange(address);
      if (range === undefined) return undefined;
      if (range === 'loopback' && policy.allowLoopback) return undefined;
      return `${address} is a ${range} address (allow it with outbound.allowedHosts)`;
    },
    allowsPlainHttp(hostname) {
      if (nameAllowed(hostname)) return true;
      const bare = hostname.replace(/^\[(.*)\]$/, '$1');
      if (ipaddr.isValid(bare)) return inAllowedRange(bare) || (policy.allowLoopback && specialRange(bare) === 'loopback');
      return policy.allowLoopback && isLoopbackName(hostname);
    },
  };
}

/** RFC 6761 §6.3: localhost and every name under .localhost are loopback. */
export function isLoopbackName(hostname: string): boolean {
  const name = normalisedName(hostname);
  return name === 'localhost' || name.endsWith('.localhost');
}

function normalisedName(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

/** IPv4-mapped CIDRs (::ffff:10.0.0.0/104) become the IPv4 range they describe. */
function normalisedRange([base, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (base.kind() === 'ipv6' && (base as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96)
    return [(base as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [base, bits];
}
