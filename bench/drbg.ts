/**
 * DRBG throughput: 1 MiB from HMAC_DRBG SHA-256, Hash_DRBG SHA-256 and CTR_DRBG AES-256 (df),
 * Keygrade against a straightforward transcription of the spec's Generate loop in the same run.
 *
 * Run: node --conditions=keygrade-source --import tsx bench/drbg.ts
 */
import { ecb } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { instantiateDrbg, type DrbgPlatform, type DrbgSpec } from '@keygrade/randomness';
import { nodeAes } from '@keygrade/randomness/node';

const MiB = 1 << 20;
const seed = (n: number, b: number) => new Uint8Array(n).fill(b);

/** Median MiB/s of `f` producing `bytes` bytes, over runs filling about a second. */
function measure(bytes: number, f: () => void): number {
  f();
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < 1000 || times.length < 5) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return bytes / MiB / (times[Math.floor(times.length / 2)]! / 1000);
}

function keygrade(spec: DrbgSpec, platform: DrbgPlatform = {}): () => void {
  return () => {
    const d = instantiateDrbg(spec, { entropyInput: seed(32, 1), nonce: seed(16, 2) }, platform);
    d.generateBytes(MiB);
  };
}

/** HMAC_DRBG Generate as the spec writes it: V = HMAC(Key, V) per block, a fresh HMAC each time. */
function naiveHmac(): void {
  let v: Uint8Array = seed(32, 3);
  const k = seed(32, 4);
  const out = new Uint8Array(MiB);
  for (let off = 0; off < MiB; off += 32) {
    v = hmac(sha256, k, v);
    out.set(v, off);
  }
}

/** CTR_DRBG Generate as the spec writes it: V = V + 1, Block_Encrypt(Key, V) one block at a time. */
function naiveCtr(): void {
  const v = seed(16, 5);
  const k = seed(32, 6);
  const out = new Uint8Array(MiB);
  for (let off = 0; off < MiB; off += 16) {
    for (let i = 15; i >= 0 && ++v[i]! === 256; i--) v[i] = 0;
    out.set(ecb(k, { disablePadding: true }).encrypt(v), off);
  }
}

const rows: [string, number, number][] = [
  ['HMAC_DRBG SHA-256', measure(MiB, keygrade({ mechanism: 'HMAC_DRBG', hash: 'SHA-256' })), measure(MiB, naiveHmac)],
  ['Hash_DRBG SHA-256', measure(MiB, keygrade({ mechanism: 'Hash_DRBG', hash: 'SHA-256' })), NaN],
  ['CTR_DRBG AES-256 df (noble)', measure(MiB, keygrade({ mechanism: 'CTR_DRBG', cipher: 'AES-256', derivationFunction: true })), measure(MiB, naiveCtr)],
  ['CTR_DRBG AES-256 df (node:crypto)', measure(MiB, keygrade({ mechanism: 'CTR_DRBG', cipher: 'AES-256', derivationFunction: true }, { aes: nodeAes })), measure(MiB, naiveCtr)],
];
console.log(`DRBG output, 1 MiB per run (Generate requests of 2^19 bits), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`${'mechanism'.padEnd(36)}${'Keygrade MiB/s'.padStart(16)}${'naive MiB/s'.padStart(14)}${'ratio'.padStart(8)}`);
for (const [name, k, n] of rows) {
  console.log(`${name.padEnd(36)}${k.toFixed(1).padStart(16)}${(Number.isNaN(n) ? '—' : n.toFixed(1)).padStart(14)}${(Number.isNaN(n) ? '—' : `${(k / n).toFixed(1)}×`).padStart(8)}`);
}
