/**
 * File helpers for commands: reading inputs with clear errors, atomic writes (a crash or a full
 * disk never leaves a half-written assessment), and locating the user's Keygrade home.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { openCatalog } from '@keygrade/catalog/node';
import type { Catalog } from '@keygrade/catalog';
import { parseAssessment, type Assessment } from '@keygrade/assessment';
import { ExitError, EXIT } from './exit.js';
import type { Io } from './io.js';

/** Reads a text file given on the command line, or ends with exit 2 and a clear message. */
export function readInput(io: Io, file: string): string {
  return readBinary(io, file).toString('utf8');
}

/** Reads a file given on the command line as bytes, or ends with exit 2 and a clear message. */
export function readBinary(io: Io, file: string): Buffer {
  const path = resolve(io.cwd, file);
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new ExitError(EXIT.usage, `cannot read ${file}: ${why}`);
  }
}

/** Writes a file atomically: a temporary file in the same folder, fsync, then rename over the target. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ExitError(EXIT.usage, `cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Writes command output to `-o <file>` (refusing to overwrite the input) or to stdout. */
export function writeOutput(io: Io, output: string | undefined, data: string | Uint8Array, opts: { protect?: string[] } = {}): string | undefined {
  if (output === undefined || output === '-') {
    if (typeof data !== 'string' && io.stdoutIsTTY) throw new ExitError(EXIT.usage, 'this output is binary; write it to a file with -o <file>');
    io.stdout.write(data);
    return undefined;
  }
  const path = resolve(io.cwd, output);
  for (const p of opts.protect ?? []) if (resolve(io.cwd, p) === path) throw new ExitError(EXIT.usage, `refusing to overwrite the input file ${p}; choose another -o`);
  writeAtomic(path, data);
  return path;
}

/** The folder for the user's local Keygrade data ($KEYGRADE_HOME, default ~/.keygrade). */
export function keygradeHome(io: Io): string {
  return io.env.KEYGRADE_HOME ? resolve(io.cwd, io.env.KEYGRADE_HOME) : join(homedir(), '.keygrade');
}

/** The path of the locally imported official wording for an edition. */
export function wordingPath(io: Io, edition: string): string {
  return join(keygradeHome(io), 'wording', `${edition}.json`);
}

/** Opens the catalog, with any wording the user imported attached. */
export function catalogFor(io: Io): Catalog {
  return openCatalog({
    wordingFor: (edition) => {
      const p = wordingPath(io, edition);
      return existsSync(p) ? { text: readFileSync(p, 'utf8'), source: p } : undefined;
    },
  });
}

/** Reads and validates an assessment file. */
export function loadAssessment(io: Io, file: string, catalog: Catalog = catalogFor(io)): Assessment {
  return parseAssessment(file, readInput(io, file), catalog);
}

/** SHA-256 of a file as lowercase hex, or undefined when it cannot be read. */
export function sha256File(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}
