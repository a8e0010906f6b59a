/**
 * A progress bar on stderr for long work. It draws only when stderr is a terminal, at most
 * ten times a second, and clears itself when done, so piped output and tests stay clean.
 */
import type { Io } from './io.js';

export interface Progress {
  update(done: number, total?: number): void;
  done(): void;
}

export function progressBar(io: Io, label: string, total = 0): Progress {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true && io.env.KEYGRADE_NO_PROGRESS === undefined;
  let last = 0;
  let shown = false;
  let max = total;
  const started = Date.now();
  const draw = (done: number) => {
    const frac = max > 0 ? Math.min(1, done / max) : 0;
    const width = 24;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    io.stderr.write(`\r${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${done.toLocaleString('en-US')}/${max.toLocaleString('en-US')}  ${rate.toLocaleString('en-US')}/s `);
    shown = true;
  };
  return {
    update(done, t) {
      if (t !== undefined) max = t;
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < max) return;
      last = now;
      draw(done);
    },
    done() {
      if (tty && shown) io.stderr.write('\r\x1b[2K');
    },
  };
}
