/**
 * The page's entry module, kept small on purpose: it starts signing in (early-sign-in.ts) and
 * only then imports the lobby (main.tsx: React, Redux, the SDK), so the guest token and the
 * server's settings are on their way while the lobby's code downloads and compiles. The styles
 * are linked from here so they load with the HTML, not after the lobby's chunk.
 */
import { startSignIn } from './app/early-sign-in.ts';
import { browserStorage } from './app/storage.ts';
import './ui/styles.css';

const storage = browserStorage();
const early = startSignIn(location.origin, storage);
void import('./main.tsx').then((page) => page.startPage(storage, early));
