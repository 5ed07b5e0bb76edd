/**
 * The party card: create one or join by code (an invite link `/?party=CODE` fills it in); in a
 * party, the invite link to share, the members with their leader and presence, the party's chat,
 * and Leave party. The leader's Quick play queues everybody.
 */
import { lobbyActions } from '../state/lobby-slice.ts';
import { Chat } from './Chat.tsx';
import { CodeForm } from './CodeForm.tsx';
import { useAppDispatch, useAppSelector, useController } from './context.ts';

export function Party(props: { nickname: string; disabled: boolean }) {
  const controller = useController();
  const dispatch = useAppDispatch();
  const lobby = useAppSelector((s) => s.lobby);
  const conn = useAppSelector((s) => s.connection);
  const party = lobby.party;

  if (!party) {
    return (
      <section className="card party" aria-label="Party">
        <h2 className="card-title">Party</h2>
        <p className="muted">Play together: the leader's Quick play puts the whole party in one match.</p>
        <button disabled={props.disabled} onClick={() => void controller.lobby.createParty(props.nickname)}>
          Create party
        </button>
        <CodeForm
          name="Join a party"
          label="Party code"
          button="Join party"
          invite={lobby.partyInvite}
          invitedHint="You were invited to a party: pick a nickname and press Join party."
          disabled={props.disabled}
          onJoin={(code) => void controller.lobby.joinParty(code, props.nickname)}
        />
      </section>
    );
  }

  const invite = `${location.origin}/?party=${party.code}`;
  const me = conn.guestId;
  const leader = party.members[0]?.guestId === me;
  return (
    <section className="card party" aria-label="Party">
      <h2 className="card-title">
        Party <span className="count">{party.members.length}/{party.maxSize}</span>
      </h2>
      <label className="field">
        Party invite link
        <input className="invite-link" readOnly value={invite} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <ul className="party-members" aria-label="Party members">
        {party.members.map((m) => (
          <li key={m.guestId} className={m.online ? '' : 'away'}>
            <span className={`dot ${m.online ? 'online' : 'connecting'}`} aria-hidden="true" />
            {m.nickname}
            {m.guestId === me ? ' (you)' : ''}
            {m.leader && <span className="tag">leader</span>}
            {!m.online && <small> away</small>}
          </li>
        ))}
      </ul>
      <p className="muted">{party.queued ? 'The party is in the queue.' : leader ? 'You lead: your Quick play brings everybody.' : 'The leader starts Quick play for the party.'}</p>
      <Chat
        className="party-chat"
        title="Party chat"
        inputLabel="Party message"
        lines={lobby.partyChat}
        maxLength={conn.chatMaxLength}
        disabled={props.disabled}
        onSend={(text) => controller.lobby.partyChat(text)}
      />
      <button className="secondary" onClick={() => {
        dispatch(lobbyActions.dismissed());
        void controller.lobby.leaveParty();
      }}>
        Leave party
      </button>
    </section>
  );
}
