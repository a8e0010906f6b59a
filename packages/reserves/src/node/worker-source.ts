/**
 * The code of a hashing worker, as a string run with `new Worker(source, { eval: true })`: a
 * worker needs no module resolution that way (the same whether Keygrade runs from TypeScript
 * sources or from dist). It computes what `AccountTable.gatherBalances`, `hashLeafRange` and
 * `hashLevelRange` compute, over shared memory; tests check both paths give identical trees.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const { hash } = require('node:crypto');

// Phase A, over a range of accounts (sequential reads of the table): the account's uid hash goes
// into the hash slot of its leaf and its balances next to it (scattered writes, which cost less
// than scattered reads).
function accounts(j) {
  const rec = new Uint8Array(j.records), rec32 = new Uint32Array(j.records), salts = new Uint8Array(j.salts);
  const leafOf = new Uint32Array(j.leafOf), ids = new Uint8Array(j.ids), starts = new Uint32Array(j.idOffsets);
  const chunks = j.chunks.map((c) => new Uint32Array(c));
  const r = j.recordBytes, words = (r - 32) >> 2, shift = j.chunkShift, mask = (1 << shift) - 1;
  const tag = j.uidTag, tl = tag.length;
  const uid = new Uint8Array(tl + 32 + j.maxIdBytes);
  uid.set(tag, 0);
  for (let a = j.from; a < j.to; a++) {
    const p = leafOf[a], o = p * r;
    for (let i = 0; i < 32; i++) uid[tl + i] = salts[p * 32 + i];
    const s = starts[a], e = starts[a + 1];
    for (let i = s; i < e; i++) uid[tl + 32 + i - s] = ids[i];
    rec.set(hash('sha256', uid.subarray(0, tl + 32 + e - s), 'buffer'), o);
    if (j.gather) {
      const src = chunks[a >>> shift], so = (a & mask) * words, d = (o + 32) >> 2;
      for (let w = 0; w < words; w++) rec32[d + w] = src[so + w];
    }
  }
  return -1;
}

// Phase B, over a range of leaves (all sequential): the hash slot holds the uid hash (real or
// padding); the leaf hash replaces it.
function leaves(j) {
  const rec = new Uint8Array(j.records), salts = new Uint8Array(j.salts);
  const r = j.recordBytes;
  const msg = new Uint8Array(105 + r - 32);
  const view = new DataView(msg.buffer);
  msg[0] = 0;
  msg.set(j.snapshotId, 1);
  for (let p = j.from; p < j.to; p++) {
    const o = p * r;
    view.setUint32(33, Math.floor(p / 4294967296));
    view.setUint32(37, p >>> 0);
    for (let i = 0; i < 32; i++) msg[73 + i] = salts[p * 32 + i];
    for (let i = 0; i < 32; i++) msg[41 + i] = rec[o + i];
    for (let i = 32; i < r; i++) msg[73 + i] = rec[o + i];
    rec.set(hash('sha256', msg, 'buffer'), o);
  }
  return -1;
}

function level(j) {
  const prev = new Uint8Array(j.prev), out = new Uint8Array(j.next);
  const pv = new DataView(j.prev), ov = new DataView(j.next);
  const r = j.recordBytes, k = j.assets;
  const msg = new Uint8Array(1 + 2 * r);
  msg[0] = 1;
  for (let i = j.from; i < j.to; i++) {
    const left = 2 * i * r;
    if (2 * i + 1 < j.prevCount) {
      msg.set(prev.subarray(left, left + 2 * r), 1);
      for (let a = 0; a < k; a++) {
        const lo = left + 32 + a * 16, oo = i * r + 32 + a * 16;
        let carry = 0;
        for (let b = 12; b >= 0; b -= 4) {
          const s = pv.getUint32(lo + b) + pv.getUint32(lo + r + b) + carry;
          carry = s > 4294967295 ? 1 : 0;
          ov.setUint32(oo + b, s >>> 0);
        }
        if (carry) return a;
      }
    } else {
      msg.set(prev.subarray(left, left + r), 1);
      msg.fill(0, 1 + r);
      out.set(prev.subarray(left + 32, left + r), i * r + 32);
    }
    out.set(hash('sha256', msg, 'buffer'), i * r);
  }
  return -1;
}

parentPort.on('message', (job) => {
  try {
    parentPort.postMessage({ id: job.id, overflow: job.kind === 'accounts' ? accounts(job) : job.kind === 'leaves' ? leaves(job) : level(job) });
  } catch (e) {
    parentPort.postMessage({ id: job.id, error: String(e && e.stack || e) });
  }
});
`;
