/**
 * The page's entry module, kept small on purpose: it starts signing in (early-sign-in.ts) and
 * only then imports the lobby (main.tsx: React, Redux, the SDK), so the guest token and the
 * server's settings are on their way while the lobby's code downloads and compiles. The styles
 * are linked from here so they load with the HTML, not after the lobby's chunk.
 *
 * The lobby's chunk is evaluated once the lobby's CONNECT has gone out on the early WebSocket (or
 * is known not to go): evaluating it holds the main thread for ~50–100 ms on a cold load, and the
 * socket's events (its open packet, then our CONNECT) would wait behind it; with the CONNECT out
 * first, the server's session is there when the lobby first draws. Bounded by CONNECT_WAIT_MS, so
 * a WebSocket that hangs does not hold the lobby back.
 */
import { startSignIn } from './app/early-sign-in.ts';
import { browserStorage } from './app/storage.ts';
import './ui/styles.css';

const CONNECT_WAIT_MS = 150;

const storage = browserStorage();
const early = startSignIn(location.origin, storage);
const connectOut = Promise.race([early.lobbyConnect, new Promise((settle) => setTimeout(settle, CONNECT_WAIT_MS))]);
void connectOut.then(() => import('./main.tsx')).then((page) => page.startPage(storage, early));
