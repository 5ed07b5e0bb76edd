/**
 * The party service over the memory stores: a member whose connection went and who did not come
 * back within the grace leaves the party even when the node that held its drop timer died (here:
 * `close()` cancels the timers, as a dead node's are gone), because the next join or quick play
 * sweeps it; one who came back stays. Without the sweep the party stays full of a ghost.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { PartyService, type PartyPort } from './party-service.ts';
import { createMemoryStores, type Party } from './stores/index.ts';

const GRACE_MS = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function service() {
  const stores = createMemoryStores();
  const heard: (Party | null)[] = [];
  const port: PartyPort = { broadcast: (p) => void heard.push(p), enter: async () => {}, exit: async () => void heard.push(null) };
  const make = () => new PartyService({ stores, port, graceMs: GRACE_MS, now: Date.now, log: createLogger({ logLevel: 'silent', nodeId: 't' }) });
  return { stores, heard, make };
}

describe('party service', () => {
  it('drops a member away past the grace on the next join even if its drop timer died with its node', async () => {
    const { stores, make } = service();
    const dead = make();
    const created = await dead.create({ guestId: 'a', nickname: 'Ada' });
    if (!created.ok) throw new Error(created.code);
    for (const [id, name] of [['b', 'Bob'], ['c', 'Cy'], ['d', 'Dee']] as const) expect((await dead.join({ guestId: id, nickname: name }, created.code)).ok).toBe(true);
    await dead.disconnected('d');
    await dead.disconnected('c');
    await dead.connected('c');
    dead.close();
    const alive = make();
    expect(await alive.join({ guestId: 'e', nickname: 'Eve' }, created.code)).toMatchObject({ ok: false, code: 'PARTY_FULL' });
    await sleep(GRACE_MS * 2);
    const joined = await alive.join({ guestId: 'e', nickname: 'Eve' }, created.code);
    expect(joined).toMatchObject({ ok: true });
    expect((await stores.parties.get(created.code))!.members.map((m) => m.guestId)).toEqual(['a', 'b', 'c', 'e']);
    alive.close();
  });

  it('keeps a member that comes back within the grace', async () => {
    const { stores, make } = service();
    const s = make();
    const created = await s.create({ guestId: 'a', nickname: 'Ada' });
    if (!created.ok) throw new Error(created.code);
    await s.join({ guestId: 'b', nickname: 'Bob' }, created.code);
    await s.disconnected('b');
    expect((await stores.parties.get(created.code))!.members[1]!.awaySince).toBeGreaterThan(0);
    await s.connected('b');
    await sleep(GRACE_MS * 2);
    expect((await stores.parties.get(created.code))!.members.map((m) => [m.guestId, m.awaySince])).toEqual([['a', 0], ['b', 0]]);
    s.close();
  });
});
