/**
 * The code of a hashing worker, as a string run with `new Worker(source, { eval: true })`: a
 * worker needs no module resolution that way (the same whether Keygrade runs from TypeScript
 * sources or from dist). It computes what `AccountTable.gatherBalances`, `hashLeafRange` and
 * `hashLevelRange` compute, over shared memory; tests check both paths give identical trees.
 *
 * Speed: the per-hash work around node:crypto's one-shot `hash` is what separates the build from
 * raw hashing, so every message buffer sits at an offset of its ArrayBuffer where the fields that
 * are copied (salt, uid hash, balances, child records) start on an 8-byte boundary and are moved as
 * 64-bit words (BigUint64Array elements: V8's optimizing compiler moves them as raw 64-bit values,
 * about twice as fast as 32-bit words; they are exact in every tier), with no per-hash views or
 * subarrays. Digests are written as 32-bit words, sums added as 32-bit big-endian limbs read
 * through a byte swap. The host must be little-endian (checked).
 *
 * With the native module (native.ts; its path in workerData.native) each job is one call into C,
 * which lays out the messages and hashes them with OpenSSL's low-level SHA-256; only the random
 * draws stay here.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { hash, randomFillSync } = require('node:crypto');
const { writeSync } = require('node:fs');
const native = workerData && workerData.native ? require(workerData.native) : null;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('the hashing worker needs a little-endian host');

// node:crypto's one-shot hash returns the digest as a string far more cheaply than as a Buffer
// (whose allocation costs about as much as the hashing). With 'utf16le' output the string has 16
// UTF-16 code units, each two digest bytes, little-endian, taken as they are (a lone surrogate
// included): half the char codes to read of a 'latin1' string, at the same hashing cost.
// The digest is stored as 8 little-endian 32-bit words at word index w of a32.
function put(s, a32, w) {
  for (let i = 0; i < 8; i++) a32[w + i] = s.charCodeAt(2 * i) | (s.charCodeAt(2 * i + 1) << 16);
}

function bswap(x) {
  return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

// The leaf message 0x00 || snapshotId || index_u64 || uidHash || salt || balances, placed 7 bytes
// into its buffer: snapshotId, index, uid, salt and balances then start at byte 8, 40, 48, 80, 112
// (32-bit word 2, 10, 12, 20, 28; 64-bit word 1, 5, 6, 10, 14).
function leafMessage(j) {
  const ab = new ArrayBuffer((8 + 104 + (j.recordBytes - 32) + 7) & ~7);
  const m8 = new Uint8Array(ab, 7, 105 + j.recordBytes - 32);
  m8[0] = 0;
  m8.set(j.snapshotId, 1);
  return { m8, m32: new Uint32Array(ab), m64: new BigUint64Array(ab) };
}

// The uid message "keygrade-por-v1-uid" || salt || id, placed so the salt starts on an 8-byte
// boundary (tag length + offset = multiple of 8).
function uidMessage(j) {
  const tl = j.uidTag.length, off = (8 - (tl & 7)) & 7;
  const ab = new ArrayBuffer((off + tl + 32 + j.maxIdBytes + 7) & ~7);
  const u8 = new Uint8Array(ab, off);
  u8.set(j.uidTag, 0);
  const idAt = tl + 32, views = [];
  for (let len = 0; len <= j.maxIdBytes; len++) views.push(u8.subarray(0, idAt + len));
  return { u8, u64: new BigUint64Array(ab), saltWord: (off + tl) >> 3, idAt, views };
}

// The leaf hasher of a job: hashes leaf p whose salt is at 64-bit word s8 of salt64 and whose
// balances follow 64-bit word o8 + 4 of rec64, writing the leaf hash at 64-bit word o8 (rec32 is
// the same memory as 32-bit words). The uid hash is computed from the len id bytes at ids[st], or,
// for a padding leaf (len < 0), read from uid64 at 64-bit word uidAt.
function leafHasher(j) {
  const bq = (j.recordBytes - 32) >> 3;
  const { m8, m32, m64 } = leafMessage(j);
  const { u8, u64, saltWord, idAt, views } = uidMessage(j);
  return (p, rec32, rec64, o8, salt64, s8, ids, st, len, uid64, uidAt) => {
    for (let w = 0; w < 4; w++) m64[10 + w] = salt64[s8 + w];
    if (len < 0) {
      for (let w = 0; w < 4; w++) m64[6 + w] = uid64[uidAt + w];
    } else {
      for (let w = 0; w < 4; w++) u64[saltWord + w] = salt64[s8 + w];
      for (let i = 0; i < len; i++) u8[idAt + i] = ids[st + i];
      put(hash('sha256', views[len], 'utf16le'), m32, 12);
    }
    m32[11] = bswap(p); // the index's high word, m32[10], stays 0: a build has fewer than 2^32 leaves
    for (let w = 0; w < bq; w++) m64[14 + w] = rec64[o8 + 4 + w];
    put(hash('sha256', m8, 'utf16le'), rec32, 2 * o8);
  };
}

// Over a range of leaves [from, to), in leaf order (leaf p's record is record p - j.recordBase of
// j.records, its salt salt p - j.saltBase of j.salts; a base 0 or absent: the whole level, all the
// salts): every leaf's balances (copied from the shared
// table when j.gather) and its leaf hash; an account's uid hash is computed from its id. With j.draw
// the salts of each sub-batch, and its padding leaves' uid hashes, are drawn here from the CSPRNG
// (OpenSSL's, thread-safe); otherwise a padding leaf's uid hash is the next one of j.padUids
// (j.padFrom padding leaves come before 'from') and the salts are already in place. The table reads
// are random (the shuffle), so they are done for a sub-batch of j.stage leaves in tight loops before
// its hashing: the processor then overlaps their cache misses instead of taking them one at a time
// between two hash calls. The writes, the salts and the hashing move forward through memory.
function leaves(j) {
  const rec32 = new Uint32Array(j.records), rec64 = new BigUint64Array(j.records), salt64 = new BigUint64Array(j.salts), salt8 = new Uint8Array(j.salts);
  const leafAccount = new Uint32Array(j.leafAccount), ids = new Uint8Array(j.ids), starts = new Uint32Array(j.idOffsets), draw = j.draw;
  const pad64 = draw ? new BigUint64Array(4 * j.stage) : new BigUint64Array(j.padUids), pad8 = new Uint8Array(pad64.buffer);
  const chunks = j.chunks.map((c) => new BigUint64Array(c)), chunks32 = j.chunks.map((c) => new Uint32Array(c));
  // sq: an account's stride in the chunks, in 8-byte words (its balances are the first bq).
  const r = j.recordBytes, bq = (r - 32) >> 3, sq = (j.stride || (r - 32)) >> 3, shift = j.chunkShift, mask = (1 << shift) - 1, n = j.count, gather = j.gather, rb = j.recordBase || 0, sb = j.saltBase || 0;
  const leaf = leafHasher(j);
  const stage = j.stage, st = new Int32Array(stage), ln = new Int32Array(stage);
  let q4 = draw ? 0 : j.padFrom * 4, touch = 0;
  for (let base = j.from; base < j.to; base += stage) {
    const end = Math.min(j.to, base + stage);
    // First only touch each account's offset and both ends of its balances (a record may straddle
    // two cache lines: a chunk's memory is only 16-byte aligned). This loop is short enough for the
    // processor to keep many of these independent cache misses in flight, about 2.5x faster than
    // taking them in the copy loop below, which then hits the cache.
    for (let p = base; p < end; p++) {
      const a = leafAccount[p];
      if (a >= n) continue;
      if (gather) {
        const src = chunks32[a >>> shift], so = 2 * (a & mask) * sq;
        touch ^= starts[a] ^ src[so] ^ src[so + 2 * bq - 1];
      } else {
        touch ^= starts[a];
      }
    }
    for (let p = base; p < end; p++) {
      const a = leafAccount[p], k = p - base;
      if (a >= n) {
        ln[k] = -1;
        // A padding leaf has zero balances (the records may be a reused scratch buffer).
        if (gather) rec64.fill(0n, (((p - rb) * r) >> 3) + 4, (((p - rb) * r) >> 3) + 4 + bq);
        continue;
      }
      const s = starts[a];
      st[k] = s;
      ln[k] = starts[a + 1] - s;
      if (gather) {
        const src = chunks[a >>> shift], so = (a & mask) * sq, d = (((p - rb) * r) >> 3) + 4;
        for (let w = 0; w < bq; w++) rec64[d + w] = src[so + w];
      }
    }
    let pads = 0;
    for (let k = 0; k < end - base; k++) {
      if (ln[k] > 0) touch ^= ids[st[k]] ^ ids[st[k] + ln[k] - 1];
      else if (ln[k] < 0) pads++;
    }
    if (draw) {
      randomFillSync(salt8, (base - sb) * 32, (end - base) * 32);
      if (pads > 0) randomFillSync(pad8, 0, 32 * pads);
      q4 = 0;
    }
    for (let p = base; p < end; p++) {
      const k = p - base, len = ln[k];
      leaf(p, rec32, rec64, ((p - rb) * r) >> 3, salt64, (p - sb) * 4, ids, st[k], len, pad64, q4);
      if (len < 0) q4 += 4;
    }
  }
  // The touched bytes are used, so the reads stay (any value is fine).
  return touch === 256 ? -1 : -1;
}

// Streaming build, over leaves [from, to) of one block laid out in leaf order: leaf p's record
// (at p - base) holds its balances, and its hash slot the padding uid when idLen[p - base] is
// 0xffffffff; otherwise the id is idLen bytes at idStart in the block's id arena.
function block(j) {
  const rec32 = new Uint32Array(j.records), rec64 = new BigUint64Array(j.records), salt64 = new BigUint64Array(j.salts);
  const ids = new Uint8Array(j.ids), idStart = new Uint32Array(j.idStart), idLen = new Uint32Array(j.idLen);
  const r = j.recordBytes, base = j.base;
  const leaf = leafHasher(j);
  for (let p = j.from; p < j.to; p++) {
    const q = p - base, o8 = (q * r) >> 3, len = idLen[q];
    leaf(p, rec32, rec64, o8, salt64, q * 4, ids, idStart[q], len === 0xffffffff ? -1 : len, rec64, o8);
  }
  return -1;
}

// A level from the level below: node = SHA-256(0x01 || left record || right record), its sums the
// children's sums (an absent right child is an empty subtree: zero hash, zero sums). The message
// sits 7 bytes into its buffer, so both child records start on 64-bit word 1. Returns the index of
// an asset whose sum reached 2^128, or -1. Records of both levels start at node index 'base'.
function level(j) {
  const prev64 = new BigUint64Array(j.prev), out32 = new Uint32Array(j.next), out64 = new BigUint64Array(j.next), outView = new DataView(j.next);
  const r = j.recordBytes, rq = r >> 3, k = j.assets, base = j.base || 0;
  const ab = new ArrayBuffer(8 + 2 * r);
  const m8 = new Uint8Array(ab, 7, 1 + 2 * r), m64 = new BigUint64Array(ab), view = new DataView(ab);
  m8[0] = 1;
  for (let i = j.from; i < j.to; i++) {
    const q = i - base, l8 = 2 * q * rq, o8 = q * rq;
    if (2 * i + 1 < j.prevCount) {
      for (let w = 0; w < 2 * rq; w++) m64[1 + w] = prev64[l8 + w];
      // Big-endian 32-bit limbs through DataView (compiled to a load and a byte swap): the
      // left child's sum of asset a starts at byte 40 + 16a of the buffer, the right one r later.
      for (let a = 0; a < k; a++) {
        const lb = 40 + 16 * a, rb = lb + r, ob = 8 * o8 + 32 + 16 * a;
        let carry = 0;
        for (let b = 12; b >= 0; b -= 4) {
          const s = view.getUint32(lb + b) + view.getUint32(rb + b) + carry;
          carry = s > 4294967295 ? 1 : 0;
          outView.setUint32(ob + b, s >>> 0);
        }
        if (carry) return a;
      }
    } else {
      for (let w = 0; w < rq; w++) m64[1 + w] = prev64[l8 + w];
      for (let w = 0; w < rq; w++) m64[1 + rq + w] = 0n;
      for (let w = 4; w < rq; w++) out64[o8 + w] = prev64[l8 + w];
    }
    put(hash('sha256', m8, 'utf16le'), out32, 2 * o8);
  }
  return -1;
}

// The same three jobs, each one call into the native module.
function leavesNative(j) {
  const leafAccount = new Uint32Array(j.leafAccount), salts = new Uint8Array(j.salts);
  let pads = new Uint8Array(j.padUids), padStart = j.padFrom;
  if (j.draw) {
    let count = 0;
    // Fields read once (a job object's shape varies: reading them in the loop is a megamorphic load each time).
    const n = j.count, to = j.to;
    for (let p = j.from; p < to; p++) if (leafAccount[p] >= n) count++;
    randomFillSync(salts, (j.from - (j.saltBase || 0)) * 32, (j.to - j.from) * 32);
    pads = new Uint8Array(32 * count);
    if (count > 0) randomFillSync(pads);
    padStart = 0;
  }
  // A subtree job makes the views of the table's chunks once for all its blocks (j.chunkViews).
  const chunks = j.chunkViews || (j.gather ? j.chunks.map((c) => new Uint8Array(c)) : []);
  native.leaves(new Uint8Array(j.records), salts, leafAccount, j.count, chunks, j.chunkShift, j.stride || 0, new Uint8Array(j.ids), new Uint32Array(j.idOffsets), pads, padStart, j.snapshotId, j.uidTag, (j.recordBytes - 32) / 16, j.from, j.to, j.recordBase || 0, j.saltBase || 0);
  return -1;
}

function blockNative(j) {
  native.block(new Uint8Array(j.records), new Uint8Array(j.salts), new Uint8Array(j.ids), new Uint32Array(j.idStart), new Uint32Array(j.idLen), j.snapshotId, j.uidTag, (j.recordBytes - 32) / 16, j.base, j.from, j.to);
  return -1;
}

function levelNative(j) {
  return native.level(new Uint8Array(j.prev), j.prevCount, new Uint8Array(j.next), j.assets, j.base || 0, j.from, j.to);
}

// This worker's scratch buffers for the 'subtree' jobs (leaf records and levels; salts): allocated
// once (grown if a job needs more) and reused by every block, so their pages are touched fresh only
// once per worker.
let scratch = new ArrayBuffer(0), saltScratch = new ArrayBuffer(0);

// A 'subtree' job (the in-memory build without kept levels): leaves [from, to), whole blocks of
// 2^j.depth leaves. Each block's leaf records go into the scratch buffer (hashLeaves, with the
// same draws as a 'leaves' job over the block), then its levels 1 to depth are hashed in place
// there: node i of a level overwrites record i of the level below, whose two children it has read
// (and i <= 2i, so no record is overwritten before it is read). Only the block's root record goes
// to shared memory (j.top, level depth). With a file descriptor (j.fd), every level of the block
// below depth is first written at its place in the nodes file (level l from byte j.levelAt[l]).
// With j.saltsFd (set only when the salts are this worker's to draw), the block's salts are drawn
// into a scratch buffer of this worker, not into j.salts (no memory holds all the salts), and
// written at their place in the salts file (32 bytes a leaf).
// Returns (l - 1) * assets + a for the lowest level l where asset a's sum reached 2^128, or -1.
function subtree(j, hashLeaves, hashLevel) {
  const d = j.depth, size = 2 ** d, r = j.recordBytes, k = j.assets, ownSalts = j.saltsFd !== null;
  if (scratch.byteLength < size * r) scratch = new ArrayBuffer(size * r);
  if (ownSalts && saltScratch.byteLength < size * 32) saltScratch = new ArrayBuffer(size * 32);
  const u8 = new Uint8Array(scratch), top = new Uint8Array(j.top), leafAccount = new Uint32Array(j.leafAccount);
  let padFrom = j.padFrom;
  const chunkViews = native && j.gather ? j.chunks.map((c) => new Uint8Array(c)) : undefined;
  for (let first = j.from; first < j.to; first += size) {
    hashLeaves({ ...j, records: scratch, recordBase: first, from: first, to: first + size, padFrom, chunkViews, ...(ownSalts ? { salts: saltScratch, saltBase: first } : {}) });
    if (!j.draw) for (let p = first, n = j.count; p < first + size; p++) if (leafAccount[p] >= n) padFrom++;
    if (ownSalts) writeAt(j.saltsFd, new Uint8Array(saltScratch), size * 32, first * 32);
    if (j.fd !== null) writeAt(j.fd, u8, size * r, j.levelAt[0] + first * r);
    for (let l = 1; l <= d; l++) {
      const base = first / 2 ** l, count = size >> l;
      const overflow = hashLevel({ prev: scratch, next: scratch, prevCount: j.sizes[l - 1], recordBytes: r, assets: k, base, from: base, to: base + count });
      if (overflow >= 0) return (l - 1) * k + overflow;
      if (l < d && j.fd !== null) writeAt(j.fd, u8, count * r, j.levelAt[l] + base * r);
    }
    top.set(u8.subarray(0, r), (first / size) * r);
  }
  return -1;
}

// A positioned write of the first n bytes of u8, to the end (writeSync may write less at once).
function writeAt(fd, u8, n, position) {
  for (let o = 0; o < n; ) o += writeSync(fd, u8, o, n - o, position + o);
}

// An 'identity' job: items[p] = p for p in [from, to) of the Uint32Array over j.items (the leaf
// order before the shuffle, written by the workers so that the first touch of its pages is shared).
function identity(j) {
  const items = new Uint32Array(j.items), to = j.to;
  for (let p = j.from; p < to; p++) items[p] = p;
  return -1;
}

parentPort.on('message', (job) => {
  try {
    const f = job.kind === 'identity'
      ? identity
      : job.kind === 'subtree'
      ? (j) => (native ? subtree(j, leavesNative, levelNative) : subtree(j, leaves, level))
      : native
      ? (job.kind === 'leaves' ? leavesNative : job.kind === 'block' ? blockNative : levelNative)
      : (job.kind === 'leaves' ? leaves : job.kind === 'block' ? block : level);
    parentPort.postMessage({ id: job.id, overflow: f(job) });
  } catch (e) {
    // A file system error (a store file write) keeps its errno code and system call for the caller.
    parentPort.postMessage({ id: job.id, error: String(e && e.stack || e), code: e && typeof e.code === 'string' ? e.code : undefined, syscall: e && typeof e.syscall === 'string' ? e.syscall : undefined });
  }
});
`;
