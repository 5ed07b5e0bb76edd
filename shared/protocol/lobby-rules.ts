/**
 * Text rules of the lobby, shared so a client can check what the server will accept before it
 * asks: nicknames, private match codes and chat text. Each normalizer returns a Result and never
 * throws, whatever it is given.
 */
import { err, ok, type Result } from '../result.ts';

export const NICKNAME_MAX_LENGTH = 16;
/**
 * The documented nickname set: letters and digits of any script (with their combining marks),
 * space, underscore, dot and hyphen. No symbols that could pass for markup or impersonation
 * (`<`, `@`, `#`, brackets), and no invisible characters.
 */
const NICKNAME_CHARS = /^[\p{L}\p{M}\p{N} _.-]+$/u;

export type NicknameError = 'BAD_NICKNAME';

/** Trims, folds inner whitespace runs into one space and NFC-normalizes; then checks set and length. */
export function normalizeNickname(raw: unknown): Result<string, NicknameError> {
  if (typeof raw !== 'string') return err('BAD_NICKNAME', 'nickname must be a string');
  // Checked before any work so a megabyte string costs nothing.
  if (raw.length > NICKNAME_MAX_LENGTH * 8) return err('BAD_NICKNAME', `nickname: at most ${NICKNAME_MAX_LENGTH} characters`);
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  const length = [...name].length;
  if (length === 0) return err('BAD_NICKNAME', 'nickname must not be empty');
  if (length > NICKNAME_MAX_LENGTH) return err('BAD_NICKNAME', `nickname: at most ${NICKNAME_MAX_LENGTH} characters, got ${length}`);
  if (!NICKNAME_CHARS.test(name)) return err('BAD_NICKNAME', 'nickname: letters, digits, space, _ . - only');
  return ok(name);
}

/** Two nicknames that only differ by case or compatibility forms are the same name. */
export function nicknameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** `name` with a numeric suffix, shortened so the result still fits the length limit. */
export function nicknameWithSuffix(name: string, n: number): string {
  const suffix = String(n);
  const room = NICKNAME_MAX_LENGTH - suffix.length;
  return [...name].slice(0, room).join('').trimEnd() + suffix;
}

/**
 * Private match codes: no 0/O, 1/I/L, so a code read aloud or off a screen cannot be mistyped
 * into another valid code. 31^5 = 28 million codes.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 5;

/** Accepts lower case, spaces and dashes ("ab-c2d"); returns the canonical code or null. */
export function normalizeCode(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 32) return null;
  const code = raw.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return null;
  return code;
}

/** Hard ceiling for chat text whatever the server's configuration says. */
export const CHAT_MAX_LENGTH = 500;

export type ChatTextError = 'BAD_REQUEST' | 'TOO_LONG';

/**
 * Control characters go (chat is one line) and so do the bidirectional overrides that can make a
 * message display as something else. The text stays plain data: nothing here escapes HTML,
 * because nothing anywhere may interpret it as HTML.
 */
const STRIPPED = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
/** Lone UTF-16 surrogates (JSON can carry them) would make the text invalid UTF-8 downstream. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanChatText(raw: unknown, maxLength: number): Result<string, ChatTextError> {
  if (typeof raw !== 'string') return err('BAD_REQUEST', 'chat text must be a string');
  const limit = Math.min(maxLength, CHAT_MAX_LENGTH);
  if (raw.length > limit * 4) return err('TOO_LONG', `chat text: at most ${limit} characters`);
  const text = raw.replace(LONE_SURROGATE, '\uFFFD').replace(STRIPPED, '').normalize('NFC').trim();
  if (text.length === 0) return err('BAD_REQUEST', 'chat text must not be empty');
  const length = [...text].length;
  if (length > limit) return err('TOO_LONG', `chat text: at most ${limit} characters, got ${length}`);
  return ok(text);
}

/** Bounds of a private match's options. */
export const PRIVATE_LIMITS = {
  killTarget: { min: 0, max: 100 },
  timeLimitS: { min: 0, max: 3600 },
} as const;
