/**
 * Verifying a log from its HTTP endpoints alone (what anyone holding the log's verifier key can
 * do): fetch every entry bundle, re-hash every entry, compare with the served hash tiles, rebuild
 * the tree and compare with the signed checkpoint and every served tile.
 */
import { TileBuilder, leafHash, openCheckpoint, openCosignedCheckpoint, parseVerifierKey, parseWitnessVerifierKey, tilesForSize, type Tile } from '@keygrade/tlog';
import type { VerifyReport } from '@keygrade/db';
import type { HttpLog } from './external/http-log.js';

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

export async function verifyRemoteLog(remote: HttpLog, name: string, vkey: string, opts: { witnessKeys?: string[]; onProgress?: (done: number, total: number) => void } = {}): Promise<VerifyReport> {
  const problems: VerifyReport['problems'] = [];
  const report: VerifyReport = { log: name, ok: false, size: 0, entries: 0, tiles: 0, checkpoints: 0, cosignatures: [], pending: 0, problems };
  const text = await remote.checkpoint();
  const opened = openCheckpoint(text, [parseVerifierKey(vkey)]);
  const { size, root } = opened.checkpoint;
  report.size = size;
  report.checkpoints = 1;
  for (const wk of opts.witnessKeys ?? []) {
    const v = parseWitnessVerifierKey(wk);
    try {
      openCosignedCheckpoint(text, { log: parseVerifierKey(vkey), witnesses: [v], quorum: 1 });
      report.cosignatures.push({ witness: v.name, size, ok: true });
    } catch (e) {
      report.cosignatures.push({ witness: v.name, size, ok: false });
      problems.push({ message: `witness ${v.name} has no valid cosignature on this checkpoint: ${(e as Error).message}` });
    }
  }
  const builder = new TileBuilder();
  const rebuilt = new Map<string, Uint8Array>();
  for (let b = 0; b * 256 < size; b++) {
    const width = Math.min(256, size - b * 256);
    const entries = await remote.entries(b, width);
    const tile = await remote.tile({ level: 0, index: b, width });
    const leaves = entries.map((e) => leafHash(e));
    const bad = leaves.findIndex((h, i) => !equal(h, tile.subarray(i * 32, i * 32 + 32)));
    if (bad >= 0) {
      problems.push({ index: b * 256 + bad, message: `entry ${b * 256 + bad} does not match the served leaf hash` });
      break;
    }
    builder.append(leaves);
    for (const c of builder.takeChangedTiles()) rebuilt.set(`${c.tile.level}/${c.tile.index}`, c.data);
    report.entries += width;
    opts.onProgress?.(report.entries, size);
  }
  if (problems.length === 0) {
    if (!equal(builder.root(), root)) problems.push({ message: `the entries give root ${Buffer.from(builder.root()).toString('hex').slice(0, 16)}…, not the signed root ${Buffer.from(root).toString('hex').slice(0, 16)}…` });
    for (const t of tilesForSize(size).filter((x: Tile) => x.level > 0)) {
      const served = await remote.tile(t);
      report.tiles++;
      const mine = rebuilt.get(`${t.level}/${t.index}`);
      if (!mine || !equal(served, mine.subarray(0, t.width * 32))) problems.push({ message: `served tile ${t.level}/${t.index} differs from the tile recomputed from the entries` });
    }
  }
  const indexed = problems.filter((p) => p.index !== undefined).map((p) => p.index!);
  if (indexed.length > 0) report.firstBadIndex = Math.min(...indexed);
  report.ok = problems.length === 0;
  return report;
}
