/** Runs keygrade in-process with captured output, a temporary working folder and scripted stdin. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'keygrade-cli-'));
}

export async function keygrade(args: string[], opts: { cwd: string; input?: string[]; interactive?: boolean; env?: Record<string, string> }): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.out.push(Buffer.from(c)));
  stderr.on('data', (c: Buffer) => chunks.err.push(Buffer.from(c)));
  const code = await main(args, {
    cwd: opts.cwd,
    env: { KEYGRADE_HOME: join(opts.cwd, '.keygrade'), ...opts.env },
    stdin: Readable.from(opts.input ? [opts.input.map((l) => `${l}\n`).join('')] : []),
    stdout,
    stderr,
    interactive: opts.interactive ?? false,
    stdoutIsTTY: false,
    now: () => new Date('2026-11-22T10:00:00Z'),
  });
  return { code, stdout: Buffer.concat(chunks.out).toString('utf8'), stderr: Buffer.concat(chunks.err).toString('utf8') };
}

export function write(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

export function read(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}
