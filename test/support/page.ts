/**
 * Driving the game page as a player does: through the accessible names of the lobby (the stable
 * contract between page and tests), waiting on `window.arena.screen` rather than on time. Every page records
 * its uncaught errors and console errors; tests end by expecting none.
 */
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';

export type Screen = 'lobby' | 'queue' | 'match' | 'results' | 'replay' | 'reconnecting';

export interface GamePage {
  page: Page;
  /** Uncaught exceptions and console errors, prefixed with the page's name. */
  errors: string[];
}

/** Console errors a test may cause on purpose (a connection it cuts) are filtered by `allow`. */
export async function openPage(browser: BrowserContext, url: string, name: string, allow: RegExp[] = []): Promise<GamePage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow.some((re) => re.test(m.text()))) errors.push(`${name} console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, errors };
}

export function screenOf(page: Page): Promise<Screen> {
  return page.evaluate(() => (window as unknown as { arena: { screen: Screen } }).arena.screen);
}

export async function waitForScreen(page: Page, screen: Screen, timeout = 30_000): Promise<void> {
  await page.waitForFunction((want) => (window as unknown as { arena?: { screen: string } }).arena?.screen === want, screen, { timeout });
}

/** The lobby is up and signed in: its Quick play button can be pressed. */
export async function lobbyReady(page: Page, timeout = 20_000): Promise<void> {
  await waitForScreen(page, 'lobby', timeout);
  await page.waitForFunction(() => (window as unknown as { arena: { state(): { connection: { status: string } } } }).arena.state().connection.status === 'online', null, { timeout });
}

/** Types the nickname and presses Enter (the page signs in again under it). */
export async function setNickname(page: Page, nickname: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Nickname' });
  await field.fill(nickname);
  await field.press('Enter');
  await page.waitForFunction(
    (n) => {
      const s = (window as unknown as { arena: { state(): { connection: { status: string; nickname: string | null } } } }).arena.state();
      return s.connection.status === 'online' && s.connection.nickname?.startsWith(n) === true;
    },
    nickname,
    { timeout: 20_000 },
  );
}

export async function chooseGame(page: Page, game: string, mode: string): Promise<void> {
  await page.getByRole('radio', { name: game, exact: true }).check({ force: true });
  await page.getByRole('radio', { name: mode, exact: true }).check({ force: true });
}

/** The player's playing state: in a match and the match has begun. */
export async function waitForPlaying(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const a = (window as unknown as { arena: { screen: string; state(): { match: { phase: string } } } }).arena;
      return a.screen === 'match' && a.state().match.phase === 'playing';
    },
    null,
    { timeout },
  );
}

/** Saves a screenshot in test-results/ (the issue asks for every screen; look at them). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png` });
}

/** What window.arena exposes, for page.evaluate callbacks. */
export interface ArenaWindow {
  arena: {
    screen: Screen;
    info: { matchId: string; game: string; slot: number; role: string } | null;
    latest: { tick: number; phase: number; players: { id: number; x: number; y: number; kills: number; deaths: number; alive: boolean; dir?: number; score?: number }[] } | null;
    roster: { slot: number; nickname: string }[];
    snapshotsReceived: number;
    inputsSent: number;
    attempt: number;
    state(): {
      connection: { status: string; nickname: string | null; attempt: number; online: number | null };
      lobby: { matches: { ids: string[] } };
      match: { phase: string; results: unknown; joined: { code: string | null; matchId: string } | null; chat: { from: string; text: string }[] };
    };
    timings: { lobbyRenderedMs: number | null; lobbyInteractiveMs: number | null; phaserLoadedMs: number | null; phaserLoadedBeforeLobby: boolean | null };
    frameTimes(): number[];
  };
}
