/**
 * Helpers shared by the `keygrade rng …` commands: input given inline or as a file, a progress
 * line on stderr for long runs, and located problems carrying the file name.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RandomnessError } from '@keygrade/randomness';
import { usage } from '../exit.js';
import { readInput } from '../files.js';
import type { Io } from '../io.js';

/** Text from a file when `arg` names one, from stdin for `-`, else `arg` itself (rolls or cards typed inline). */
export async function textArgument(io: Io, arg: string, what: string): Promise<{ text: string; file?: string }> {
  if (arg === '-') {
    const chunks: Buffer[] = [];
    for await (const c of io.stdin) chunks.push(Buffer.from(c as Uint8Array));
    return { text: Buffer.concat(chunks).toString('utf8'), file: '<stdin>' };
  }
  const path = resolve(io.cwd, arg);
  if (existsSync(path) && statSync(path).isFile()) return { text: readInput(io, arg), file: arg };
  if (/[/\\]|\.(txt|csv|dat)$/i.test(arg)) throw usage(`cannot read ${arg}: no such file (to give ${what} directly, type them as the argument)`);
  return { text: arg };
}

/** Re-throws a RandomnessError with the file name on each of its problems. */
export function withFile<T>(file: string | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (file === undefined || !(e instanceof RandomnessError)) throw e;
    throw new RandomnessError(e.code, `${file}: ${e.message}`, { problems: e.problems.map((p) => ({ ...p, file })), cause: e });
  }
}

/** The key strength option shared by `rng dice` and `rng cards`. */
export function keyBits(value: string | boolean | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw usage(`--bits must be a whole number of bits such as 128 or 256 (got "${String(value)}")`);
  return n;
}

/**
 * A progress line on stderr, only once a run has taken more than a second: redrawn in place on a
 * terminal, otherwise one line per finished step.
 */
export function progress(io: Io, command: string) {
  const tty = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
  const start = performance.now();
  let last = 0;
  let drawn = false;
  const slow = () => performance.now() - start > 1000;
  return {
    update(label: string, done: number, total: number): void {
      const now = performance.now();
      if (!tty || !slow() || now - last < 150) return;
      last = now;
      drawn = true;
      io.stderr.write(`\r${command}: ${label} ${done}/${total}\x1b[K`);
    },
    step(label: string): void {
      if (drawn) io.stderr.write('\r\x1b[K');
      drawn = false;
      if (!tty && slow()) io.stderr.write(`${command}: ${label}\n`);
    },
  };
}
