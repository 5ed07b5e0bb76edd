/**
 * The lobby: nickname, game and mode, quick play, a private match (size and the game's options),
 * join by code, the live public match list with Join and Spectate, lobby chat and the online
 * count. Every button calls the controller; everything shown comes from the store.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { MatchListing } from '../../../shared/protocol/events.ts';
import { lobbyActions } from '../state/lobby-slice.ts';
import { selectPublicMatches } from '../state/store.ts';
import { Chat } from './Chat.tsx';
import { CodeForm } from './CodeForm.tsx';
import { Leaderboard } from './Leaderboard.tsx';
import { Party } from './Party.tsx';
import { useAppDispatch, useAppSelector, useController } from './context.ts';
import { gameName, modeLabel, modesOf, STATE_LABEL } from './labels.ts';
import { RecentReplays } from './RecentReplays.tsx';

export function Lobby(props: { onInteractive?: () => void }) {
  const controller = useController();
  const dispatch = useAppDispatch();
  const conn = useAppSelector((s) => s.connection);
  const lobby = useAppSelector((s) => s.lobby);
  const nickname = lobby.nickname;
  const setNickname = (name: string) => dispatch(lobbyActions.nicknameTyped(name));
  const online = conn.status === 'online';
  const busy = lobby.pending !== null;
  const name = nickname.trim();

  useEffect(() => {
    if (online) props.onInteractive?.();
  }, [online]);

  const modes = modesOf(conn.games, conn.modes, lobby.game);
  const mode = modes.find((m) => m.id === lobby.mode) ?? modes[0];

  return (
    <main className="lobby" aria-label="Lobby">
      <header className="lobby-head">
        <h1 className="logo">
          ARENA<span>.io</span>
        </h1>
        {/* The server's count can lag behind this very connection (it is sent as the socket
            connects, then on change): whoever reads it is online, so it is at least 1. */}
        <p className="online" aria-live="polite">
          <span className={`dot ${conn.status}`} aria-hidden="true" />
          {conn.status === 'online' ? (conn.online === null ? 'online' : `${Math.max(1, conn.online)} online`) : conn.status === 'connecting' ? 'connecting…' : conn.status}
        </p>
      </header>

      <div className="lobby-grid">
        <section className="card play" aria-label="Play">
          <h2 className="card-title">Play</h2>
          <form
            className="field"
            onSubmit={(e) => {
              e.preventDefault();
              void controller.link.setNickname(nickname);
            }}
          >
            <label htmlFor="nickname">Nickname</label>
            <input
              id="nickname"
              autoComplete="nickname"
              maxLength={16}
              value={nickname}
              onChange={(e) => setNickname(e.target.value)}
              placeholder="Your name"
            />
            {conn.nickname && conn.nickname !== name && lobby.pending !== 'nickname' && name && (
              <small className="hint">The server calls you {conn.nickname}</small>
            )}
          </form>

          <fieldset className="choice">
            <legend>Game</legend>
            <div className="segmented">
              {conn.games.map((g) => (
                <label key={g.id} className={lobby.game === g.id ? 'on' : ''}>
                  <input
                    type="radio"
                    name="game"
                    value={g.id}
                    checked={lobby.game === g.id}
                    onChange={() => dispatch(lobbyActions.gameChosen({ game: g.id, mode: modesOf(conn.games, conn.modes, g.id)[0]?.id ?? '' }))}
                  />
                  {g.name}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="choice">
            <legend>Mode</legend>
            <div className="segmented">
              {modes.map((m) => (
                <label key={m.id} className={mode?.id === m.id ? 'on' : ''}>
                  <input
                    type="radio"
                    name="mode"
                    value={m.id}
                    aria-label={m.label}
                    aria-describedby={`mode-${m.id}-size`}
                    checked={mode?.id === m.id}
                    onChange={() => dispatch(lobbyActions.modeChosen(m.id))}
                  />
                  {m.label}
                  <small id={`mode-${m.id}-size`}>
                    {m.minPlayers === m.maxPlayers ? `${m.maxPlayers} players` : `${m.minPlayers}–${m.maxPlayers} players`}
                  </small>
                </label>
              ))}
            </div>
          </fieldset>
          <button className="primary big" disabled={!online || busy || !name || !mode} onClick={() => mode && void controller.lobby.quickPlay(mode.id, nickname)}>
            Quick play
          </button>
          {mode && lobby.profile && (
            <p className="my-rating" aria-label="Your rating">
              Your rating in {mode.label}: <strong>{lobby.profile.modes[mode.id]?.rating ?? lobby.profile.initialRating}</strong>
              {lobby.profile.modes[mode.id] ? ` · ${lobby.profile.modes[mode.id]!.played} played, ${lobby.profile.modes[mode.id]!.wins} won` : ' · unrated'}
            </p>
          )}
          {lobby.notice && (
            <p className="notice" role="alert">
              {lobby.notice.message}{' '}
              <button className="link" onClick={() => dispatch(lobbyActions.dismissed())}>
                Dismiss
              </button>
            </p>
          )}
        </section>

        <Party nickname={nickname} disabled={!online || busy || !name} />

        <PrivateMatch nickname={nickname} disabled={!online || busy || !name} />

        <PublicMatches nickname={nickname} disabled={!online || busy || !name} />

        <Chat
          className="card lobby-chat"
          title="Lobby chat"
          lines={lobby.chat}
          maxLength={conn.chatMaxLength}
          disabled={!online}
          onSend={(text) => controller.lobby.chat(text)}
        />

        <Leaderboard online={online} />
      </div>
      <RecentReplays />
    </main>
  );
}

function PrivateMatch(props: { nickname: string; disabled: boolean }) {
  const controller = useController();
  const conn = useAppSelector((s) => s.connection);
  const lobby = useAppSelector((s) => s.lobby);
  const game = conn.games.find((g) => g.id === lobby.game);
  const modes = modesOf(conn.games, conn.modes, lobby.game);
  const mode = modes.find((m) => m.id === lobby.mode) ?? modes[0];
  const defaults = conn.modes.find((m) => m.id === mode?.id)?.options ?? {};
  const [size, setSize] = useState<number | null>(null);
  const [options, setOptions] = useState<Record<string, string>>({});
  const sizes = useMemo(() => {
    const out: number[] = [];
    // Quick play's minimum is the server's choice; a private match may be any size the mode allows.
    for (let n = Math.min(2, mode?.maxPlayers ?? 2); n <= (mode?.maxPlayers ?? 2); n++) out.push(n);
    return out;
  }, [mode?.maxPlayers]);
  const players = size !== null && sizes.includes(size) ? size : (sizes[0] ?? 2);

  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!mode) return;
    const chosen: Record<string, number> = {};
    for (const o of game?.options ?? []) {
      const raw = options[`${lobby.game}.${o.name}`];
      if (raw !== undefined && raw !== '' && Number.isFinite(Number(raw))) chosen[o.name] = Math.round(Number(raw));
    }
    void controller.lobby.createPrivate({ mode: mode.id, maxPlayers: players, options: chosen }, props.nickname);
  };

  return (
    <section className="card private" aria-label="Private match">
      <h2 className="card-title">Private match</h2>
      <form onSubmit={create} className="private-form">
        <p className="muted">
          {game?.name ?? lobby.game} · {mode?.label ?? ''}: friends join with the code or the invite link.
        </p>
        <div className="row">
          <label className="field small">
            Players
            <select value={players} onChange={(e) => setSize(Number(e.target.value))}>
              {sizes.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          {(game?.options ?? []).map((o) => (
            <label key={o.name} className="field small">
              {o.label}
              <input
                type="number"
                min={o.min}
                max={o.max}
                placeholder={String(defaults[o.name] ?? '')}
                value={options[`${lobby.game}.${o.name}`] ?? ''}
                onChange={(e) => setOptions({ ...options, [`${lobby.game}.${o.name}`]: e.target.value })}
              />
            </label>
          ))}
        </div>
        <button type="submit" disabled={props.disabled || !mode}>
          Create private match
        </button>
      </form>
      <CodeForm
        name="Join by code"
        label="Match code"
        button="Join"
        invite={lobby.invite}
        invitedHint="You were invited: pick a nickname and press Join."
        disabled={props.disabled}
        onJoin={(code) => void controller.lobby.joinCode(code, props.nickname)}
      />
    </section>
  );
}

function PublicMatches(props: { nickname: string; disabled: boolean }) {
  const controller = useController();
  const matches = useAppSelector(selectPublicMatches);
  const conn = useAppSelector((s) => s.connection);
  return (
    <section className="card matches" aria-label="Public matches">
      <h2 className="card-title">
        Public matches <span className="count">{matches.length}</span>
      </h2>
      <ul className="match-list" aria-label="Public matches">
        {matches.map((m) => (
          <MatchRow key={m.matchId} m={m} disabled={props.disabled} games={conn} onJoin={() => void controller.lobby.joinListed(m.matchId, props.nickname)} onSpectate={() => void controller.lobby.spectate(m.matchId, props.nickname)} />
        ))}
      </ul>
      {matches.length === 0 && <p className="muted empty">No public matches right now. Quick play starts one.</p>}
    </section>
  );
}

function MatchRow(props: {
  m: MatchListing;
  disabled: boolean;
  games: { games: Parameters<typeof gameName>[0]; modes: Parameters<typeof modeLabel>[0] };
  onJoin: () => void;
  onSpectate: () => void;
}) {
  const { m } = props;
  const full = m.players >= m.maxPlayers;
  const over = m.state === 'ended' || m.state === 'disposed';
  return (
    <li className={`match-row ${m.state}`}>
      <div className="match-what">
        <strong>{gameName(props.games.games, m.game)}</strong> · {modeLabel(props.games.modes, m.mode)}
        <div className="muted">
          <span className={`state ${m.state}`}>{STATE_LABEL[m.state]}</span> · {m.players}/{m.maxPlayers} players
          {m.bots > 0 ? ` (${m.bots} bot${m.bots === 1 ? '' : 's'})` : ''}
          {m.spectators > 0 ? ` · ${m.spectators} watching` : ''}
        </div>
      </div>
      <div className="match-actions">
        <button onClick={props.onJoin} disabled={props.disabled || full || over} title={full ? 'full' : undefined}>
          Join
        </button>
        <button className="secondary" onClick={props.onSpectate} disabled={props.disabled || over}>
          Spectate
        </button>
      </div>
    </li>
  );
}
