import { isIPv4, isIPv6 } from "node:net";

/**
 * The address a budget counts a caller under (decisions.md #102). An IPv6 address counts by its
 * /64: that is one subscriber's LAN (RFC 6177, RFC 8981 privacy addresses rotate inside it), so
 * counting each of its 2^64 addresses apart would hand one client a fresh budget per request. IPv4,
 * and IPv4 reached over a dual-stack socket (`::ffff:a.b.c.d`), count per address. Anything that
 * is not an address (say "unknown") is kept as it is.
 */
export function addressBucket(raw: string): string {
  const address = withoutPort(raw.trim());
  if (isIPv4(address)) return address;
  const bare = address.replace(/%.*$/, ""); // a zone id (fe80::1%eth0) names an interface, not a host
  if (!isIPv6(bare)) return address;
  const groups = hextets(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

// Some proxies append the client's port: "203.0.113.7:51234", "[2001:db8::1]:443".
function withoutPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  return v4 ? v4[1]! : address;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, an IPv4 tail as two groups). */
function hextets(address: string): number[] {
  let text = address.toLowerCase();
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4Tail) {
    const [a, b, c, d] = v4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
