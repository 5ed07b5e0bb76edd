/**
 * The match HUD over the canvas: the top bar (game, own score, clock, ping, buttons), the kill
 * feed, the scoreboard while Tab is held (or toggled), match chat (Enter to type, Escape to
 * leave the field), and the controls hint. Keys the game uses never reach a focused button.
 */
import { useEffect, useRef, useState } from 'react';
import { formatClock } from '../game/hud-model.ts';
import { matchActions, type FeedEntry, type Hud as HudState, type JoinedMatch } from '../state/match-slice.ts';
import { uiActions } from '../state/store.ts';
import { Chat } from './Chat.tsx';
import { useAppDispatch, useAppSelector, useController } from './context.ts';
import { gameName, modeLabel } from './labels.ts';

const FEED_MS = 7000;

function typing(): boolean {
  const el = document.activeElement;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');
}

export function Hud() {
  const controller = useController();
  const dispatch = useAppDispatch();
  const match = useAppSelector((s) => s.match);
  const conn = useAppSelector((s) => s.connection);
  const scoreboard = useAppSelector((s) => s.ui.scoreboard);
  const chatInput = useRef<HTMLInputElement>(null);
  const joined = match.joined;

  useEffect(() => {
    // Whatever button started the match must not take Space or Enter meant for the game.
    if (!typing()) (document.activeElement as HTMLElement | null)?.blur?.();
    const down = (e: KeyboardEvent) => {
      if (e.key === 'Tab' && !typing()) {
        e.preventDefault();
        if (!e.repeat) dispatch(uiActions.scoreboardShown(true));
      } else if (e.key === 'Enter' && !typing()) {
        e.preventDefault();
        chatInput.current?.focus();
      } else if (e.key === ' ' && document.activeElement instanceof HTMLButtonElement) {
        // Space is the game's (boost), not a click on the HUD button clicked last. No
        // preventDefault here: Phaser ignores key events already handled, and this listener may
        // run before its own.
        document.activeElement.blur();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === 'Tab') dispatch(uiActions.scoreboardShown(false));
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      dispatch(uiActions.scoreboardShown(false));
    };
  }, [dispatch]);

  // Feed lines fade out after a while.
  useEffect(() => {
    const t = setInterval(() => dispatch(matchActions.feedExpired(Date.now() - FEED_MS)), 1000);
    return () => clearInterval(t);
  }, [dispatch]);

  if (!joined) return null;
  return (
    <div className="hud">
      <TopBar joined={joined} hud={match.hud} nickname={conn.nickname ?? ''} />
      <ol className="feed" aria-label="Kill feed" aria-live="polite">
        {match.feed.map((f) => (
          <li key={f.id} className={`${f.kind} ${f.mine ? 'mine' : ''}`}>
            <FeedLine f={f} />
          </li>
        ))}
      </ol>
      {scoreboard && match.hud && <Scoreboard hud={match.hud} />}
      <Chat
        className="match-chat"
        coversCanvas
        title="Match chat"
        lines={match.chat}
        show={6}
        placeholder="Press Enter to chat"
        maxLength={conn.chatMaxLength}
        inputRef={chatInput}
        onSend={async (text) => {
          const ok = await controller.lobby.chat(text);
          if (ok) chatInput.current?.blur();
          return ok;
        }}
      />
      <p className="hint-bar">{joined.role === 'spectator' ? 'Spectating: you see the match, you send no inputs · Tab scores · F3 net graph' : (controller.games.get(joined.game)?.words.controls ?? '')}</p>
    </div>
  );
}

/** "killer ⨯ victim", "bob crashed", "alice wins the round", "bob lost connection". */
export function FeedLine({ f }: { f: FeedEntry }) {
  if (f.actor && f.subject) {
    return (
      <>
        <strong>{f.actor}</strong> <span className="icon" aria-label={f.text}>⨯</span> <strong className="victim">{f.subject}</strong>
      </>
    );
  }
  if (f.actor) {
    return (
      <>
        <strong>{f.actor}</strong> {f.text}
      </>
    );
  }
  if (f.subject) {
    return (
      <>
        <strong className="victim">{f.subject}</strong> {f.text}
      </>
    );
  }
  return <>{f.text}</>;
}

function TopBar(props: { joined: JoinedMatch; hud: HudState | null; nickname: string }) {
  const controller = useController();
  const dispatch = useAppDispatch();
  const conn = useAppSelector((s) => s.connection);
  const scoreboard = useAppSelector((s) => s.ui.scoreboard);
  const { joined, hud } = props;
  const me = hud?.rows.find((r) => r.me);
  const rank = me ? hud!.rows.indexOf(me) + 1 : null;
  const ping = usePing();
  return (
    <header className="topbar" data-covers-canvas="">
      <div className="tb-left" id="status" data-state="playing">
        <strong>{gameName(conn.games, joined.game)}</strong> · {modeLabel(conn.modes, joined.mode)}{' '}
        {joined.role === 'spectator' ? <span className="tag">spectating</span> : <span className="muted">as {props.nickname}</span>}
      </div>
      <MatchClock hud={hud} />
      <div className="tb-right">
        {me && (
          <span className="my-score" aria-label="Your score">
            {hud!.scoreLabel} <strong>{me.score}</strong>
            {me.deaths !== null && (
              <>
                {' '}
                · Deaths <strong>{me.deaths}</strong>
              </>
            )}{' '}
            · #{rank}
          </span>
        )}
        <span className="ping" id="net">
          ping {ping === null ? '–' : `${Math.round(ping)} ms`}
        </span>
        <button className="secondary small" aria-pressed={scoreboard} onClick={() => dispatch(uiActions.scoreboardShown(!scoreboard))}>
          Scores
        </button>
        <button className="secondary small" onClick={() => dispatch(uiActions.netGraphToggled())}>
          Net graph
        </button>
        <button className="secondary small" onClick={() => void controller.match.leave()}>
          {joined.role === 'spectator' ? 'Back to lobby' : 'Leave match'}
        </button>
      </div>
    </header>
  );
}

function usePing(): number | null {
  const controller = useController();
  const [ping, setPing] = useState<number | null>(null);
  useEffect(() => {
    const t = setInterval(() => setPing(controller.stats.latest('rtt')), 1000);
    return () => clearInterval(t);
  }, [controller]);
  return ping;
}

/** The top bar's clock: time left, and the round or the target under it. The match's and a replay's. */
export function MatchClock({ hud }: { hud: HudState | null }) {
  return (
    <div className="tb-clock" aria-label="Time left">
      {hud?.clockS !== null && hud?.clockS !== undefined ? formatClock(hud.clockS) : ''}
      {hud && (hud.target > 0 || hud.round) ? (
        <small>
          {hud.round ? `round ${hud.round} · ` : ''}
          {hud.target > 0 ? `first to ${hud.target} ${hud.scoreLabel.toLowerCase()}` : ''}
        </small>
      ) : null}
    </div>
  );
}

export function Scoreboard(props: { hud: HudState }) {
  const { hud } = props;
  return (
    <section className="scoreboard card" aria-label="Scoreboard">
      <h2 className="card-title">Scoreboard</h2>
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>Player</th>
            <th>{hud.scoreLabel}</th>
            {hud.rows.some((r) => r.deaths !== null) && <th>Deaths</th>}
          </tr>
        </thead>
        <tbody>
          {hud.rows.map((r, i) => (
            <tr key={r.slot} className={`${r.me ? 'me' : ''} ${r.alive ? '' : 'dead'}`}>
              <td>{i + 1}</td>
              <td>
                {r.name}
                {r.bot && !r.name.toLowerCase().includes('bot') && <span className="tag">bot</span>}
              </td>
              <td>{r.score}</td>
              {r.deaths !== null && <td>{r.deaths}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
