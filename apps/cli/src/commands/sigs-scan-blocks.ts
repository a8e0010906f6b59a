/**
 * The threaded first pass of `keygrade sigs scan` over one large file. The file is cut at line
 * breaks into blocks (many more than threads); the main thread and the worker threads take
 * blocks from a shared counter until none is left, so a thread that starts late (a worker loading
 * its modules) or runs slower on a busy machine simply takes fewer. Each thread indexes into its
 * own NonceScanner, naming block k's lines `k:<line within the block>`; the main thread then
 * joins the parts with the real line numbers (the lines of the blocks before). Progress is a
 * shared counter of KiB read.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { NonceScanner, WalletError, type ScanPart } from '@keygrade/wallet';
import { readLines } from './sigs-scan-lines.js';

export interface BlocksJob {
  path: string;
  /** Block k is the bytes [cuts[k], cuts[k + 1]). */
  cuts: number[];
  /** Int32 [next block to take, KiB read]. */
  shared: SharedArrayBuffer;
  /** The hash seed of the main scanner's index (parts are joined bucket by bucket). */
  seed: number;
}

/** A block a thread has read: its line count, or where the first malformed line is (the rest unread). */
export interface BlockDone {
  block: number;
  lines: number;
  failed?: { line: number; offset: number };
}

export interface BlocksResult {
  part: ScanPart;
  blocks: BlockDone[];
}

class Stop {
  constructor(
    readonly line: number,
    readonly offset: number,
  ) {}
}

/** Takes and indexes blocks until none is left (in any thread). */
export function scanBlocks(job: BlocksJob): BlocksResult {
  const counters = new Int32Array(job.shared);
  const scanner = new NonceScanner(job.seed);
  const blocks: BlockDone[] = [];
  const fd = openSync(job.path, 'r');
  try {
    for (;;) {
      const k = Atomics.add(counters, 0, 1);
      if (k >= job.cuts.length - 1) break;
      const name = String(k);
      let kib = 0;
      const progress = (bytes: number) => {
        const now = Math.floor(bytes / 1024);
        Atomics.add(counters, 1, now - kib);
        kib = now;
      };
      try {
        const lines = readLines(
          fd,
          job.cuts[k]!,
          job.cuts[k + 1]!,
          (b, start, end, n, offset) => {
            try {
              scanner.addBytes(b, start, end, name, n, offset);
            } catch (e) {
              if (e instanceof WalletError) throw new Stop(n, offset);
              throw e;
            }
          },
          { progress },
        );
        blocks.push({ block: k, lines });
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        blocks.push({ block: k, lines: 0, failed: { line: e.line, offset: e.offset } });
      }
    }
  } finally {
    closeSync(fd);
  }
  return { part: scanner.toPart(), blocks };
}

/** The buffers of a result, for a postMessage transfer list. */
export function transferList(r: BlocksResult): ArrayBuffer[] {
  const i = r.part.index;
  return [...i.rs.flat(), ...i.locs.flat(), i.fill, r.part.lineFile, r.part.lineNo, r.part.lineOffset].map((a) => a.buffer as ArrayBuffer);
}

/** Byte offsets just after an LF that cut [0, size) into up to `blocks` blocks of about equal size (fewer when lines are long). */
export function cutPoints(fd: number, size: number, blocks: number): number[] {
  const cuts = [0];
  const buf = Buffer.allocUnsafe(1 << 16);
  for (let k = 1; k < blocks; k++) {
    let pos = Math.max(Math.floor((size * k) / blocks), cuts[cuts.length - 1]!);
    let cut = -1;
    while (cut < 0 && pos < size) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      const i = buf.subarray(0, n).indexOf(10);
      if (i >= 0) cut = pos + i + 1;
      pos += n;
    }
    if (cut < 0 || cut >= size) break;
    if (cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  cuts.push(size);
  return cuts;
}
