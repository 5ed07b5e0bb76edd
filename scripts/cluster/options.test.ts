import { describe, expect, it } from 'vitest';
import { parseClusterArgs, UsageError } from './options.ts';

describe('npm run cluster options', () => {
  it('reads the documented command, with a local redis-server by default', () => {
    expect(parseClusterArgs(['--nodes', '3', '--port', '3100', '--tick-rate', '20'])).toEqual({
      nodes: 3,
      redis: { kind: 'local' },
      port: 3100,
      tickRate: 20,
      logDir: null,
      help: false,
    });
    expect(parseClusterArgs([])).toMatchObject({ nodes: 2, port: 3000, tickRate: null });
    expect(parseClusterArgs(['--redis-cluster']).redis).toEqual({ kind: 'local-cluster', shards: 3 });
    expect(parseClusterArgs(['--redis-url', 'redis://10.0.0.5:6379']).redis).toEqual({ kind: 'url', url: 'redis://10.0.0.5:6379' });
  });

  it('names the option that is wrong', () => {
    expect(() => parseClusterArgs(['--nodes', '0'])).toThrow(/--nodes "0": expected an integer from 1 to 16/);
    expect(() => parseClusterArgs(['--port', 'x'])).toThrow(/--port "x"/);
    expect(() => parseClusterArgs(['--redis-url', 'localhost:6379'])).toThrow(/--redis-url/);
    expect(() => parseClusterArgs(['--redis-url', 'redis://a:1', '--redis-cluster'])).toThrow(/choose one/);
    expect(() => parseClusterArgs(['--node', '2'])).toThrow(UsageError);
  });
});
