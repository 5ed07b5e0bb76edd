/**
 * Shape checks for request payloads. Everything from the network is `unknown` until one of these
 * says otherwise; each answers a message naming what was wrong, never throws.
 */
import { err, ok, type Result } from '../../shared/result.ts';

export type PayloadResult<T> = Result<T, 'BAD_REQUEST'>;

/** A plain object (not null, not an array). `undefined` counts as `{}` for requests without fields. */
export function objectPayload(raw: unknown, what: string): PayloadResult<Record<string, unknown>> {
  if (raw === undefined) return ok({});
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || ArrayBuffer.isView(raw)) {
    return err('BAD_REQUEST', `${what} takes an object`);
  }
  return ok(raw as Record<string, unknown>);
}

export function stringField(obj: Record<string, unknown>, key: string, maxLength: number): PayloadResult<string> {
  const v = obj[key];
  if (typeof v !== 'string') return err('BAD_REQUEST', `${key} must be a string`);
  if (v.length === 0 || v.length > maxLength) return err('BAD_REQUEST', `${key} must be 1 to ${maxLength} characters`);
  return ok(v);
}

export function optionalString(obj: Record<string, unknown>, key: string, maxLength: number): PayloadResult<string | undefined> {
  return obj[key] === undefined ? ok(undefined) : stringField(obj, key, maxLength);
}

export function optionalInt(obj: Record<string, unknown>, key: string, min: number, max: number): PayloadResult<number | undefined> {
  const v = obj[key];
  if (v === undefined) return ok(undefined);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return err('BAD_REQUEST', `${key} must be an integer from ${min} to ${max}`);
  }
  return ok(v);
}

/** An optional object of integers (a private match's game options); the game checks names and bounds. */
export function optionalIntRecord(obj: Record<string, unknown>, key: string, maxKeys: number): PayloadResult<Record<string, number> | undefined> {
  const v = obj[key];
  if (v === undefined) return ok(undefined);
  const record = objectPayload(v, key);
  if (!record.ok) return record;
  const entries = Object.entries(record.value);
  if (entries.length > maxKeys) return err('BAD_REQUEST', `${key} takes at most ${maxKeys} entries`);
  const out: Record<string, number> = {};
  for (const [name, n] of entries) {
    if (name.length > 32 || typeof n !== 'number' || !Number.isInteger(n)) return err('BAD_REQUEST', `${key}.${name.slice(0, 32)} must be an integer`);
    out[name] = n;
  }
  return ok(out);
}

/** `killcam`: optionally the asker's own slot and the tick of the snapshot that told it it died. */
export function killcamRequest(raw: unknown): PayloadResult<{ victim?: number; tick?: number }> {
  const req = objectPayload(raw, 'killcam');
  if (!req.ok) return req;
  const victim = optionalInt(req.value, 'victim', 0, 255);
  if (!victim.ok) return victim;
  const tick = optionalInt(req.value, 'tick', 0, 0x7fffffff);
  if (!tick.ok) return tick;
  return ok({ ...(victim.value !== undefined && { victim: victim.value }), ...(tick.value !== undefined && { tick: tick.value }) });
}

/** `net_graph`: whether to send this connection the match's tick time. */
export function netGraphRequest(raw: unknown): PayloadResult<{ on: boolean }> {
  const req = objectPayload(raw, 'net_graph');
  if (!req.ok) return req;
  return typeof req.value.on === 'boolean' ? ok({ on: req.value.on }) : err('BAD_REQUEST', 'on must be true or false');
}

/** The id of the last chat line a client saw (`chat_missed`): 0 when it saw none. */
export function chatMissedRequest(raw: unknown): PayloadResult<{ after: number }> {
  const req = objectPayload(raw, 'chat_missed');
  if (!req.ok) return req;
  if (req.value.after === undefined) return err('BAD_REQUEST', 'after must be an integer from 0 to 2^53 - 1');
  const after = optionalInt(req.value, 'after', 0, Number.MAX_SAFE_INTEGER);
  return after.ok ? ok({ after: after.value! }) : after;
}
