/**
 * Every message one node sends another over the node bus (node-bus.ts), in one place: each
 * request kind with its body and its reply, each notice kind with its body, and a validator for
 * each. Another node runs the same code, but not always the same version (a rolling upgrade), and
 * a Redis channel takes a publish from anyone who can reach Redis: what arrives is `unknown`
 * until its validator says otherwise. A body or reply that fails is refused, never acted on.
 *
 * On the wire a body is one JSON object with its `kind` beside the fields, as it always was.
 */
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo } from '../../shared/protocol/events.ts';
import { err, ok } from '../../shared/result.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import { KILLCAM_HEAD } from '../../shared/replay/killcam.ts';
import { killcamRequest, objectPayload, optionalString, stringField, type PayloadResult } from '../net/payload.ts';

/** A player of a quick-play group another node popped, as the node that opens the match needs it. */
export interface GroupMember {
  guestId: string;
  nickname: string;
  enqueuedAt: number;
}

/** Requests: asked, answered. `body` is what the asker sends, `reply` what the owner answers. */
export interface BusRequests {
  /** Attach a player's (or spectator's) connection on the asker's node to a match owned here. */
  attach: { body: { matchId: string; guest: GuestIdentity; socketId: string; role: 'player' | 'spectator' }; reply: AckResult<MatchInfo> };
  /** The connection leaves the match (`leave`: answered once the seat is free) or dropped. */
  detach: { body: { matchId: string; socketId: string; how: 'leave' | 'drop' }; reply: true };
  /** Claim a seat for a guest the asker placed: the slot, or null when there is none. */
  claim: { body: { matchId: string; guest: GuestIdentity }; reply: number | null };
  release: { body: { matchId: string; guestId: string }; reply: true };
  /** A private match's creator, connected elsewhere, starts it. */
  start: { body: { matchId: string; guestId: string }; reply: AckResult };
  /** Open a quick-play match here for this group: its id, or null when this node will not. */
  open: { body: { mode: string; group: GroupMember[] }; reply: string | null };
  /**
   * A draining owner hands a match over: it has written the match's last checkpoint under its
   * lease and stopped ticking it; the asked node takes the lease (a larger fencing token) and
   * resumes the match from that checkpoint at once, instead of waiting to find it orphaned.
   */
  adopt: { body: { matchId: string }; reply: AckResult };
  /**
   * A player of a match owned here, connected to the asker's node, asks for the killcam of its
   * death: the file (shared/replay/killcam.ts) in base64, at most KILLCAM_RELAY_MAX_BYTES, or the
   * owner's refusal (KILLCAM_NOT_FOUND, RATE_LIMITED…) as the player's own node would answer it.
   */
  killcam: { body: { matchId: string; socketId: string; victim?: number; tick?: number }; reply: AckResult<{ killcam: string }> };
}

/** Notices: told, not answered. */
export interface BusNotices {
  /** The owner took a relayed connection off its match (seat freed, match over). */
  dismiss: { matchId: string; socketId: string };
  /** Another connection with the same token took the seat over. */
  replaced: { matchId: string; socketId: string };
  /** A relayed connection dropped (its seat is kept for the reconnect grace). */
  detach: { matchId: string; socketId: string; how?: 'leave' | 'drop' };
  /** The asker relays the match but has no keyframe to decode its deltas on: send one (of the spectators' stream: `spectators`). */
  keyframe: { matchId: string; spectators?: boolean };
}

export type RequestKind = keyof BusRequests;
export type NoticeKind = keyof BusNotices;
export type RequestBody<K extends RequestKind> = BusRequests[K]['body'];
export type RequestReply<K extends RequestKind> = BusRequests[K]['reply'];

/** A typed request as the receiver sees it: the kind and its validated body. */
export type BusRequest = { [K in RequestKind]: { kind: K; body: RequestBody<K> } }[RequestKind];
export type BusNotice = { [K in NoticeKind]: { kind: K; body: BusNotices[K] } }[NoticeKind];

type Check<T> = (raw: Record<string, unknown>) => PayloadResult<T>;

const ID_MAX = 128;
const NICKNAME_MAX = 64;
const MODE_MAX = 32;
/** More than any match seats: a group is at most one match's players. */
const GROUP_MAX = 256;
/**
 * The largest killcam relayed between nodes. A 16-player Arena killcam is 10-15 KB (BENCHMARKS.md,
 * "Killcam"), one of 64 players a few times that; anything near this bound is not a killcam.
 */
export const KILLCAM_RELAY_MAX_BYTES = 512 * 1024;
const KILLCAM_BASE64_MAX = 4 * Math.ceil(KILLCAM_RELAY_MAX_BYTES / 3);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** The base64 characters that cover the killcam's head (magic, version, compression). */
const HEAD_CHARS = 4 * Math.ceil(KILLCAM_HEAD.length / 3);

const oneOf = <T extends string>(obj: Record<string, unknown>, key: string, values: readonly T[]): PayloadResult<T> =>
  values.includes(obj[key] as T) ? ok(obj[key] as T) : err('BAD_REQUEST', `${key} must be one of ${values.join(', ')}`);

function guest(obj: Record<string, unknown>, key: string): PayloadResult<GuestIdentity> {
  if (obj[key] === undefined) return err('BAD_REQUEST', `${key} is missing`);
  const raw = objectPayload(obj[key], key);
  if (!raw.ok) return raw;
  const guestId = stringField(raw.value, 'guestId', ID_MAX);
  if (!guestId.ok) return guestId;
  const nickname = stringField(raw.value, 'nickname', NICKNAME_MAX);
  if (!nickname.ok) return nickname;
  return ok({ guestId: guestId.value, nickname: nickname.value });
}

function matchAndSocket(obj: Record<string, unknown>): PayloadResult<{ matchId: string; socketId: string }> {
  const matchId = stringField(obj, 'matchId', ID_MAX);
  if (!matchId.ok) return matchId;
  const socketId = stringField(obj, 'socketId', ID_MAX);
  if (!socketId.ok) return socketId;
  return ok({ matchId: matchId.value, socketId: socketId.value });
}

function groupMember(raw: unknown, at: number): PayloadResult<GroupMember> {
  const member = objectPayload(raw, `group[${at}]`);
  if (!member.ok || raw === undefined) return member.ok ? err('BAD_REQUEST', `group[${at}] is missing`) : member;
  const who = guest({ who: member.value }, 'who');
  if (!who.ok) return who;
  const enqueuedAt = member.value.enqueuedAt;
  if (typeof enqueuedAt !== 'number' || !Number.isFinite(enqueuedAt)) return err('BAD_REQUEST', `group[${at}].enqueuedAt must be a number`);
  return ok({ ...who.value, enqueuedAt });
}

/** One validator per request kind: a `satisfies` over the map, so a kind without one does not compile. */
export const REQUEST_BODIES = {
  attach: (obj) => {
    const ids = matchAndSocket(obj);
    if (!ids.ok) return ids;
    const who = guest(obj, 'guest');
    if (!who.ok) return who;
    const role = oneOf(obj, 'role', ['player', 'spectator'] as const);
    if (!role.ok) return role;
    return ok({ ...ids.value, guest: who.value, role: role.value });
  },
  detach: (obj) => {
    const ids = matchAndSocket(obj);
    if (!ids.ok) return ids;
    const how = oneOf(obj, 'how', ['leave', 'drop'] as const);
    return how.ok ? ok({ ...ids.value, how: how.value }) : how;
  },
  claim: (obj) => {
    const matchId = stringField(obj, 'matchId', ID_MAX);
    if (!matchId.ok) return matchId;
    const who = guest(obj, 'guest');
    return who.ok ? ok({ matchId: matchId.value, guest: who.value }) : who;
  },
  release: (obj) => {
    const matchId = stringField(obj, 'matchId', ID_MAX);
    if (!matchId.ok) return matchId;
    const guestId = stringField(obj, 'guestId', ID_MAX);
    return guestId.ok ? ok({ matchId: matchId.value, guestId: guestId.value }) : guestId;
  },
  start: (obj) => {
    const matchId = stringField(obj, 'matchId', ID_MAX);
    if (!matchId.ok) return matchId;
    const guestId = stringField(obj, 'guestId', ID_MAX);
    return guestId.ok ? ok({ matchId: matchId.value, guestId: guestId.value }) : guestId;
  },
  open: (obj) => {
    const mode = stringField(obj, 'mode', MODE_MAX);
    if (!mode.ok) return mode;
    const group = obj.group;
    if (!Array.isArray(group) || group.length === 0 || group.length > GROUP_MAX) return err('BAD_REQUEST', `group must be a list of 1 to ${GROUP_MAX} players`);
    const members: GroupMember[] = [];
    for (const [at, raw] of group.entries()) {
      const member = groupMember(raw, at);
      if (!member.ok) return member;
      members.push(member.value);
    }
    return ok({ mode: mode.value, group: members });
  },
  adopt: (obj) => {
    const matchId = stringField(obj, 'matchId', ID_MAX);
    return matchId.ok ? ok({ matchId: matchId.value }) : matchId;
  },
  killcam: (obj) => {
    const ids = matchAndSocket(obj);
    if (!ids.ok) return ids;
    const req = killcamRequest(obj);
    return req.ok ? ok({ ...ids.value, ...req.value }) : req;
  },
} satisfies { [K in RequestKind]: Check<RequestBody<K>> };

export const NOTICE_BODIES = {
  dismiss: matchAndSocket,
  replaced: matchAndSocket,
  detach: (obj) => {
    const ids = matchAndSocket(obj);
    if (!ids.ok) return ids;
    if (obj.how === undefined) return ids;
    const how = oneOf(obj, 'how', ['leave', 'drop'] as const);
    return how.ok ? ok({ ...ids.value, how: how.value }) : how;
  },
  keyframe: (obj) => {
    const matchId = stringField(obj, 'matchId', ID_MAX);
    if (!matchId.ok) return matchId;
    if (obj.spectators === undefined) return ok({ matchId: matchId.value });
    if (typeof obj.spectators !== 'boolean') return err('BAD_REQUEST', 'spectators must be a boolean');
    return ok({ matchId: matchId.value, spectators: obj.spectators });
  },
} satisfies { [K in NoticeKind]: Check<BusNotices[K]> };

/** An acknowledgement as a match answers it: `ok` and, when refused, a code and a message. */
function ackResult<T extends object>(raw: unknown, value: (obj: Record<string, unknown>) => PayloadResult<unknown>): PayloadResult<AckResult<T>> {
  const obj = objectPayload(raw, 'reply');
  if (!obj.ok || raw === undefined) return obj.ok ? err('BAD_REQUEST', 'the reply is missing') : obj;
  if (obj.value.ok === false) {
    const code = stringField(obj.value, 'code', ID_MAX);
    if (!code.ok) return code;
    const message = optionalString(obj.value, 'message', 1000);
    if (!message.ok) return message;
    return ok(obj.value as AckResult<T>);
  }
  if (obj.value.ok !== true) return err('BAD_REQUEST', 'ok must be true or false');
  const checked = value(obj.value);
  return checked.ok ? ok(obj.value as AckResult<T>) : checked;
}

/** The fields this node reads of a MatchInfo (it binds the socket, finds the game) and forwards. */
function matchInfo(obj: Record<string, unknown>): PayloadResult<unknown> {
  for (const key of ['matchId', 'game', 'mode']) {
    const field = stringField(obj, key, ID_MAX);
    if (!field.ok) return field;
  }
  const role = oneOf(obj, 'role', ['player', 'spectator'] as const);
  if (!role.ok) return role;
  if (!Number.isInteger(obj.slot)) return err('BAD_REQUEST', 'slot must be an integer');
  if (!Array.isArray(obj.roster)) return err('BAD_REQUEST', 'roster must be a list');
  return ok(obj);
}

/**
 * A killcam file in base64: strict (Buffer.from would skip stray characters), within the bound,
 * and starting with a killcam's head, so what the victim is handed is at least shaped like one.
 */
function killcamFile(obj: Record<string, unknown>): PayloadResult<unknown> {
  const b64 = obj.killcam;
  if (typeof b64 !== 'string') return err('BAD_REQUEST', 'killcam must be a base64 string');
  if (b64.length > KILLCAM_BASE64_MAX) return err('BAD_REQUEST', `killcam is over ${KILLCAM_RELAY_MAX_BYTES} bytes`);
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) return err('BAD_REQUEST', 'killcam is not base64');
  const head = Buffer.from(b64.slice(0, HEAD_CHARS), 'base64');
  if (head.length < KILLCAM_HEAD.length || KILLCAM_HEAD.some((b, i) => head[i] !== b)) return err('BAD_REQUEST', 'killcam does not start with a killcam head');
  return ok(obj);
}

const trueReply = (raw: unknown): PayloadResult<true> => (raw === true ? ok(true) : err('BAD_REQUEST', 'the reply must be true'));

/** One validator per reply: the asker checks what the owner answered before believing it. */
export const REQUEST_REPLIES = {
  attach: (raw) => ackResult<MatchInfo>(raw, matchInfo),
  detach: trueReply,
  claim: (raw) => (raw === null || (Number.isInteger(raw) && (raw as number) >= 0) ? ok(raw as number | null) : err('BAD_REQUEST', 'the reply must be a slot or null')),
  release: trueReply,
  start: (raw) => ackResult<{}>(raw, () => ok(undefined)),
  open: (raw) => (raw === null || (typeof raw === 'string' && raw.length > 0 && raw.length <= ID_MAX) ? ok(raw) : err('BAD_REQUEST', 'the reply must be a match id or null')),
  adopt: (raw) => ackResult<{}>(raw, () => ok(undefined)),
  killcam: (raw) => ackResult<{ killcam: string }>(raw, killcamFile),
} satisfies { [K in RequestKind]: (raw: unknown) => PayloadResult<RequestReply<K>> };

export const isRequestKind = (kind: unknown): kind is RequestKind => typeof kind === 'string' && Object.hasOwn(REQUEST_BODIES, kind);
export const isNoticeKind = (kind: unknown): kind is NoticeKind => typeof kind === 'string' && Object.hasOwn(NOTICE_BODIES, kind);

/** Checks a request's body (the JSON object with its kind): the typed request, or why not. */
export function parseRequest(raw: unknown): PayloadResult<BusRequest> {
  const obj = objectPayload(raw, 'request body');
  if (!obj.ok || raw === undefined) return obj.ok ? err('BAD_REQUEST', 'the request has no body') : obj;
  const kind = obj.value.kind;
  if (!isRequestKind(kind)) return err('BAD_REQUEST', 'unknown request kind');
  const body = REQUEST_BODIES[kind](obj.value);
  return body.ok ? ok({ kind, body: body.value } as BusRequest) : body;
}

export function parseNotice(raw: unknown): PayloadResult<BusNotice> {
  const obj = objectPayload(raw, 'notice body');
  if (!obj.ok || raw === undefined) return obj.ok ? err('BAD_REQUEST', 'the notice has no body') : obj;
  const kind = obj.value.kind;
  if (!isNoticeKind(kind)) return err('BAD_REQUEST', 'unknown notice kind');
  const body = NOTICE_BODIES[kind](obj.value);
  return body.ok ? ok({ kind, body: body.value } as BusNotice) : body;
}
