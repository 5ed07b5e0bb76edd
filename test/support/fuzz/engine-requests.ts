/**
 * engine.io at the HTTP level, out of order: messages before any session was opened, unknown or
 * stolen session ids, protocol versions and transports the server does not speak, overlapping
 * polling requests, a polling POST of raw binary. Each case says what the server must answer.
 */
import { openPolling } from './raw-client.ts';
import type { Tally } from './tally.ts';

const Q = '/socket.io/?EIO=4&transport=';

async function status(url: string, init?: RequestInit): Promise<number> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return res.status;
}

/** Runs every case; a case whose answer differs is recorded as a mismatch. */
export async function runEngineRequests(base: string, tally: Tally): Promise<void> {
  const category = 'engine-order';
  const expectStatus = async (name: string, got: Promise<number>, want: number): Promise<void> => {
    const s = await got;
    tally.frames(category, 1);
    tally.connection(category);
    tally.close(`${category}/http: answered ${s}`);
    if (s !== want) tally.mismatches.push(`${name}: expected HTTP ${want}, got ${s}`);
  };
  const post = (body: string): RequestInit => ({ method: 'POST', body, headers: { 'content-type': 'text/plain;charset=UTF-8' } });

  await expectStatus('message before any session (POST without sid)', status(`${base}${Q}polling`, post('42/lobby,["chat",{}]')), 400);
  await expectStatus('POST to an unknown session', status(`${base}${Q}polling&sid=AAAAAAAAAAAAAAAAAAAA`, post('40/lobby,{}')), 400);
  await expectStatus('GET of an unknown session', status(`${base}${Q}polling&sid=${'Z'.repeat(200)}`), 400);
  await expectStatus('engine.io protocol 3 (not enabled)', status(`${base}/socket.io/?EIO=3&transport=polling`), 400);
  await expectStatus('engine.io protocol "abc"', status(`${base}/socket.io/?EIO=abc&transport=polling`), 400);
  await expectStatus('unknown transport', status(`${base}${Q}flashsocket`), 400);
  await expectStatus('websocket transport without an upgrade', status(`${base}${Q}websocket`), 400);

  // A session id used on the wrong transport: a WebSocket GET naming a polling session (no upgrade headers).
  const session = await openPolling(base);
  await expectStatus('websocket GET naming a polling session', status(`${base}${Q}websocket&sid=${session.sid}`), 400);
  await session.close();

  // Two GETs at once on one polling session: engine.io closes the session ("overlap from client").
  const overlapped = await openPolling(base);
  const second = await status(`${base}${Q}polling&sid=${overlapped.sid}`);
  tally.frames(category, 1);
  tally.connection(category);
  const closed = await overlapped.waitClosed(3000);
  tally.close(`${category}/polling: overlapping GET answered ${second}, session ${closed ? 'closed' : 'open'}`);
  if (second !== 400 || !closed) tally.mismatches.push(`overlapping GET: answered ${second}, session ${closed ? 'closed' : 'still open'}`);
  await overlapped.close();

  // Raw binary posted as application/octet-stream: decoded as one binary message, which the wire
  // parser refuses (no namespace connected, unknown header): the session is closed.
  const binary = await openPolling(base);
  const code = await binary.post(new Uint8Array([0xff, 0x00, 0x1e, 0x34, 0x32, 0xc3, 0x28]), 'application/octet-stream');
  tally.frames(category, 1);
  tally.connection(category);
  const binaryClosed = await binary.waitClosed(3000);
  tally.close(`${category}/polling: octet-stream POST answered ${code}, session ${binaryClosed ? 'closed' : 'open'}`);
  if (!binaryClosed) tally.mismatches.push(`octet-stream garbage POST: session still open (POST answered ${code})`);
  await binary.close();
}
