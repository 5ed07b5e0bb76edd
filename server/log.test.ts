import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CODE_LINES_PER_SECOND, createLogger } from './log.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ logLevel: 'info', nodeId: 'n1' }, stream) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('createLogger', () => {
  afterEach(() => vi.useRealTimers());

  it('writes a refusal flood as its first lines a second and one line counting the rest', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const { lines, log } = capture();
    for (let i = 0; i < 500; i++) log.warn({ socketId: `s${i}`, code: 'RATE_LIMITED' }, 'more than 120 packets per second');
    log.info({ matchId: 'm1' }, 'match created');
    await flush();
    expect(lines.filter((l) => l.code === 'RATE_LIMITED')).toHaveLength(CODE_LINES_PER_SECOND);
    // Lines without a code are never held back.
    expect(lines.some((l) => l.msg === 'match created')).toBe(true);
    vi.advanceTimersByTime(1000);
    await flush();
    expect(lines.at(-1)).toMatchObject({ suppressedCode: 'RATE_LIMITED', suppressed: 500 - CODE_LINES_PER_SECOND, level: 40 });
    // The next second writes again.
    log.warn({ code: 'RATE_LIMITED' }, 'more than 120 packets per second');
    await flush();
    expect(lines.at(-1)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('throttles each code on its own, child loggers included', async () => {
    const { lines, log } = capture();
    const child = log.child({ nsp: '/match' });
    for (let i = 0; i < 100; i++) child.warn({ code: 'BAD_INPUT' }, 'bad input');
    log.info({ code: 'ORIGIN_REFUSED' }, 'request refused');
    await flush();
    expect(lines.filter((l) => l.code === 'BAD_INPUT')).toHaveLength(CODE_LINES_PER_SECOND);
    expect(lines.filter((l) => l.code === 'ORIGIN_REFUSED')).toHaveLength(1);
  });
});
