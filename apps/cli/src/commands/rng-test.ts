/**
 * `keygrade rng test`: the NIST SP 800-22 rev1a battery (sts-2.1.2 defaults) over one or many
 * bit streams read from a file, with sts-2.1.2's final analysis for many streams. Streams are read
 * and tested one at a time (memory stays bounded), on worker threads when there are several.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  analyzeStreams,
  emptyBits,
  hexValue,
  labelsFor,
  selectTests,
  TEST_IDS,
  TEST_INFO,
  type Analysis,
  type BatteryParameters,
  type BatteryResult,
  type BitSequence,
  type TestAnalysis,
  type TestId,
} from '@keygrade/randomness';
import { autoWorkers, runBatteryParallel } from '@keygrade/randomness/sp800-22/workers';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'rng test',
  summary: 'Run the NIST SP 800-22 statistical tests (sts-2.1.2 defaults) on random bits from a file.',
  args: ['<file>'],
  options: {
    format: { type: 'string', value: '<format>', description: 'how the file holds the bits: raw bytes (most significant bit first), 0/1 characters, or hex digits', choices: ['binary', 'ascii', 'hex'], default: 'binary' },
    streams: { type: 'string', short: 'n', value: '<N>', description: 'number of streams to test (default: 1, or as many whole streams of --length as the file holds)' },
    length: { type: 'string', short: 'l', value: '<bits>', description: 'bits per stream (default: the whole file divided by --streams); sts-2.1.2 uses 1000000' },
    tests: { type: 'string', short: 't', value: '<list>', description: `tests to run, by name or sts-2.1.2 number 1–15, comma-separated (default: all): ${TEST_IDS.join(', ')}` },
    params: { type: 'string', value: '<list>', description: 'test parameters, e.g. block-frequency.M=256,serial.m=14 (listed above)' },
    alpha: { type: 'string', value: '<α>', description: 'significance level', default: '0.01' },
    relaxed: { type: 'boolean', description: "don't enforce SP 800-22's input-size recommendations (keep only the hard limits)" },
    workers: { type: 'string', short: 'w', value: '<N|auto>', description: 'worker threads for several streams', default: 'auto' },
    progress: { type: 'boolean', description: 'draw the progress bar even when stderr is not a terminal' },
    json: { type: 'boolean', description: 'print every P-value of every stream, and the analysis, as JSON' },
    ...ATTACH_OPTIONS,
  },
  description: [
    'Input: --format binary reads bytes, each most significant bit first (as sts-2.1.2); ascii reads the',
    'characters 0 and 1 and skips whitespace; hex reads hexadecimal digits. Stream i is bits i·n … i·n+n−1.',
    '',
    'One stream: a table of P-values, pass when P ≥ α. Several streams: sts-2.1.2\'s final analysis — per',
    'P-value, the passing proportion against p̂ ± 3√(p̂(1−p̂)/m) and the uniformity P-value of the P-values',
    '(10 bins; needs ≥ 10 streams, SP 800-22 asks for ≥ 55). A test with many P-values (148 templates, 18',
    'states) may fail a few by chance: it fails when more fail than ⌊s·q + 3√(s·q(1−q))⌋.',
    '',
    'Parameters (--params): block-frequency.M, longest-run.M (8, 128 or 10000), non-overlapping-template.m,',
    'non-overlapping-template.N, overlapping-template.m, overlapping-template.M, universal.L, universal.Q,',
    'approximate-entropy.m, serial.m, linear-complexity.M, random-excursions.minCycles,',
    'random-excursions-variant.minCycles.',
  ].join('\n'),
  examples: [
    'keygrade rng test random.bin',
    'keygrade rng test random.bin --streams 100 --length 1000000',
    'keygrade rng test data.pi --format ascii --length 1000000 --json > pi.json',
    'keygrade rng test random.bin -n 10 -l 100000 --tests frequency,runs,serial --params serial.m=12',
  ],
};

type Format = 'binary' | 'ascii' | 'hex';

function positiveInt(name: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw usage(`--${name} must be a positive whole number (got "${String(value)}")`);
  return n;
}

/** Test names or sts-2.1.2 numbers 1–15. */
function parseTests(value: string | undefined): TestId[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  return selectTests(names.map((t) => (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 15 ? TEST_IDS[Number(t) - 1]! : t)));
}

const PARAMS: Record<string, (p: BatteryParameters, v: number) => void> = {
  'block-frequency.M': (p, v) => (p['block-frequency'] = { ...p['block-frequency'], blockLength: v }),
  'longest-run.M': (p, v) => (p['longest-run'] = { ...p['longest-run'], blockLength: v as 8 | 128 | 10000 }),
  'non-overlapping-template.m': (p, v) => (p['non-overlapping-template'] = { ...p['non-overlapping-template'], templateLength: v }),
  'non-overlapping-template.N': (p, v) => (p['non-overlapping-template'] = { ...p['non-overlapping-template'], blocks: v }),
  'overlapping-template.m': (p, v) => (p['overlapping-template'] = { ...p['overlapping-template'], templateLength: v }),
  'overlapping-template.M': (p, v) => (p['overlapping-template'] = { ...p['overlapping-template'], blockLength: v }),
  'universal.L': (p, v) => (p.universal = { ...p.universal, blockLength: v }),
  'universal.Q': (p, v) => (p.universal = { ...p.universal, initBlocks: v }),
  'approximate-entropy.m': (p, v) => (p['approximate-entropy'] = { blockLength: v }),
  'serial.m': (p, v) => (p.serial = { blockLength: v }),
  'linear-complexity.M': (p, v) => (p['linear-complexity'] = { blockLength: v }),
  'random-excursions.minCycles': (p, v) => (p['random-excursions'] = { minCycles: v }),
  'random-excursions-variant.minCycles': (p, v) => (p['random-excursions-variant'] = { minCycles: v }),
};

function parseParams(value: string | undefined): BatteryParameters {
  const params: BatteryParameters = {};
  if (value === undefined) return params;
  for (const item of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-z-]+\.[A-Za-z]+)=(\d+)$/.exec(item);
    if (!m) throw usage(`--params: "${item}" is not name=number (e.g. serial.m=14)`);
    const set = PARAMS[m[1]!];
    if (!set) throw usage(`--params: unknown parameter "${m[1]}"; the parameters are: ${Object.keys(PARAMS).join(', ')}`);
    set(params, Number(m[2]));
  }
  return params;
}

/** A file read in chunks of 1 MiB. */
class ChunkReader {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(1 << 20);
  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }
  size(): number {
    return fstatSync(this.fd).size;
  }
  /** The bytes from `offset` (at most 1 MiB; valid until the next call), or undefined at the end. */
  read(offset: number): Buffer | undefined {
    const got = readSync(this.fd, this.buf, 0, this.buf.length, offset);
    return got === 0 ? undefined : this.buf.subarray(0, got);
  }
  close(): void {
    closeSync(this.fd);
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;
}

/**
 * Counts the bits a text file holds (ascii: 0/1, hex: 4 per digit), or throws an input error
 * naming the line, column and byte of the first character that is neither a bit nor whitespace.
 */
function countTextBits(reader: ChunkReader, file: string, format: 'ascii' | 'hex'): number {
  let bits = 0;
  let line = 1;
  let lineStart = 0;
  for (let offset = 0, chunk = reader.read(0); chunk !== undefined; offset += chunk.length, chunk = reader.read(offset)) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (format === 'ascii' ? c === 0x30 || c === 0x31 : hexValue(c) >= 0) bits += format === 'ascii' ? 1 : 4;
      else if (c === 0x0a) {
        line++;
        lineStart = offset + i + 1;
      } else if (!isSpace(c)) {
        const shown = c >= 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
        throw new ExitError(EXIT.usage, `${file}:${line}:${offset + i - lineStart + 1}: ${shown} (byte offset ${offset + i}) is not ${format === 'ascii' ? 'a bit (0 or 1) or whitespace' : 'a hexadecimal digit or whitespace'}`);
      }
    }
  }
  return bits;
}

/** Yields `count` streams of `length` bits read in order from the file; one chunk in memory at a time. */
function* readStreams(reader: ChunkReader, format: Format, count: number, length: number): Generator<BitSequence> {
  let cur = emptyBits(length);
  let pos = 0;
  const ready: BitSequence[] = [];
  let emitted = 0;
  const finish = (): void => {
    ready.push(cur);
    emitted++;
    cur = emptyBits(length);
    pos = 0;
  };
  const push = (bit: number): void => {
    if (bit) cur.words[pos >>> 5] = cur.words[pos >>> 5]! | (0x80000000 >>> (pos & 31));
    if (++pos === length) finish();
  };
  for (let offset = 0, chunk = reader.read(0); chunk !== undefined && emitted < count; offset += chunk.length, chunk = reader.read(offset)) {
    for (let i = 0; i < chunk.length && emitted < count; i++) {
      const c = chunk[i]!;
      if (format === 'binary') {
        if ((pos & 7) === 0 && pos + 8 <= length) {
          // a whole byte at a byte boundary of the stream
          cur.words[pos >>> 5] = cur.words[pos >>> 5]! | (c << (24 - (pos & 31)));
          pos += 8;
          if (pos === length) finish();
        } else for (let k = 7; k >= 0 && emitted < count; k--) push((c >>> k) & 1);
      } else if (format === 'ascii') {
        if (c === 0x30 || c === 0x31) push(c - 0x30);
      } else {
        const v = hexValue(c);
        if (v >= 0) for (let k = 3; k >= 0 && emitted < count; k--) push((v >>> k) & 1);
      }
    }
    while (ready.length > 0) yield ready.shift()!;
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const p6 = (p: number): string => p.toFixed(6);

/** A progress bar over streams on stderr (when it is a terminal, or when asked). */
function progressBar(io: Io, total: number, force: boolean): { update(done: number): void; done(): void } {
  const show = total > 1 && (force || Boolean((io.stderr as { isTTY?: boolean }).isTTY));
  const start = performance.now();
  let drawn = false;
  return {
    update(done) {
      if (!show) return;
      const width = 30;
      const full = Math.round((done / total) * width);
      const secs = ((performance.now() - start) / 1000).toFixed(1);
      io.stderr.write(`\rrng test: [${'█'.repeat(full)}${'░'.repeat(width - full)}] ${done}/${total} streams, ${secs} s`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr.write('\n');
    },
  };
}

interface RunInfo {
  file: string;
  format: Format;
  streams: number;
  length: number;
  ignoredBits: number;
  alpha: number;
  strict: boolean;
  tests: TestId[];
  parameters: BatteryParameters;
}

/** Every P-value per stream (null where not applicable), with the analysis. */
function toJson(info: RunInfo, results: readonly BatteryResult[], analysis: Analysis): unknown {
  return {
    file: info.file,
    format: info.format,
    streams: info.streams,
    length: info.length,
    alpha: info.alpha,
    strict: info.strict,
    parameters: info.parameters,
    reference: 'NIST SP 800-22 rev1a, sts-2.1.2 defaults and numerics',
    pass: analysis.pass,
    notes: analysis.notes,
    tests: analysis.tests.map((t, j) => ({
      test: t.test,
      title: TEST_INFO[t.test].title,
      section: TEST_INFO[t.test].section,
      labels: results[0]!.results[j]!.labels,
      pValues: results.map((r) => (r.results[j]!.applicable ? r.results[j]!.pValues : r.results[j]!.labels.map(() => null))),
      notApplicable: results.flatMap((r, i) => (r.results[j]!.applicable ? [] : [{ stream: i + 1, code: r.results[j]!.reasonCode, reason: r.results[j]!.reason }])),
      notes: [...new Set(results.flatMap((r) => r.results[j]!.notes))],
      statistics: info.streams === 1 ? results[0]!.results[j]!.statistics : undefined,
      failedRows: t.failedRows,
      allowedFailedRows: t.allowedFailedRows,
      applicable: t.applicable,
      pass: t.pass,
      rows: t.rows,
    })),
  };
}

const NUMBER: Record<TestId, number> = Object.fromEntries(TEST_IDS.map((t, i) => [t, i + 1])) as Record<TestId, number>;

function verdict(t: TestAnalysis): string {
  return !t.applicable ? 'n/a' : t.pass ? 'pass' : 'FAIL';
}

/** The report for one stream: P-values. */
function singleReport(io: Io, results: BatteryResult, analysis: Analysis): void {
  const w = 28;
  out(io, `   #  ${'test'.padEnd(w)}  P-value    result`);
  for (const [j, t] of analysis.tests.entries()) {
    const r = results.results[j]!;
    const head = `  ${String(NUMBER[t.test]).padStart(2)}  `;
    if (!r.applicable) {
      out(io, `${head}${t.test.padEnd(w)}  not applicable: ${r.reason}`);
      continue;
    }
    if (t.rows.length > 18) {
      const failed = t.rows.filter((row) => !row.pass);
      const low = r.pValues.reduce((a, p, i) => (p < r.pValues[a]! ? i : a), 0);
      out(io, `${head}${t.test.padEnd(w)}  ${t.rows.length} P-values, ${failed.length} below α (allowed ${t.allowedFailedRows}); lowest ${p6(r.pValues[low]!)} (${r.labels[low]})  ${verdict(t)}`);
      for (const row of failed) out(io, `      ${''.padEnd(w)}  ${row.label}: ${p6(r.pValues[r.labels.indexOf(row.label)]!)}`);
      continue;
    }
    r.labels.forEach((label, i) => {
      const name = r.labels.length === 1 ? t.test : `${i === 0 ? t.test : ' '.repeat(t.test.length)} ${label.padStart(3)}`;
      const below = r.pValues[i]! < analysis.alpha;
      out(io, `${i === 0 ? head : '      '}${name.padEnd(w)}  ${p6(r.pValues[i]!)}   ${i === r.labels.length - 1 ? verdict(t) : below ? 'below α' : ''}`.trimEnd());
    });
  }
}

/** The report for many streams: sts-2.1.2's final analysis. */
function multiReport(io: Io, analysis: Analysis): void {
  const w = 30;
  const bins = Array.from({ length: 10 }, (_, i) => `C${i + 1}`.padStart(4)).join('');
  out(io, `   #  ${'test'.padEnd(w)}${bins}  uniformity  proportion  result`);
  const line = (head: string, name: string, row: TestAnalysis['rows'][number], result: string): string => {
    const u = row.uniformity === null ? '    ----  ' : `${p6(row.uniformity)}${row.uniformityOk ? '  ' : ' *'}`;
    const prop = row.sampleSize === 0 ? '   ------' : `${String(row.passed).padStart(4)}/${String(row.sampleSize).padEnd(4)}${row.proportionOk ? ' ' : '*'}`;
    return `${head}${name.padEnd(w)}${row.histogram.map((c) => String(c).padStart(4)).join('')}  ${u}  ${prop}   ${result}`;
  };
  for (const t of analysis.tests) {
    const head = `  ${String(NUMBER[t.test]).padStart(2)}  `;
    if (!t.applicable) {
      out(io, `${head}${t.test.padEnd(w)}  not applicable to any stream`);
      continue;
    }
    if (t.rows.length > 18) {
      const failed = t.rows.filter((r) => !r.pass);
      const worstP = t.rows.reduce((a, r) => (r.passed / Math.max(1, r.sampleSize) < a.passed / Math.max(1, a.sampleSize) ? r : a));
      const worstU = t.rows.reduce((a, r) => ((r.uniformity ?? 1) < (a.uniformity ?? 1) ? r : a));
      out(io, `${head}${t.test.padEnd(w)}${t.rows.length} rows, ${failed.length} failed (allowed ${t.allowedFailedRows}); lowest proportion ${worstP.passed}/${worstP.sampleSize} (${worstP.label})${worstU.uniformity === null ? '' : `, lowest uniformity ${p6(worstU.uniformity)} (${worstU.label})`}   ${verdict(t)}`);
      for (const r of failed) out(io, line('      ', `  ${r.label}`, r, 'row failed'));
      continue;
    }
    t.rows.forEach((r, i) => {
      const name = t.rows.length === 1 ? t.test : `${i === 0 ? t.test : ' '.repeat(t.test.length)} ${r.label.padStart(3)}`;
      out(io, line(i === 0 ? head : '      ', name, r, i === t.rows.length - 1 ? verdict(t) : r.pass ? '' : 'row failed'));
    });
  }
}

/** A bar chart of all P-values in 10 bins. */
function histogram(io: Io, results: readonly BatteryResult[]): void {
  const counts = new Array<number>(10).fill(0);
  for (const r of results) for (const t of r.results) for (const p of t.pValues) counts[Math.min(9, Math.floor(p * 10))]! += 1;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return;
  const max = Math.max(...counts);
  out(io);
  out(io, `P-values of all tests (${fmt(total)}), 10 bins — roughly flat for random input:`);
  counts.forEach((c, i) => out(io, `  ${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}  ${'█'.repeat(Math.round((c / max) * 40)).padEnd(40)} ${fmt(c)}`));
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const format = values.format as Format;
  const alpha = Number(values.alpha);
  if (!(alpha > 0 && alpha < 1)) throw usage(`--alpha must be a number between 0 and 1 (got "${String(values.alpha)}")`);
  const tests = parseTests(values.tests as string | undefined) ?? [...TEST_IDS];
  const parameters = parseParams(values.params as string | undefined);
  // reject bad parameter values before reading anything (labelsFor checks template lengths)
  if (tests.includes('non-overlapping-template')) labelsFor('non-overlapping-template', parameters);
  const strict = values.relaxed !== true;
  let reader: ChunkReader;
  try {
    reader = new ChunkReader(resolve(io.cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usage(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
  }
  try {
    const total = format === 'binary' ? reader.size() * 8 : countTextBits(reader, file, format);
    if (total === 0) throw usage(`${file} holds no bits`);
    let streams = positiveInt('streams', values.streams);
    let length = positiveInt('length', values.length);
    if (length === undefined) {
      streams ??= 1;
      length = Math.floor(total / streams);
      if (length === 0) throw usage(`${file} holds ${fmt(total)} bits: not enough for ${fmt(streams)} streams`);
    } else streams ??= Math.max(1, Math.floor(total / length));
    if (streams * length > total) {
      const first = Math.floor(total / length) + 1;
      throw usage(`${file}: stream ${fmt(first)} of ${fmt(streams)} is short: it needs bits ${fmt((first - 1) * length)} … ${fmt(first * length - 1)}, but the file ends after ${fmt(total)} bits${format === 'binary' ? ` (${fmt(total / 8)} bytes)` : ''}`);
    }
    const info: RunInfo = { file, format, streams, length, ignoredBits: total - streams * length, alpha, strict, tests, parameters };
    const workers = values.workers === 'auto' ? autoWorkers(streams) : positiveInt('workers', values.workers)!;
    const bar = progressBar(io, streams, values.progress === true);
    let results: BatteryResult[];
    try {
      results = await runBatteryParallel(readStreams(reader, format, streams, length), { workers: Math.min(workers, streams), tests, strict, parameters, onResult: (i) => bar.update(i + 1) });
    } finally {
      bar.done();
    }
    const analysis = analyzeStreams(results.map((r) => r.results), { alpha });
    if (values.json) {
      out(io, JSON.stringify(toJson(info, results, analysis), null, 2));
      return attachResult(io, spec, { values, positionals }, toJson(info, results, analysis), analysis.pass ? EXIT.ok : EXIT.checkFailed);
    }
    out(io, `NIST SP 800-22 rev1a (sts-2.1.2 defaults) on ${file}: ${fmt(streams)} stream${streams === 1 ? '' : 's'} × ${fmt(length)} bits (${format}), α = ${alpha}${strict ? '' : ', relaxed input sizes'}`);
    if (info.ignoredBits > 0) out(io, `The last ${fmt(info.ignoredBits)} bits of the file are not used.`);
    out(io);
    if (streams === 1) singleReport(io, results[0]!, analysis);
    else multiReport(io, analysis);
    histogram(io, results);
    const notes = [...analysis.notes, ...new Set(results.flatMap((r) => r.results.flatMap((t) => t.notes.map((n) => `${t.test}: ${n}`))))];
    if (notes.length > 0) {
      out(io);
      for (const n of notes.slice(0, 10)) out(io, `Note: ${n}`);
      if (notes.length > 10) out(io, `Note: … and ${notes.length - 10} more (see --json).`);
    }
    out(io);
    const failed = analysis.tests.filter((t) => !t.pass);
    const na = analysis.tests.filter((t) => !t.applicable);
    if (failed.length === 0) out(io, `PASS: every applicable test passed at α = ${alpha}${na.length > 0 ? ` (not applicable: ${na.map((t) => t.test).join(', ')})` : ''}.`);
    else out(io, `FAIL: ${failed.length} of ${analysis.tests.length} tests failed at α = ${alpha}: ${failed.map((t) => t.test).join(', ')}.`);
    return attachResult(io, spec, { values, positionals }, toJson(info, results, analysis), failed.length === 0 ? EXIT.ok : EXIT.checkFailed);
  } finally {
    reader.close();
  }
}
