/**
 * The peers' packages (Colyseus 0.18, package.json beside this file) install on the benchmark's
 * first run into this folder's own node_modules: `npm install` and `npm test` of the project
 * never fetch them. Colyseus' scoped packages declare Node >= 22 and run on 20 with only an
 * engines warning; the `colyseus` meta-package is not used (its uWebSockets transport comes
 * from a git host this box cannot reach).
 *
 * Their modules are imported by path at run time, so the project type-checks without them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEERS_DIR = dirname(fileURLToPath(import.meta.url));
const PACKAGES = ['@colyseus/core', '@colyseus/ws-transport', '@colyseus/schema', '@colyseus/sdk'];

const installed = (): boolean => PACKAGES.every((p) => existsSync(join(PEERS_DIR, 'node_modules', p, 'package.json')));

/** Installs the peers' packages once (package-lock.json pins them); throws when npm fails. */
export function ensurePeerPackages(log: (line: string) => void): void {
  if (installed()) return;
  log(`installing ${PACKAGES.join(', ')} into ${join(PEERS_DIR, 'node_modules')} (first run only)…`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PEERS_DIR, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !installed()) {
    const why = (r.stderr ?? '').split('\n').filter((l) => l && !l.includes('EBADENGINE')).slice(-5).join('\n');
    throw new Error(`npm install in ${PEERS_DIR} failed (status ${r.status}):\n${why}`);
  }
}

/**
 * One of the peers' packages, required from this folder (CommonJS builds, so the server's and
 * the SDK's copies of @colyseus/schema are one module instance each). Typed `any`: see above.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function requirePeer(name: string): any {
  return createRequire(join(PEERS_DIR, 'package.json'))(name);
}
