/** A chat box: the lines (text, never HTML) and the "Chat message" field. Lobby and match share it. */
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { ChatLine } from '../state/lobby-slice.ts';

export function Chat(props: {
  title: string;
  lines: readonly ChatLine[];
  maxLength: number;
  disabled?: boolean;
  onSend: (text: string) => Promise<boolean>;
  inputRef?: RefObject<HTMLInputElement | null>;
  /** Lines shown (the match keeps it short). */
  show?: number;
  className?: string;
  placeholder?: string;
  /** The field's accessible name (default "Chat message"). */
  inputLabel?: string;
  /** Laid over the match's canvas: the camera keeps the player out from under it (overlay-insets.ts). */
  coversCanvas?: boolean;
}) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const log = useRef<HTMLOListElement>(null);
  const lines = props.show ? props.lines.slice(-props.show) : props.lines;
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines.length, lines.at(-1)?.id]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t || sending) return;
    setSending(true);
    const ok = await props.onSend(t);
    setSending(false);
    if (ok) setText('');
  };
  return (
    <section className={`chat ${props.className ?? ''}`} aria-label={props.title} data-covers-canvas={props.coversCanvas ? '' : undefined}>
      <h2 className="card-title">{props.title}</h2>
      <ol className="chat-log" ref={log} aria-live="polite">
        {lines.length === 0 && <li className="chat-empty">No messages yet. Say hello.</li>}
        {lines.map((l) => (
          <li key={l.id} className={l.mine ? 'mine' : ''}>
            <span className="chat-from">{l.from}</span> <span className="chat-text">{l.text}</span>
          </li>
        ))}
      </ol>
      <form className="chat-form" onSubmit={submit}>
        <input
          ref={props.inputRef}
          aria-label={props.inputLabel ?? 'Chat message'}
          placeholder={props.placeholder ?? 'Say something…'}
          maxLength={props.maxLength}
          value={text}
          disabled={props.disabled}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
        <button type="submit" disabled={props.disabled || sending || !text.trim()}>
          Send
        </button>
      </form>
    </section>
  );
}
