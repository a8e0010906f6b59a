import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hash } from 'node:crypto';
import fc from 'fast-check';
import { toHex, writeU128 } from '../bytes.js';
import { hashLevelRange } from '../tree.js';
import { UID_TAG } from '../hash.js';
import { nativeHashing, nativeStatus, shuffleWith } from './native.js';
import { RandomStream, shuffle, type RandomSource } from '../random.js';
import { seeded } from '../test-util.js';
import { HASHING_MODES } from './test-modes.js';

const skip = HASHING_MODES.find((m) => m.native)!.skip;
const native = () => nativeHashing()!;
const sha = (m: Uint8Array) => hash('sha256', m, 'buffer');
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A RangeError thrown by the module, whose message matches `message`. */
const rangeError = (message: RegExp) => (e: unknown) => e instanceof RangeError && (e as { code?: string }).code === 'ERR_KEYGRADE_NATIVE' && message.test(e.message);

test('the native module reports where it is and whether it loads', () => {
  const status = nativeStatus();
  assert.match(status.path, /keygrade_reserves\.node$/);
  assert.equal(typeof status.available, 'boolean');
  if (!status.available) assert.ok(status.reason, 'a reason when it is not available');
});

test('native SHA-256 gives the FIPS 180-4 example digests', { skip }, () => {
  // FIPS 180-4 / NIST CSRC examples (SHA256.pdf, SHA2_Additional.pdf).
  assert.equal(toHex(native().sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(toHex(native().sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(toHex(native().sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.equal(toHex(native().sha256(new Uint8Array(1_000_000).fill(0x61))), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  // repeat() hashes the same message over and over (the benchmark's raw hashing).
  const d = native().sha256(utf8('abc'));
  assert.equal(native().repeat(utf8('abc'), 1), d[0]!);
  assert.equal(native().repeat(utf8('abc'), 2), d[0]! ^ d[1]!);
});

/** Records of `k` assets with the given sums (random hashes), as a level's buffer. */
function records(sums: bigint[][], k: number, seed: number): Uint8Array {
  const r = 32 + 16 * k;
  const out = new Uint8Array(sums.length * r);
  sums.forEach((s, i) => {
    out.set(sha(utf8(`${seed}/${i}`)), i * r);
    s.forEach((v, a) => writeU128(out, i * r + 32 + 16 * a, v));
  });
  return out;
}

test('a native level is byte for byte the portable one, sums across every 64-bit carry included (property)', { skip }, () => {
  const u128 = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.constantFrom(0n, (1n << 64n) - 1n, 1n << 64n, (1n << 127n) - 1n, 1n << 127n, (1n << 128n) - 1n));
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 }), fc.array(u128, { minLength: 160, maxLength: 160 }), fc.nat(), (k, prevCount, values, seed) => {
      const prev = records(Array.from({ length: prevCount }, (_, i) => Array.from({ length: k }, (_, a) => values[(i * k + a) % values.length]!)), k, seed);
      const count = Math.ceil(prevCount / 2);
      const r = 32 + 16 * k;
      const js = new Uint8Array(count * r);
      const c = new Uint8Array(count * r);
      const jsOverflow = hashLevelRange(prev, prevCount, js, k, sha, 0, count);
      const cOverflow = native().level(prev, prevCount, c, k, 0, 0, count);
      assert.equal(cOverflow, jsOverflow);
      if (jsOverflow < 0) assert.equal(toHex(c), toHex(js));
    }),
    { numRuns: 300 },
  );
});

test('a native level writes only its node range, at offsets from its base', { skip }, () => {
  const k = 2;
  const r = 32 + 16 * k;
  const prevCount = 21;
  const prev = records(Array.from({ length: prevCount }, (_, i) => [BigInt(i), BigInt(1000 + i)]), k, 1);
  const whole = new Uint8Array(11 * r);
  assert.equal(native().level(prev, prevCount, whole, k, 0, 0, 11), -1);
  // Nodes 4 to 10 from a buffer that starts at node 4 (children from record 8 on), into a buffer that starts at node 4.
  const next = new Uint8Array(8 * r).fill(0xee);
  assert.equal(native().level(prev.subarray(8 * r), prevCount, next, k, 4, 5, 11), -1);
  assert.ok(next.subarray(0, r).every((b) => b === 0xee), 'the record before the range is untouched');
  assert.equal(toHex(next.subarray(r, 7 * r)), toHex(whole.subarray(5 * r, 11 * r)));
  assert.ok(next.subarray(7 * r).every((b) => b === 0xee), 'the record after the range is untouched');
  // The last node has no right child: an empty subtree (zero hash and sums) on its right, its left sums.
  const last = whole.subarray(10 * r, 11 * r);
  const message = new Uint8Array(1 + 2 * r);
  message[0] = 1;
  message.set(prev.subarray(20 * r, 21 * r), 1);
  assert.equal(toHex(last.subarray(0, 32)), toHex(sha(message)));
  assert.equal(toHex(last.subarray(32)), toHex(prev.subarray(20 * r + 32, 21 * r)));
});

test('the native leaves and block jobs hash FORMATS.md leaves: uid hash from tag, salt and id; padding uids as given', { skip }, () => {
  const k = 1;
  const r = 32 + 16 * k;
  const snapshotId = sha(utf8('snapshot'));
  const salts = new Uint8Array(3 * 32).map((_, i) => i);
  const ids = utf8('alicebob');
  const idOffsets = new Uint32Array([0, 5, 8]);
  const leafAccount = new Uint32Array([1, 2, 0]); // bob, a padding leaf, alice
  const pads = sha(utf8('pad'));
  const recs = new Uint8Array(3 * r);
  writeU128(recs, 0 * r + 32, 7n);
  writeU128(recs, 2 * r + 32, 5n);
  assert.equal(native().leaves(recs, salts, leafAccount, 2, [], 16, 0, ids, idOffsets, pads, 0, snapshotId, UID_TAG, k, 0, 3, 0, 0), 1);
  const expectLeaf = (p: number, uid: Uint8Array, balance: bigint) => {
    const bal = new Uint8Array(16);
    writeU128(bal, 0, balance);
    const index = new Uint8Array(8);
    new DataView(index.buffer).setUint32(4, p);
    return toHex(sha(Buffer.concat([Uint8Array.of(0), snapshotId, index, uid, salts.subarray(32 * p, 32 * p + 32), bal])));
  };
  const uid = (p: number, id: string) => sha(Buffer.concat([UID_TAG, salts.subarray(32 * p, 32 * p + 32), utf8(id)]));
  assert.equal(toHex(recs.subarray(0, 32)), expectLeaf(0, uid(0, 'bob'), 7n));
  assert.equal(toHex(recs.subarray(r, r + 32)), expectLeaf(1, pads, 0n));
  assert.equal(toHex(recs.subarray(2 * r, 2 * r + 32)), expectLeaf(2, uid(2, 'alice'), 5n));
  // The streaming build's block job gives the same leaves from its own layout (leaves 0 to 2 of a block at leaf 0).
  const block = new Uint8Array(3 * r);
  block.set(recs.subarray(32, r), 32);
  block.set(pads, r);
  block.set(recs.subarray(2 * r + 32, 3 * r), 2 * r + 32);
  native().block(block, salts, ids, new Uint32Array([5, 0, 0]), new Uint32Array([3, 0xffffffff, 5]), snapshotId, UID_TAG, k, 0, 0, 3);
  assert.equal(toHex(block), toHex(recs));
  // Balances come from the account table's chunks when given (chunks of 2 accounts here).
  const gathered = new Uint8Array(3 * r);
  const chunk = new Uint8Array(32);
  writeU128(chunk, 0, 5n);
  writeU128(chunk, 16, 7n);
  native().leaves(gathered, salts, leafAccount, 2, [chunk], 1, 0, ids, idOffsets, pads, 0, snapshotId, UID_TAG, k, 0, 3, 0, 0);
  assert.equal(toHex(gathered), toHex(recs));
  // Into a reused buffer (every byte stale), gathering also clears a padding leaf's balances.
  const stale = new Uint8Array(3 * r).fill(0xff);
  native().leaves(stale, salts, leafAccount, 2, [chunk], 1, 0, ids, idOffsets, pads, 0, snapshotId, UID_TAG, k, 0, 3, 0, 0);
  assert.equal(toHex(stale), toHex(recs));
  // With a record base, leaves 1 and 2 go to records 0 and 1 of a block buffer: the same records.
  const block2 = new Uint8Array(2 * r).fill(0xff);
  assert.equal(native().leaves(block2, salts, leafAccount, 2, [chunk], 1, 0, ids, idOffsets, pads, 0, snapshotId, UID_TAG, k, 1, 3, 1, 0), 1);
  assert.equal(toHex(block2), toHex(recs.subarray(r)));
  // With a salt base too, the salts are the block's own (salts 1 and 2 as salts 0 and 1).
  const block3 = new Uint8Array(2 * r).fill(0xff);
  assert.equal(native().leaves(block3, salts.slice(32), leafAccount, 2, [chunk], 1, 0, ids, idOffsets, pads, 0, snapshotId, UID_TAG, k, 1, 3, 1, 1), 1);
  assert.equal(toHex(block3), toHex(recs.subarray(r)));
});

test('native leaf messages of every size hash as one message: ids up to 1024 bytes, tags past the stack layout, 1 to 64 assets', { skip }, () => {
  const snapshotId = sha(utf8('sizes'));
  for (const [k, tagBytes] of [[1, 19], [4, 64], [64, 65], [7, 200]] as const) {
    const r = 32 + 16 * k;
    const tag = new Uint8Array(tagBytes).map((_, i) => (i * 37 + 11) & 0xff);
    const lengths = [1, 22, 23, 55, 56, 64, 1024];
    const ids = new Uint8Array(lengths.reduce((a, b) => a + b, 0)).map((_, i) => 0x41 + (i % 26));
    const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
    const m = lengths.length;
    const salts = new Uint8Array(m * 32).map((_, i) => (i * 7) & 0xff);
    const recs = new Uint8Array(m * r).map((_, i) => (i * 13) & 0xff);
    const expected = lengths.map((len, p) => {
      const salt = salts.subarray(32 * p, 32 * p + 32);
      const uid = sha(Buffer.concat([tag, salt, ids.subarray(starts[p]!, starts[p]! + len)]));
      const index = new Uint8Array(8);
      new DataView(index.buffer).setUint32(4, p + 3);
      return toHex(sha(Buffer.concat([Uint8Array.of(0), snapshotId, index, uid, salt, recs.subarray(p * r + 32, (p + 1) * r)])));
    });
    native().block(recs, salts, ids, Uint32Array.from(starts), Uint32Array.from(lengths), snapshotId, tag, k, 3, 3, 3 + m);
    assert.deepEqual(lengths.map((_, p) => toHex(recs.subarray(p * r, p * r + 32))), expected, `${k} assets, a ${tagBytes}-byte tag`);
  }
});

test('a native level hashed in place (one buffer as both levels) equals the level hashed apart', { skip }, () => {
  const k = 3;
  const r = 32 + 16 * k;
  const prevCount = 16;
  const prev = records(Array.from({ length: prevCount }, (_, i) => [BigInt(i), 1n << 90n, BigInt(7 * i)]), k, 2);
  const apart = new Uint8Array(8 * r);
  assert.equal(native().level(prev, prevCount, apart, k, 0, 0, 8), -1);
  // Nodes 4 to 7 (children 8 to 15), in the upper half of the buffer seen from node 4: in place.
  const upper = prev.slice(8 * r);
  assert.equal(native().level(upper, prevCount, upper, k, 4, 4, 8), -1);
  assert.equal(toHex(upper.subarray(0, 4 * r)), toHex(apart.subarray(4 * r)));
  assert.equal(native().level(prev, prevCount, prev, k, 0, 0, 8), -1);
  assert.equal(toHex(prev.subarray(0, 8 * r)), toHex(apart));
});

test('the native module refuses every argument that would read or write out of bounds', { skip }, () => {
  const n = native();
  const k = 1;
  const r = 48;
  const prev = new Uint8Array(4 * r);
  const next = new Uint8Array(2 * r);
  assert.throws(() => n.level(prev, 4, next, 0, 0, 0, 2), rangeError(/assets must be 1 to 64/));
  assert.throws(() => n.level(prev, 4, next, 65, 0, 0, 2), rangeError(/assets must be 1 to 64/));
  assert.throws(() => n.level(prev.subarray(r), 4, next, k, 0, 0, 2), rangeError(/prev too short/));
  assert.throws(() => n.level(prev, 4, next.subarray(r), k, 0, 0, 2), rangeError(/next too short/));
  assert.throws(() => n.level(prev, 4, next, k, 0, 0, 3), rangeError(/past the level below/));
  assert.throws(() => n.level(prev, 4, next, k, 0, 2, 1), rangeError(/out of bounds/));
  assert.throws(() => n.level(prev, 4, next, k, 1, 0, 2), rangeError(/out of bounds/));
  assert.throws(() => n.level(prev, -1, next, k, 0, 0, 2), rangeError(/prevCount must be a whole number/));
  assert.throws(() => n.level(prev, 1.5, next, k, 0, 0, 2), rangeError(/prevCount must be a whole number/));
  assert.throws(() => n.level([] as unknown as Uint8Array, 4, next, k, 0, 0, 2), rangeError(/prev must be a typed array/));
  assert.throws(() => (n.level as (...a: unknown[]) => number)(prev, 4, next), rangeError(/wrong number of arguments/));

  const snap = new Uint8Array(32);
  const salts = new Uint8Array(2 * 32);
  const recs = new Uint8Array(2 * r);
  const ids = utf8('ab');
  const leaves = (o: { recs?: Uint8Array; stride?: number; leafAccount?: Uint32Array; offsets?: Uint32Array; chunks?: Uint8Array[]; pads?: Uint8Array; from?: number; to?: number; base?: number; saltBase?: number; salts?: Uint8Array; snap?: Uint8Array }) =>
    n.leaves(o.recs ?? recs, o.salts ?? salts, o.leafAccount ?? new Uint32Array([0, 1]), 2, o.chunks ?? [], 16, o.stride ?? 0, ids, o.offsets ?? new Uint32Array([0, 1, 2]), o.pads ?? new Uint8Array(0), 0, o.snap ?? snap, UID_TAG, k, o.from ?? 0, o.to ?? 2, o.base ?? 0, o.saltBase ?? 0);
  assert.equal(leaves({}), 0);
  assert.throws(() => leaves({ to: 3 }), rangeError(/leaf range out of bounds/));
  assert.throws(() => leaves({ recs: recs.subarray(1) }), rangeError(/records too short/));
  // Records relative to a block's first leaf: the range must start at or after it and fit from it.
  assert.equal(leaves({ recs: recs.subarray(0, r), from: 1, base: 1 }), 0);
  assert.throws(() => leaves({ from: 0, base: 1 }), rangeError(/leaf range out of bounds/));
  assert.throws(() => leaves({ recs: recs.subarray(0, r), from: 0, base: 0 }), rangeError(/records too short/));
  assert.throws(() => leaves({ base: -1 }), rangeError(/recordBase must be a whole number/));
  // Salts relative to a block's first leaf, the same way.
  assert.equal(leaves({ salts: salts.subarray(32), from: 1, saltBase: 1 }), 0);
  assert.throws(() => leaves({ from: 0, saltBase: 1 }), rangeError(/leaf range out of bounds/));
  assert.throws(() => leaves({ salts: salts.subarray(32), from: 0 }), rangeError(/salts too short/));
  assert.throws(() => leaves({ saltBase: 1.5 }), rangeError(/saltBase must be a whole number/));
  assert.throws(() => leaves({ offsets: new Uint32Array([0, 1]) }), rangeError(/idOffsets must hold/));
  assert.throws(() => leaves({ offsets: new Uint32Array([0, 1, 9]) }), rangeError(/id offset is out of bounds/));
  assert.throws(() => leaves({ offsets: new Uint32Array([0, 2, 1]) }), rangeError(/id offset is out of bounds/));
  assert.throws(() => leaves({ leafAccount: new Uint32Array([0, 5]) }), rangeError(/pads too short/));
  assert.throws(() => leaves({ chunks: [new Uint8Array(16)] }), rangeError(/balances are out of the chunks/));
  // Chunks with the ids' places (stride: balances + 32): the place is checked like an offset.
  assert.throws(() => leaves({ stride: 17 }), rangeError(/chunkStride must be 0 or/));
  const placed = (len: number, start = 0) => {
    const c = new Uint8Array(2 * 48);
    const v = new DataView(c.buffer);
    for (const at of [16, 64]) {
      v.setUint32(at, start, true);
      v.setUint32(at + 4, len, true);
    }
    return c;
  };
  assert.equal(leaves({ chunks: [placed(2)], stride: 48 }), 0, 'an inline id of 2 bytes');
  assert.throws(() => leaves({ chunks: [placed(25)], stride: 48 }), rangeError(/id offset is out of bounds/), 'a 25-byte id must be in the arena, which has 2 bytes');
  assert.throws(() => leaves({ chunks: [placed(1025)], stride: 48 }), rangeError(/id offset is out of bounds/));
  assert.throws(() => leaves({ chunks: [placed(2).subarray(0, 60)], stride: 48 }), rangeError(/balances are out of the chunks/));
  assert.throws(() => leaves({ snap: new Uint8Array(31) }), rangeError(/snapshotId must be 32 bytes/));
  assert.throws(() => leaves({ leafAccount: new Int32Array([0, 1]) as unknown as Uint32Array }), rangeError(/leafAccount must be a Uint32Array/));
  assert.throws(() => n.block(recs, salts, ids, new Uint32Array([0, 1]), new Uint32Array([1, 5]), snap, UID_TAG, k, 0, 0, 2), rangeError(/id is out of bounds/));
  assert.throws(() => n.block(recs, salts, ids, new Uint32Array([0]), new Uint32Array([1]), snap, UID_TAG, k, 0, 0, 2), rangeError(/too short/));
  assert.throws(() => n.block(recs, salts, ids, new Uint32Array([0, 1]), new Uint32Array([1, 1]), snap, UID_TAG, k, 1, 0, 2), rangeError(/out of bounds/));
});

/**
 * A seeded source whose words are often 0xffffffff, which every bound n that does not divide 2^32
 * rejects: the native shuffle's rejections and its stops at the end of a buffer are exercised.
 */
function rejecting(seed: string): RandomSource {
  const inner = seeded(seed);
  return (out) => {
    inner(out);
    for (let i = 0; i + 4 <= out.length; i += 4) if (out[i]! < 96) out.fill(0xff, i, i + 4);
  };
}

test('the native shuffle makes the JavaScript shuffle\'s permutation from the same draws, in parts too, rejections included (property)', { skip }, () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.array(fc.nat(), { maxLength: 4 }), fc.string(), fc.boolean(), (length, cuts, seed, reject) => {
      const make = () => new RandomStream(reject ? rejecting(seed) : seeded(seed));
      const js = Uint32Array.from({ length }, (_, i) => i);
      const c = js.slice();
      const a = make();
      const b = make();
      // The shuffle in parts from the top down, at the same (sorted) stops for both.
      const stops = [...new Set(cuts.map((x) => (length > 0 ? x % length : 0)))].sort((x, y) => y - x);
      let top = length - 1;
      for (const stop of [...stops, 0]) {
        if (stop >= top) continue;
        shuffle(js, a, top, stop);
        shuffleWith(native(), c, b, top, stop);
        top = stop;
      }
      assert.deepEqual([...c], [...js]);
      // Both streams are at the same place: their next words agree.
      assert.equal(b.u32(), a.u32());
    }),
    { numRuns: 300 },
  );
});

test('the native shuffle checks its steps, its buffer position and its state', { skip }, () => {
  const n = native();
  const items = new Uint32Array([0, 1, 2, 3]);
  const bytes = new Uint8Array(16);
  // Zero words: j = 0 at every step (no bound rejects 0): swap slots 3 and 0, then 2 and 0, then 1 and 0.
  assert.equal(n.shuffle(items, bytes, 0, new Uint32Array([3, 0])), 12, 'three draws of 4 bytes');
  assert.deepEqual([...items], [1, 2, 3, 0]);
  const state = new Uint32Array([3, 0]);
  assert.equal(n.shuffle(items, bytes, 14, state), 14, 'fewer than 4 bytes left: no step');
  assert.equal(state[0], 3);
  assert.throws(() => n.shuffle(items, bytes, 0, new Uint32Array([4, 0])), rangeError(/steps out of bounds/));
  assert.throws(() => n.shuffle(items, bytes, 0, new Uint32Array([1, 2])), rangeError(/steps out of bounds/));
  assert.throws(() => n.shuffle(items, bytes, 17, new Uint32Array([3, 0])), rangeError(/pos out of bounds/));
  assert.throws(() => n.shuffle(items, bytes, 0, new Uint32Array([3])), rangeError(/state must hold 2 values/));
  assert.throws(() => n.shuffle(new Int32Array(4) as unknown as Uint32Array, bytes, 0, new Uint32Array([3, 0])), rangeError(/items must be a Uint32Array/));
});
