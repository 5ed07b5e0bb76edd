import { pino, type DestinationStream, type Logger } from 'pino';
import { LogThrottle } from './log-throttle.ts';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Lines per second of one `code` (a refusal of some client's packet or request) written to the log. */
export const CODE_LINES_PER_SECOND = 20;

/**
 * Structured JSON logs; ids go in fields (`{ matchId, guestId }`), never into the message.
 *
 * Lines that carry a `code` (a refusal: a bad packet, a refused origin or handshake, a flood) are
 * throttled per code (log-throttle.ts): at most CODE_LINES_PER_SECOND a second each, then one line
 * saying how many were left out. Metrics still count every refusal.
 */
export function createLogger(config: { logLevel: LogLevel; nodeId: string }, destination?: DestinationStream): Logger {
  let root: Logger | null = null;
  const throttle = new LogThrottle({
    perWindow: CODE_LINES_PER_SECOND,
    windowMs: 1000,
    now: () => performance.now(),
    schedule: (fn, ms) => void setTimeout(fn, ms).unref(),
    report: (code, suppressed) =>
      root?.warn({ suppressedCode: code, suppressed, perSecond: CODE_LINES_PER_SECOND }, 'log lines left out: more of this code than the log takes a second (metrics count them all)'),
  });
  const options = {
    level: config.logLevel,
    base: { nodeId: config.nodeId },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void): void {
        const fields = args[0];
        const code = typeof fields === 'object' && fields !== null ? (fields as { code?: unknown }).code : undefined;
        if (typeof code === 'string' && !throttle.admit(code)) return;
        method.apply(this, args);
      },
    },
  };
  root = destination ? pino(options, destination) : pino(options);
  return root;
}
