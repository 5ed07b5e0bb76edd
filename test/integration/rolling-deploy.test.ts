/**
 * A rolling deploy as an operator runs it: `npm run cluster -- --nodes 2`, load-test bots
 * playing through its front, then SIGHUP to the script. Every node is replaced by a new one
 * (`roll: done`), and the players notice nothing but a short freeze: no bot is lost, no request
 * fails, and no match is rewound (each match resumes on its new owner at the very tick its old
 * owner stopped, so no score or kill is lost).
 *
 * What fails without the hand-over: the drained node's players lose their connection when it
 * exits (counted `disconnected`, not `relocated`), and its matches are adopted from the last
 * once-a-second checkpoint, up to 20 ticks behind the tick the old owner stopped at.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanRoll, rollDone, startRollUnderLoad } from '../support/roll.ts';

const BOTS = 6;

describe('rolling deploy: npm run cluster on SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arena-roll-'));
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces every node under load: no bot lost, no error, every match resumed at the tick it stopped at', async () => {
    const roll = await startRollUnderLoad({ dir, bots: BOTS, durationS: 10, started });
    roll.cluster.kill('SIGHUP');
    await rollDone(roll);

    await expectCleanRoll(roll, BOTS);
    console.log(`${roll.out().split('\n').filter((l) => l.includes('roll:')).join('\n')}\n${roll.runOut()}`);
  });
});
