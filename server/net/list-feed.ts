/**
 * Pushes directory changes of public matches to the lobby sockets that subscribed to the list.
 * Every node hears every change from the directory, so each sends to its own sockets only
 * (`nsp.local`): through the cluster adapter the same change would otherwise arrive once per node.
 */
import type { MatchList } from '../../shared/protocol/lobby-events.ts';
import type { LobbyNamespace } from './types.ts';
import type { MatchDirectory } from '../lobby/stores/index.ts';

export const LIST_ROOM = 'lobby:list';

export function startListFeed(nsp: LobbyNamespace, directory: MatchDirectory): () => void {
  return directory.subscribe((change) => {
    const to = nsp.local.to(LIST_ROOM);
    if (change.type === 'removed') {
      if (change.visibility === 'public') to.emit('match_removed', { version: change.version, matchId: change.matchId });
      return;
    }
    if (change.entry.visibility !== 'public') return;
    const event = change.type === 'created' ? 'match_created' : 'match_updated';
    to.emit(event, { version: change.version, match: change.entry.listing });
  });
}

/** The public list as of now, with the version its events continue from. */
export async function publicList(directory: MatchDirectory): Promise<MatchList> {
  const { version, entries } = await directory.list();
  const matches = entries.filter((e) => e.visibility === 'public').map((e) => e.listing);
  matches.sort((a, b) => a.createdAt - b.createdAt || (a.matchId < b.matchId ? -1 : 1));
  return { version, matches };
}
