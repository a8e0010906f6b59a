/** Test helpers: a seeded random source and small snapshots. Not part of the build. */
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { AccountTable } from './accounts.js';
import type { Asset } from './amount.js';
import { writeU128 } from './bytes.js';
import { manifestBody, signManifest, type SignedManifest } from './manifest.js';
import type { RandomSource } from './random.js';
import { buildLiabilitiesTree, type LiabilitiesTree, type TreeOptions } from './tree.js';

/** A deterministic random source: SHA-256(seed || counter) blocks. Only for tests. */
export function seeded(seed: number | string): RandomSource {
  let counter = 0;
  let block = new Uint8Array(0);
  let pos = 0;
  const prefix = new TextEncoder().encode(`keygrade-test-rng:${seed}:`);
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      if (pos === block.length) {
        const m = new Uint8Array(prefix.length + 4);
        m.set(prefix);
        new DataView(m.buffer).setUint32(prefix.length, counter++);
        block = sha256(m);
        pos = 0;
      }
      out[i] = block[pos++]!;
    }
  };
}

export const ASSETS: Asset[] = [
  { symbol: 'BTC', decimals: 8 },
  { symbol: 'ETH', decimals: 18 },
];

/** A table from [id, balances] rows. */
export function table(rows: [string, bigint[]][], assets: Asset[] = ASSETS, options: { shared?: boolean } = {}): AccountTable {
  const t = new AccountTable(assets, options);
  const buf = new Uint8Array(16 * assets.length);
  rows.forEach(([id, bal], i) => {
    bal.forEach((b, j) => writeU128(buf, 16 * j, b));
    t.add(id, buf, { line: i + 2 });
  });
  return t;
}

/** A fixed test signing key (seed 0x01 * 32) and its public key. */
export const SECRET = new Uint8Array(32).fill(1);
export const PUBLIC = ed25519.getPublicKey(SECRET);

/** Builds and signs a snapshot. */
export function snapshot(rows: [string, bigint[]][], opts: TreeOptions & { seed?: number; previous?: SignedManifest; time?: string } = {}): { tree: LiabilitiesTree; manifest: SignedManifest } {
  const tree = buildLiabilitiesTree(table(rows), { random: seeded(opts.seed ?? 1), ...opts });
  const manifest = signManifest(manifestBody(tree, { time: opts.time ?? '2026-11-30T23:59:59Z', ...(opts.previous ? { previous: opts.previous } : {}) }), SECRET);
  return { tree, manifest };
}

/** Deep copy of JSON data. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
