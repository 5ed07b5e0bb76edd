/**
 * The real client address of a request: the TCP peer, unless the peer is a proxy this node
 * trusts (TRUST_PROXY), in which case X-Forwarded-For says who the proxy spoke for. Anyone can
 * write X-Forwarded-For, so the header is read from the right (the entries trusted proxies
 * appended) and only as far as the trust goes: a spoofed entry a client wrote itself sits left of
 * the first untrusted hop and is never reached.
 *
 * Pure: the address, the header and the setting in, an address out. Rate limits, connection caps
 * and log lines key on what this returns (canonical text, see ip-address.ts).
 */
import { formatIp, inCidr, parseCidr, parseForwardedEntry, parseIp, type CidrBlock, type IpAddress } from './ip-address.ts';

/**
 * - `none`: X-Forwarded-For is ignored (the default; a node facing players directly).
 * - `hops`: that many proxies stand in front of this node, whatever their addresses (the peer is
 *   the nearest): the client is the entry that many hops back.
 * - `cidrs`: proxies are known by address: walk back while the hop is one of them.
 */
export type ProxyTrust = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'cidrs'; blocks: CidrBlock[]; text: string[] };

/** Named groups an operator may write in TRUST_PROXY instead of the ranges. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
};

/** Past this many hops the walk stops: no honest chain of proxies is longer, and work stays bounded. */
export const MAX_HOPS = 32;

/** TRUST_PROXY's value as a setting, or a problem to report. */
export function parseProxyTrust(text: string): { ok: true; value: ProxyTrust } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '' || t === '0' || t.toLowerCase() === 'none' || t.toLowerCase() === 'false') return { ok: true, value: { kind: 'none' } };
  if (/^\d+$/.test(t)) {
    const hops = Number(t);
    if (hops > MAX_HOPS) return { ok: false, message: `a hop count from 0 to ${MAX_HOPS}` };
    return { ok: true, value: { kind: 'hops', hops } };
  }
  const blocks: CidrBlock[] = [];
  const names: string[] = [];
  for (const item of t.split(',').map((s) => s.trim())) {
    if (item === '') return { ok: false, message: 'an empty entry in the list' };
    const named = NAMED[item.toLowerCase()];
    const texts = named ?? [item];
    for (const cidr of texts) {
      const block = parseCidr(cidr);
      if (!block) return { ok: false, message: `${JSON.stringify(item)} is not an address, a CIDR block or one of ${Object.keys(NAMED).join(', ')}` };
      blocks.push(block);
    }
    names.push(item);
  }
  return { ok: true, value: { kind: 'cidrs', blocks, text: names } };
}

const trusted = (ip: IpAddress, blocks: CidrBlock[]): boolean => blocks.some((b) => inCidr(ip, b));

/**
 * The client's address (canonical text). `peer` is the socket's remote address; when it cannot be
 * parsed (a Unix socket, a test double) it is returned as given.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trust: ProxyTrust): string {
  const peerIp = peer === undefined ? null : parseIp(peer);
  if (!peerIp) return peer ?? 'unknown';
  if (trust.kind === 'none' || forwardedFor === undefined) return formatIp(peerIp);
  // Node joins repeated X-Forwarded-For lines with ", "; a raw array comes from other servers.
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  // Right to left; only the last MAX_HOPS entries can ever be read (the header itself is bounded
  // by Node's 16 KB header limit).
  const entries = header.split(',').slice(-MAX_HOPS).reverse();

  let current = peerIp;
  for (let hop = 0; hop < entries.length; hop++) {
    if (trust.kind === 'hops' ? hop >= trust.hops : !trusted(current, trust.blocks)) break;
    const next = parseForwardedEntry(entries[hop]!);
    // Garbage where an address should be: a trusted proxy never writes that, so it came from the
    // client. Keying on it would let a client pick a fresh key per request; the last real address
    // (the proxy that passed it on) is what can be vouched for.
    if (!next) break;
    current = next;
  }
  return formatIp(current);
}
