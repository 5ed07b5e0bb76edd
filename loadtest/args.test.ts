import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './args.ts';

describe('loadtest options', () => {
  it('reads the documented command', () => {
    const o = parseCliArgs(['--url', 'http://127.0.0.1:3000,http://localhost:3001/', '--bots', '128', '--duration', '60', '--report', 'out.json', '--html', 'out.html', '--light']);
    expect(o.urls).toEqual(['http://127.0.0.1:3000', 'http://localhost:3001']);
    expect(o.bots).toBe(128);
    expect(o.durationS).toBe(60);
    expect(o.rampUpS).toBe(2);
    expect(o.reportPath).toBe('out.json');
    expect(o.htmlPath).toBe('out.html');
    expect(o.light).toBe(true);
    expect(o.wire).toBe('binary');
    expect(o.mode).toBe('ffa');
  });

  it('reads the light bots\' wire, their keyframe sampling and a sample rate that follows the wire', () => {
    const base = ['--url', 'http://127.0.0.1:3000', '--bots', '10', '--light'];
    const raw = parseCliArgs(base);
    expect([raw.lightWire, raw.keyframeEvery, raw.sampleEvery]).toEqual(['raw', 1, 64]);
    const sdk = parseCliArgs([...base, '--light-wire', 'sdk', '--keyframe-every', '3']);
    expect([sdk.lightWire, sdk.keyframeEvery, sdk.sampleEvery]).toEqual(['sdk', 3, 16]);
    expect(parseCliArgs([...base, '--sample-every', '8']).sampleEvery).toBe(8);
    expect(() => parseCliArgs([...base, '--light-wire', 'udp'])).toThrow(/--light-wire "udp": expected raw or sdk/);
    expect(() => parseCliArgs([...base, '--keyframe-every', '0'])).toThrow(/--keyframe-every/);
  });

  it("reads the raw bots' input clock, write path and clock sampling, with defaults", () => {
    const base = ['--url', 'http://127.0.0.1:3000', '--bots', '10', '--light'];
    const d = parseCliArgs(base);
    expect([d.inputClock, d.rawWrites, d.clockEvery]).toEqual(['timer', 'stream', 1]);
    const o = parseCliArgs([...base, '--input-clock', 'half-tick', '--raw-writes', 'direct', '--clock-every', '16']);
    expect([o.inputClock, o.rawWrites, o.clockEvery]).toEqual(['half-tick', 'direct', 16]);
    expect(() => parseCliArgs([...base, '--input-clock', 'vsync'])).toThrow(/--input-clock "vsync": expected snapshot, half-tick or timer/);
    expect(() => parseCliArgs([...base, '--raw-writes', 'mmap'])).toThrow(/--raw-writes "mmap": expected direct or stream/);
    expect(() => parseCliArgs([...base, '--clock-every', '0'])).toThrow(/--clock-every/);
  });

  it("reads how often the timeline scrapes the nodes' /metrics: every second unless told, 0 for the window's ends only", () => {
    const base = ['--url', 'http://127.0.0.1:3000', '--bots', '10'];
    expect(parseCliArgs(base).scrapeEveryS).toBe(1);
    expect(parseCliArgs([...base, '--scrape-every', '0']).scrapeEveryS).toBe(0);
    expect(parseCliArgs([...base, '--scrape-every', '15']).scrapeEveryS).toBe(15);
    expect(() => parseCliArgs([...base, '--scrape-every', '-1'])).toThrow(/--scrape-every/);
    expect(() => parseCliArgs([...base, '--scrape-every', '0.5'])).toThrow(/--scrape-every/);
  });

  it('names the option that is wrong', () => {
    expect(() => parseCliArgs(['--bots', '10'])).toThrow(/--url is required/);
    expect(() => parseCliArgs(['--url', 'http://127.0.0.1:1', '--bots', 'ten'])).toThrow(/--bots "ten"/);
    expect(() => parseCliArgs(['--url', 'http://127.0.0.1:1', '--bots', '1', '--wire', 'xml'])).toThrow(/--wire/);
    expect(() => parseCliArgs(['--url', 'http://127.0.0.1:1', '--bots', '1', '--nope'])).toThrow(UsageError);
  });

  it('refuses to load-test a non-loopback address unless told to', () => {
    expect(() => parseCliArgs(['--url', 'http://example.com', '--bots', '1'])).toThrow(/--allow-remote/);
    expect(parseCliArgs(['--url', 'http://example.com', '--bots', '1', '--allow-remote']).urls).toEqual(['http://example.com']);
  });
});
