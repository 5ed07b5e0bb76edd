/**
 * Which of a file's precompressed copies to send, from the request's `Accept-Encoding`
 * (RFC 9110 §12.5.3): the coding with the highest q-value, Brotli before gzip on a tie (it is
 * the smaller of the two), identity when neither is acceptable or there is no copy.
 *
 * The header is read leniently, as browsers and proxies write it: codings are case-insensitive,
 * `*` stands for any coding not named, `x-gzip` is gzip, `q=0` refuses. An entry that cannot be
 * parsed (a q-value that is not a number from 0 to 1, an empty or malformed token) is skipped,
 * not fatal: a garbled header costs the client compression, never the file. An absent header
 * means "no preference" (RFC 9110 allows any coding, but a client that sends none may be a
 * script that cannot decode one, so it gets identity); an empty one means identity only.
 * Identity is sent even when the header refuses it (`identity;q=0`) and nothing else fits:
 * a complete file the client may not like beats a 406 it certainly cannot use.
 */

export type Coding = 'br' | 'gzip';
export type ChosenCoding = Coding | 'identity';

/** Preference on equal q-values: Brotli first. */
const ORDER: readonly Coding[] = ['br', 'gzip'];

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Longest Accept-Encoding value looked at: real ones are a few dozen characters. */
const MAX_HEADER = 1024;

/** q-value per coding named in the header (lower case), `*` included; entries that do not parse are left out. */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of header.slice(0, MAX_HEADER).split(',')) {
    const [rawName, ...params] = entry.split(';');
    const name = rawName!.trim().toLowerCase();
    if (!TOKEN.test(name)) continue;
    let q = 1;
    let ok = true;
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim().toLowerCase());
      if (key !== 'q') continue; // other parameters carry no weight here
      if (value === undefined || !QVALUE.test(value)) {
        ok = false;
        break;
      }
      q = Number(value);
    }
    if (!ok) continue;
    const coding = name === 'x-gzip' ? 'gzip' : name;
    // A coding named twice keeps its most generous q.
    out.set(coding, Math.max(q, out.get(coding) ?? 0));
  }
  return out;
}

/** The coding to send for a request with `header`, among the copies `available`. */
export function chooseEncoding(header: string | undefined, available: readonly Coding[]): ChosenCoding {
  if (header === undefined || available.length === 0) return 'identity';
  const accepted = parseAcceptEncoding(header);
  const star = accepted.get('*');
  let best: ChosenCoding = 'identity';
  let bestQ = 0;
  for (const coding of ORDER) {
    if (!available.includes(coding)) continue;
    const q = accepted.get(coding) ?? star ?? 0;
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  // A client that ranks identity above every copy (e.g. `identity;q=1, gzip;q=0.5`) gets
  // identity. Unnamed, identity is the fallback and outranks nothing (`gzip;q=0.5` wants gzip).
  const identityQ = accepted.get('identity') ?? star ?? 0;
  if (best !== 'identity' && identityQ > bestQ) return 'identity';
  return best;
}
