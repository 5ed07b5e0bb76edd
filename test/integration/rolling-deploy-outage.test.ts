/**
 * A rolling deploy while Redis is down (stopped just before the SIGHUP to `npm run cluster`, back
 * 2 s later), under load-test bots playing through the front. The roll waits: no new node is
 * ready without Redis, and no old node is drained meanwhile (one drained then could hand nothing
 * over). Then it completes, and nothing is lost and nobody sees an error: every bot is back in its
 * match, no request of theirs failed, and every match resumes on its new owner at the very tick
 * its old owner stopped (a match adopted later from an older checkpoint would be rewound: the tick
 * check below sees it). The plain roll is rolling-deploy.test.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, restartableRedis } from '../support/redis.ts';
import { expectCleanRoll, rollDone, startRollUnderLoad } from '../support/roll.ts';
import { sleep } from '../support/wait.ts';

const BOTS = 6;
/** How long Redis is down at the start of the roll (the bots' run is 3 s longer for it). */
const OUTAGE_MS = 2000;

describe('rolling deploy while Redis is briefly down: npm run cluster on SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arena-roll-'));
  const started: ChildProcess[] = [];
  let redis: Awaited<ReturnType<typeof restartableRedis>> | null = null;
  afterAll(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits out a Redis outage at the SIGHUP, then replaces every node: no bot lost, no error, every match resumed at the tick it stopped at', async () => {
    redis = await restartableRedis(await freePort());
    await redis.start();
    const roll = await startRollUnderLoad({ dir, bots: BOTS, durationS: 13, clusterArgs: ['--redis-url', redis.url], started });
    await redis.stop();
    roll.cluster.kill('SIGHUP');
    await sleep(OUTAGE_MS);
    const outageEnded = Date.now();
    // Nothing replaced, nothing drained while Redis was down: both old nodes still serve.
    expect(roll.out()).not.toMatch(/roll: node\d \(pid/);
    for (const url of roll.nodeUrls) expect((await fetch(`${url}/healthz`).catch((e: unknown) => ({ status: String(e) }))).status, roll.out()).toBe(200);
    await redis.start();
    await rollDone(roll);
    const rollAfterOutageMs = Date.now() - outageEnded;

    // No error either, as in a plain roll: a join or a move answered "not now" while Redis was
    // away or the match between owners is asked again inside the SDK (joinSettled), a move that
    // gave up and seated its closed connection after all takes the seat back, and the players a
    // node relayed from a match's old owner join again before the match ticks there.
    await expectCleanRoll(roll, BOTS);
    console.log(`roll done ${rollAfterOutageMs} ms after Redis was back\n${roll.out().split('\n').filter((l) => l.includes('roll:')).join('\n')}\n${roll.runOut()}`);
  });
});
