/**
 * The live progress line: rewritten in place on a terminal, one line every few seconds
 * otherwise (CI logs, pipes), always on stderr so stdout carries only the summary.
 */
import type { Progress } from './run.ts';

const BAR = 20;

export function formatProgress(p: Progress): string {
  const f = (v: number | null, digits = 1): string => (v === null ? '–' : v.toFixed(digits));
  const done = Math.max(0, Math.min(1, p.elapsedS / p.totalS));
  const filled = Math.round(done * BAR);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}`;
  const kb = p.downBytesPerBotPerSec === null ? '–' : (p.downBytesPerBotPerSec / 1000).toFixed(2);
  const cpu = p.serverCpu.length > 0 ? ` srv cpu ${p.serverCpu.map((c) => (c === null ? '–' : `${c.toFixed(0)}%`)).join('/')}` : '';
  return (
    `${bar} ${String(Math.floor(p.elapsedS)).padStart(4)}/${p.totalS}s ${p.phase === 'ramp' ? 'ramp ' : 'meas '}` +
    `conn ${p.connected}/${p.bots} match ${p.inMatch} snap ${f(p.snapshotHz)}Hz ` +
    `rtt ${f(p.rttP50)}/${f(p.rttP99)}ms down ${kb}kB/s/bot err ${p.errors} disc ${p.disconnects}${cpu}`
  );
}

export interface ProgressWriter {
  update(p: Progress): void;
  done(): void;
}

export function progressWriter(stream: NodeJS.WriteStream, enabled: boolean): ProgressWriter {
  const tty = stream.isTTY === true;
  let lastPrinted = -Infinity;
  let wrote = false;
  return {
    update(p) {
      if (!enabled) return;
      const line = formatProgress(p);
      if (tty) {
        stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (stream.columns ?? 200) - 1))}`);
        wrote = true;
      } else if (p.elapsedS - lastPrinted >= 5) {
        stream.write(`${line}\n`);
        lastPrinted = p.elapsedS;
      }
    },
    done() {
      if (tty && wrote) stream.write('\n');
    },
  };
}
