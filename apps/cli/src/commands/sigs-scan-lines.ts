/**
 * Reads the lines of a byte range of an open file into one reused buffer (no allocation per
 * chunk or line), splitting them as readline does with crlfDelay Infinity — LF, CRLF or a lone CR
 * end a line — like `LineSplitter`. The first pass of the CLI's nonce-reuse scan reads files
 * through it, in one thread or in several, each over its own range.
 */
import { readSync } from 'node:fs';
import type { LineFn } from '@keygrade/wallet';

export interface ReadLinesOptions {
  /** Initial buffer size (it doubles for a longer line); 256 KiB by default, so a read is still in cache when it is scanned. */
  chunk?: number;
  /** Called after each read with the bytes read so far. */
  progress?: (bytes: number) => void;
}

/**
 * Hands every line of fd's bytes [from, to) to `fn` (bytes, start, end, line number counted from
 * 1 at `from`, the line's byte offset in the file) and returns the number of lines. `from` must be
 * the start of a line; a range that does not end the file should end just after an LF.
 */
export function readLines(fd: number, from: number, to: number, fn: LineFn, opts: ReadLinesOptions = {}): number {
  let buf = Buffer.allocUnsafe(opts.chunk ?? 1 << 18);
  let have = 0; // bytes of buf in use
  let base = from; // file offset of buf[0]
  let pos = from; // file offset of buf[have]
  let lineNo = 0;
  for (;;) {
    if (have === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    const n = pos < to ? readSync(fd, buf, have, Math.min(buf.length - have, to - pos), pos) : 0;
    const eof = n === 0;
    have += n;
    pos += n;
    opts.progress?.(pos - from);
    const view = have === buf.length ? buf : buf.subarray(0, have);
    let start = 0;
    if (view.indexOf(13) < 0) {
      for (let i = view.indexOf(10); i >= 0; i = view.indexOf(10, start)) {
        fn(view, start, i, ++lineNo, base + start);
        start = i + 1;
      }
    } else {
      for (let i = 0; i < have; i++) {
        const c = view[i]!;
        if (c === 10) {
          fn(view, start, i, ++lineNo, base + start);
          start = i + 1;
        } else if (c === 13) {
          if (i + 1 === have && !eof) break; // LF may follow in the next read
          fn(view, start, i, ++lineNo, base + start);
          if (view[i + 1] === 10 && i + 1 < have) i++;
          start = i + 1;
        }
      }
    }
    if (eof) {
      if (start < have) fn(view, start, have, ++lineNo, base + start);
      return lineNo;
    }
    buf.copyWithin(0, start, have);
    have -= start;
    base += start;
  }
}
