/**
 * Helpers shared by the `keygrade ceremony …` commands: the operator's Ed25519 key from a PEM file,
 * source material from a file or stdin (prompted only on a terminal), dice parsing with located
 * errors.
 */
import { createPrivateKey } from 'node:crypto';
import { parseDiceRolls, parseCards, type Card } from '@keygrade/randomness';
import { usage } from '../exit.js';
import { readBinary } from '../files.js';
import type { Io } from '../io.js';
import { lineReader } from '../prompt.js';
import { withFile } from './rng-shared.js';

/** Reads an Ed25519 private key: PKCS#8 PEM (`keygrade por keygen`, `openssl genpkey -algorithm ed25519`). */
export function readSigningKey(io: Io, file: string): Uint8Array {
  const pem = readBinary(io, file).toString('utf8');
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`it is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key`);
    return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url'));
  } catch (e) {
    throw usage(`${file}: not an Ed25519 private key in PEM (${(e as Error).message.replace(/^error:\w+:/, '')}); create one with \`keygrade ceremony keygen\``);
  }
}

/** Whole stdin as bytes. */
async function readStdin(io: Io): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Bytes of a file, or of stdin for `-`. */
export async function readMaterial(io: Io, file: string): Promise<{ bytes: Buffer; name: string }> {
  return file === '-' ? { bytes: await readStdin(io), name: '<stdin>' } : { bytes: readBinary(io, file), name: file };
}

/** Parses d6 rolls; a bad character is named by file, line and column (exit 2). */
export function parseD6(text: string, name: string): number[] {
  return withFile(name, () => parseDiceRolls(text, 6)).map((r) => r.value);
}

/** Parses cards; unreadable or duplicate cards are named by file, line and column (exit 2). */
export function parseDeck(text: string, name: string): Card[] {
  return withFile(name, () => parseCards(text));
}

/**
 * Dice typed at the terminal: one line at a time until an empty line once `want` rolls are in.
 * Without a terminal, all of stdin is read as the rolls.
 */
export async function readDiceFromStdin(io: Io, want: number): Promise<number[]> {
  if (!io.interactive) return parseD6((await readStdin(io)).toString('utf8'), '<stdin>');
  const rl = lineReader(io);
  const rolls: number[] = [];
  try {
    io.stdout.write(`Roll a d6 and type the results (digits 1–6, spaces allowed); ${want} rolls needed. An empty line ends the input.\n`);
    for (let line = 1; ; line++) {
      const answer = await rl.ask(`rolls ${rolls.length}/${want}> `);
      if (answer === undefined || answer === '') {
        if (rolls.length >= want || answer === undefined) break;
        io.stdout.write(`${want - rolls.length} more needed.\n`);
        continue;
      }
      try {
        rolls.push(...parseD6(answer, `line ${line}`));
      } catch (e) {
        io.stdout.write(`${(e as Error & { describe?: () => string }).describe?.() ?? (e as Error).message}\nThat line was not counted; type it again.\n`);
      }
    }
  } finally {
    rl.close();
  }
  return rolls;
}
