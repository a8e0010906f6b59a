import { hash } from 'node:crypto';
import { AccountTable, UID_TAG, leafMessageLength, paddedLeafCount } from '@keygrade/reserves';
import { buildLiabilitiesTreeParallel } from '@keygrade/reserves/node';
const n = Number(process.argv[2] ?? 2_000_000);
const ASSETS = [{ symbol: 'BTC', decimals: 8 }, { symbol: 'ETH', decimals: 18 }, { symbol: 'USDT', decimals: 6 }, { symbol: 'SOL', decimals: 9 }];
const t = new AccountTable(ASSETS, { shared: true });
const bal = new Uint8Array(64); const dv = new DataView(bal.buffer);
let x = 7;
for (let i = 0; i < n; i++) { for (let a = 0; a < 4; a++) { x = (x * 1103515245 + 12345) >>> 0; dv.setUint32(16 * a + 12, x); } t.add(`user-${i.toString().padStart(9, '0')}`, bal); }
const leafCount = paddedLeafCount(n);
const uid = new Uint8Array(UID_TAG.length + 32 + 14), leaf = new Uint8Array(leafMessageLength(4));
for (let rep = 0; rep < 3; rep++) {
  const t0 = process.hrtime.bigint(); let tl = 0;
  await buildLiabilitiesTreeParallel(t, { workers: 1, keepLevels: false, onLevel: (l) => { if (l === 0) tl = Number(process.hrtime.bigint() - t0) / 1e9; } });
  const t1 = process.hrtime.bigint(); let h = 0;
  for (let i = 0; i < n; i++) h ^= hash('sha256', uid, 'latin1').charCodeAt(0);
  for (let i = 0; i < leafCount; i++) h ^= hash('sha256', leaf, 'latin1').charCodeAt(0);
  const raw = Number(process.hrtime.bigint() - t1) / 1e9;
  console.log(`leaves phase ${tl.toFixed(2)} s, raw ${raw.toFixed(2)} s, overhead ${((tl - raw) / leafCount * 1e9).toFixed(0)} ns/leaf`, h === 0.5 ? '' : '');
}
