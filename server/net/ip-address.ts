/**
 * IP addresses as bytes: parse (IPv4, IPv6, IPv4-mapped IPv6), print in one canonical form, and
 * match against CIDR blocks. Canonical text matters because addresses are map keys (rate limits,
 * connection counts): `::ffff:10.0.0.1`, `10.0.0.1`, `2001:DB8::1` and `2001:db8:0::1` must each
 * key one client, not two.
 */
export interface IpAddress {
  version: 4 | 6;
  /** 4 or 16 bytes. An IPv4-mapped IPv6 address is stored as its IPv4 address. */
  bytes: Uint8Array;
}

export interface CidrBlock {
  version: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // Decimal only: `010` is octal to some parsers and decimal to others, so neither.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  // A dotted quad may only end the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

const isMappedV4 = (b: Uint8Array): boolean => b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/**
 * Parses a bare address (no port, no brackets). A zone id (`fe80::1%eth0`) is dropped: it names
 * an interface of this host, not a different client.
 */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  if (t.length === 0 || t.length > 64) return null;
  if (t.includes(':')) {
    const bytes = parseIpv6(t.split('%')[0]!);
    if (!bytes) return null;
    return isMappedV4(bytes) ? { version: 4, bytes: bytes.slice(12) } : { version: 6, bytes };
  }
  const bytes = parseIpv4(t);
  return bytes ? { version: 4, bytes } : null;
}

/**
 * Parses one entry of an X-Forwarded-For list, which some proxies write with a port:
 * `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::7`, `[2001:db8::7]`, `[2001:db8::7]:4711`.
 */
export function parseForwardedEntry(text: string): IpAddress | null {
  const t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(t);
  if (bracketed) return parseIp(bracketed[1]!);
  const v4WithPort = /^([\d.]+):\d{1,5}$/.exec(t);
  if (v4WithPort) return parseIp(v4WithPort[1]!);
  return parseIp(t);
}

/** RFC 5952 text: lowercase, leading zeros dropped, the longest run of zero groups as `::`. */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return Array.from(ip.bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((ip.bytes[i * 2]! << 8) | ip.bytes[i * 2 + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** The canonical text of an address, or null when it is not one. */
export function canonicalIp(text: string): string | null {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). An IPv4-mapped
 * IPv6 block (`::ffff:10.0.0.0/104`) becomes its IPv4 block, the way addresses do.
 */
export function parseCidr(text: string): CidrBlock | null {
  const [addr, prefixText, extra] = text.trim().split('/');
  if (addr === undefined || extra !== undefined) return null;
  const raw = addr.includes(':') ? parseIpv6(addr) : parseIpv4(addr);
  if (!raw) return null;
  const width = raw.length * 8;
  let prefix = width;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > width) return null;
  }
  if (raw.length === 16 && isMappedV4(raw) && prefix >= 96) return { version: 4, bytes: raw.slice(12), prefix: prefix - 96 };
  return { version: raw.length === 4 ? 4 : 6, bytes: raw, prefix };
}

export function inCidr(ip: IpAddress, block: CidrBlock): boolean {
  if (ip.version !== block.version) return false;
  const whole = block.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== block.bytes[i]) return false;
  const rest = block.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip.bytes[whole]! & mask) === (block.bytes[whole]! & mask);
}
