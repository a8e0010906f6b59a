/**
 * Fuzzing the PSBT decoder: 107,500 random and mutated inputs (bytes, base64 and hex). Every
 * input either decodes or fails with a PsbtError whose byte offset lies inside the input: never
 * another exception, never a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64, hex } from '@scure/base';
import { NETWORK, p2wpkh, Transaction } from '@scure/btc-signer';
import fc from 'fast-check';
import { decodePsbt } from './decode.js';
import { PsbtError } from './errors.js';
import { buildSpendTx, externalAddress, testAccount } from './test-wallet.js';

const A = [testAccount(21), testAccount(22), testAccount(23)];
const spec = {
  inputs: [
    { branch: 0, index: 1, sats: 150_000_000n },
    { branch: 1, index: 2, sats: 50_000_000n },
  ],
  outputs: [{ address: externalAddress(40), sats: 120_000_000n }, { change: 4, sats: 79_990_000n }],
};
const signed = buildSpendTx(A, spec);
signed.signIdx(A[0]!.account.deriveChild(0).deriveChild(1).privateKey!, 0);
// Rich seeds: two inputs with witness scripts, BIP 32 derivations, a partial signature.
const RICH: Uint8Array[] = [buildSpendTx(A, spec).toPSBT(0), buildSpendTx(A, spec).toPSBT(2), signed.toPSBT(0), signed.toPSBT(2), buildSpendTx(A, { ...spec, omitUtxo: [1] }).toPSBT(0)];
// Small seeds (one input, one output): @scure/btc-signer needs ~0.5 ms per well-framed PSBT of
// this size and ~4 ms for the rich ones, so most mutations start here to keep the suite short.
const small = new Transaction();
small.addInput({ txid: new Uint8Array(32).fill(7), index: 1, witnessUtxo: { script: p2wpkh(A[0]!.account.publicKey!).script, amount: 100_000n }, sequence: 0xfffffffd });
small.addOutputAddress(externalAddress(40), 90_000n, NETWORK);
const SMALL: Uint8Array[] = [small.toPSBT(0), small.toPSBT(2)];
const SEEDS = [...SMALL, ...RICH];

/** xorshift32, so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Byte mutations that keep most of the structure: flips, inserts, deletes, length bytes, splices. */
function mutate(src: Uint8Array, r: () => number): Uint8Array {
  let b = Array.from(src);
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * (b.length + 1));
    const op = Math.floor(r() * 7);
    if (op === 0) b[i] = Math.floor(r() * 256);
    else if (op === 1) b.splice(i, 0, Math.floor(r() * 256));
    else if (op === 2) b.splice(i, 1 + Math.floor(r() * 8));
    else if (op === 3) b[i] = [0x00, 0x01, 0xfc, 0xfd, 0xfe, 0xff][Math.floor(r() * 6)]!;
    else if (op === 4) b = b.slice(0, i);
    else if (op === 5) b.splice(i, 0, ...b.slice(i, i + 1 + Math.floor(r() * 40)));
    else b[i] = (b[i] ?? 0) ^ (1 << Math.floor(r() * 8));
  }
  return Uint8Array.from(b);
}

function exercise(input: string | Uint8Array): 'ok' | 'rejected' {
  const t0 = performance.now();
  let result: 'ok' | 'rejected';
  try {
    const d = decodePsbt(input);
    // Touch what the spend check reads.
    for (const o of d.outputs) assert.equal(typeof o.amount, 'bigint');
    result = 'ok';
  } catch (e) {
    if (!(e instanceof PsbtError)) throw new Error(`non-PsbtError for ${typeof input === 'string' ? input : hex.encode(input)}`, { cause: e });
    const size = typeof input === 'string' ? input.length : input.length;
    if (e.offset !== undefined && (e.offset < 0 || e.offset > size)) throw new Error(`offset ${e.offset} outside the input`, { cause: e });
    result = 'rejected';
  }
  // A hang guard, not a performance assertion.
  const ms = performance.now() - t0;
  if (ms > 1000) throw new Error(`${ms.toFixed(0)} ms on one input`);
  return result;
}

describe('PSBT decoder fuzzing', () => {
  it('the seeds decode', () => {
    for (const s of SEEDS) assert.equal(exercise(s), 'ok');
  });

  it('89,500 seeded byte mutations of small PSBTs (v0 and v2)', () => {
    const r = rng(0x70736274);
    const seen = { ok: 0, rejected: 0 };
    for (let i = 0; i < 89_500; i++) seen[exercise(mutate(SMALL[i % SMALL.length]!, r))]++;
    // Both outcomes must be reached, or the fuzzing proves nothing.
    assert.ok(seen.ok > 500 && seen.rejected > 50_000, JSON.stringify(seen));
  });

  it('1,000 seeded byte mutations of rich PSBTs (derivations, witness scripts, signatures)', () => {
    const r = rng(0x62697033);
    const seen = { ok: 0, rejected: 0 };
    for (let i = 0; i < 1_000; i++) seen[exercise(mutate(RICH[i % RICH.length]!, r))]++;
    assert.ok(seen.ok > 5 && seen.rejected > 400, JSON.stringify(seen));
  });

  it('5,000 mutations given as base64 and hex text', () => {
    const r = rng(174);
    for (let i = 0; i < 5_000; i++) {
      const m = mutate(SMALL[i % SMALL.length]!, r);
      exercise(i % 2 === 0 ? base64.encode(m) : hex.encode(m));
    }
  });

  it('12,000 random inputs (fast-check): bytes behind the magic, text, and raw bytes', () => {
    const magic = Uint8Array.of(0x70, 0x73, 0x62, 0x74, 0xff);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.of(...magic, ...b)),
          fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.of(...magic, 0x01, 0x00, ...b)),
          fc.uint8Array({ maxLength: 200 }),
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => `cHNidP8${base64.encode(b)}`),
        ),
        (x) => {
          exercise(x);
        },
      ),
      { numRuns: 12_000, seed: 370 },
    );
  });

  it('huge declared lengths and counts are rejected at once', () => {
    const big = (n: number[]) => Uint8Array.of(0x70, 0x73, 0x62, 0x74, 0xff, ...n);
    assert.equal(exercise(big([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), 'rejected');
    assert.equal(exercise(big([0x01, 0xfb, 0x04, 0x02, 0, 0, 0, 0x02, 0x04, 0xfe, 0xff, 0xff, 0xff, 0x7f, 0x00])), 'rejected');
    assert.equal(exercise(new Uint8Array(17 * 1024 * 1024)), 'rejected');
  });
});
