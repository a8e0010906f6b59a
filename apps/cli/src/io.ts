/**
 * Everything a command touches outside itself, injected so tests run commands in-process with
 * their own streams, working directory, clock and environment.
 */
import type { Readable, Writable } from 'node:stream';

export interface Io {
  cwd: string;
  env: Record<string, string | undefined>;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** True when stdin is an interactive terminal (prompts are only shown then). */
  interactive: boolean;
  /** True when stdout is a terminal (colours and binary-output guards). */
  stdoutIsTTY: boolean;
  /** Current time (ISO 8601). */
  now(): Date;
}

/** Writes a line to stdout. */
export function out(io: Io, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/** Writes a line to stderr. */
export function err(io: Io, text = ''): void {
  io.stderr.write(`${text}\n`);
}

/** Today's date as YYYY-MM-DD in UTC. */
export function today(io: Io): string {
  return io.now().toISOString().slice(0, 10);
}
