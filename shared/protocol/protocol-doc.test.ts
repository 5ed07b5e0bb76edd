/**
 * docs/protocol.md is what a client in another language is written from, so it is checked
 * against the code here: its input tables against the input codecs (each field at its offset,
 * of its type), every worked example against the codecs (encode gives the document's bytes,
 * decode gives its values back), its version table, the compact wire's prefixes, and that every
 * lobby request and every error code that crosses the wire is documented.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as arenaInput from '../games/arena/input-codec.ts';
import * as arenaSnapshot from '../games/arena/snapshot-codec.ts';
import * as cyclesInput from '../games/cycles/input-codec.ts';
import * as cyclesSnapshot from '../games/cycles/snapshot-codec.ts';
import { ErrorCode } from './errors.ts';
import { MATCH_SERVER_EVENTS } from './events.ts';
import { LOBBY_REQUESTS } from './lobby-events.ts';
import { PROTOCOL_VERSION } from './version.ts';
import { wireParser } from './wire.ts';

const DOC = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');

/** The text of the section under a heading, up to the next heading of any level. */
function section(heading: string): string {
  const start = DOC.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/protocol.md has no "${heading}"`);
  const rest = DOC.slice(start + heading.length + 2);
  const end = rest.search(/\n#{1,6} /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The rows of the first Markdown table in `text`, as cells (header and separator dropped). */
function tableRows(text: string): string[][] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');

interface Example {
  name: string;
  value: unknown;
  hex: string;
}

const EXAMPLES: Example[] = [...DOC.matchAll(/```wire-example (\S+)\n(.*)\n(.*)\n```/g)].map((m) => ({ name: m[1]!, value: JSON.parse(m[2]!), hex: m[3]!.trim() }));

const bytesOf = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/ /g, ''), 'hex'));

describe('docs/protocol.md', () => {
  it('has a worked example of every input and snapshot kind of every game', () => {
    expect(EXAMPLES.map((e) => e.name).sort()).toEqual(['arena.delta', 'arena.input', 'arena.keyframe', 'cycles.delta', 'cycles.input', 'cycles.keyframe']);
  });

  it('its worked examples are what the codecs encode, and decode back to the same values', () => {
    const bases = new Map<string, unknown>();
    for (const { name, value, hex } of EXAMPLES) {
      const [game, kind] = name.split('.') as ['arena' | 'cycles', 'input' | 'keyframe' | 'delta'];
      const input = game === 'arena' ? arenaInput : cyclesInput;
      const snapshot = game === 'arena' ? arenaSnapshot : cyclesSnapshot;
      let encoded: Uint8Array;
      let decoded: { ok: boolean; value?: unknown };
      if (kind === 'input') {
        encoded = input.encodeInput(value as never);
        decoded = input.decodeInput(bytesOf(hex));
      } else if (kind === 'keyframe') {
        encoded = snapshot.encodeKeyframe(value as never);
        decoded = snapshot.decodeSnapshot(bytesOf(hex), null);
        bases.set(game, value);
      } else {
        const base = bases.get(game);
        expect(base, `${name} follows its keyframe`).toBeDefined();
        encoded = snapshot.encodeDelta(base as never, value as never);
        decoded = snapshot.decodeSnapshot(bytesOf(hex), base as never);
      }
      expect(hexOf(encoded), name).toBe(hex);
      expect(decoded, name).toEqual({ ok: true, value });
    }
  });

  const inputs = [
    { heading: '### Arena input', codec: arenaInput, sample: { seq: 0x01020304, buttons: 0b10011, aim: -1.25, clientTick: 0x0a0b0c0d }, field: (v: Record<string, number>, f: string) => v[f] },
    {
      heading: '### Cycles input',
      codec: cyclesInput,
      sample: { seq: 0x01020304, dir: 3, boost: true, clientTick: 0x0a0b0c0d },
      field: (v: Record<string, number>, f: string) => (f === 'command' ? v.dir! | (v.boost ? 8 : 0) : v[f]),
    },
  ] as const;

  for (const { heading, codec, sample, field } of inputs) {
    it(`${heading.slice(4)}: each field of the table is where the codec writes it`, () => {
      const rows = tableRows(section(heading));
      const bytes = codec.encodeInput(sample as never);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const sizes: Record<string, number> = { u8: 1, u32: 4, f32: 4 };
      let end = 0;
      for (const [offsetText, type, name] of rows) {
        const offset = Number(offsetText);
        const read = type === 'u8' ? view.getUint8(offset) : type === 'u32' ? view.getUint32(offset) : type === 'f32' ? view.getFloat32(offset) : NaN;
        const expected = name === 'version' ? codec.INPUT_VERSION : field(sample as unknown as Record<string, number>, name!);
        expect(read, `${name} at ${offset} as ${type}`).toBeCloseTo(expected!, 6);
        expect(offset, `${name} follows the previous field`).toBe(end);
        end = offset + sizes[type!]!;
      }
      expect(end).toBe(codec.INPUT_BYTES);
      expect(section(heading)).toContain(`${codec.INPUT_BYTES} bytes`);
    });
  }

  it('names the versions the code speaks', () => {
    const versions = new Map(tableRows(section('## Versions')).map(([what, value]) => [what, Number(value)]));
    expect(versions.get('Protocol version (events, payloads, codecs)')).toBe(PROTOCOL_VERSION);
    expect(versions.get('Arena input')).toBe(arenaInput.INPUT_VERSION);
    expect(versions.get('Arena snapshot')).toBe(arenaSnapshot.SNAPSHOT_VERSION);
    expect(versions.get('Cycles input')).toBe(cyclesInput.INPUT_VERSION);
    expect(versions.get('Cycles snapshot')).toBe(cyclesSnapshot.SNAPSHOT_VERSION);
    expect(DOC).toContain(`### Arena snapshot (version ${arenaSnapshot.SNAPSHOT_VERSION})`);
    expect(DOC).toContain(`### Cycles snapshot (version ${cyclesSnapshot.SNAPSHOT_VERSION})`);
  });

  it('gives the compact prefixes the wire parser uses', () => {
    const text = section('### Wire formats');
    expect(text).toContain(`A snapshot\non \`/match\` is therefore \`${hexOf(wireParser.eventPrefix('/match', 'snapshot')!)}\``);
    expect(text).toContain(`an input \`${hexOf(wireParser.eventPrefix('/match', 'input')!)}\``);
  });

  it('documents every event the server sends on /match, in its server event table', () => {
    const text = section('## /match');
    const serverTable = text.slice(text.indexOf('| Server event |'));
    const documented = tableRows(serverTable).map((r) => r[0]);
    for (const event of MATCH_SERVER_EVENTS) expect(documented, event).toContain(`\`${event}\``);
  });

  it('documents every lobby request and every error code that crosses the wire', () => {
    const lobby = tableRows(section('## /lobby')).map((r) => r[0]);
    for (const event of LOBBY_REQUESTS) expect(lobby).toContain(`\`${event}\``);
    const codes = tableRows(section('## Error codes')).map((r) => r[0]);
    const clientSide: string[] = [ErrorCode.Timeout, ErrorCode.Unavailable, ErrorCode.UnknownGame, ErrorCode.GameLoadFailed];
    for (const code of Object.values(ErrorCode)) {
      if (!clientSide.includes(code)) expect(codes, code).toContain(`\`${code}\``);
    }
  });
});
