/**
 * BIP 174 / BIP 370 test vectors, when the vectors folder has them. Expected layout (not yet in
 * shared/vectors, whose README lists no PSBT folder): `$KEYGRADE_VECTORS_DIR/psbt/valid.json` and
 * `invalid.json`, each an array of `{ "description": string, "psbt": base64 }` transcribed from
 * the BIPs' test-vector sections. Skips with a message when the variable or the folder is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodePsbt } from './decode.js';
import { PsbtError } from './errors.js';

const dir = process.env.KEYGRADE_VECTORS_DIR;
const folder = dir ? join(dir, 'psbt') : undefined;
const skip = !dir ? 'KEYGRADE_VECTORS_DIR is not set' : !existsSync(folder!) ? `no PSBT vectors: ${folder} does not exist (BIP 174/370 vectors are not collected yet)` : false;
const load = (f: string): { description: string; psbt: string }[] => (existsSync(join(folder!, f)) ? (JSON.parse(readFileSync(join(folder!, f), 'utf8')) as { description: string; psbt: string }[]) : []);

describe('BIP 174 / 370 vectors', { skip }, () => {
  it('valid PSBTs decode', () => {
    load('valid.json').forEach((v, i) => assert.doesNotThrow(() => decodePsbt(v.psbt), `vector ${i}: ${v.description}`));
  });
  it('invalid PSBTs fail with a PsbtError', () => {
    load('invalid.json').forEach((v, i) => assert.throws(() => decodePsbt(v.psbt), PsbtError, `vector ${i}: ${v.description}`));
  });
});
