import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { RandomnessError, runCavpDrbg, type CavpFileReport, type CavpSectionReport } from '@keygrade/randomness';
import { nodeAes } from '@keygrade/randomness/node';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, ExitError, usage } from '../exit.js';
import { readInput } from '../files.js';
import { err, out, type Io } from '../io.js';
import { progress } from './rng-shared.js';

export const spec: CommandSpec = {
  name: 'rng cavp',
  summary: 'Run NIST CAVP DRBG response files (.rsp) against Keygrade\'s SP 800-90A DRBGs.',
  description: [
    'Each COUNT is run as CAVP specifies: Instantiate, a Reseed in pr_false files, Generate twice (reseeding from EntropyInputPR first under prediction resistance), and the second output is compared with ReturnedBits.',
    'Folders are searched for .rsp files. Sections Keygrade does not implement (3-key TDEA, Dual_EC_DRBG) are reported as skipped, not failed.',
    `Exit 0 when every supported vector passes, 1 when any fails, 2 when a file is malformed or missing.`,
  ].join('\n'),
  args: ['<dir-or-file>', '[dir-or-file...]'],
  options: { json: { type: 'boolean', description: 'print { files: [{ file, mechanism, sections, totals }], totals } as JSON' } },
  examples: ['keygrade rng cavp drbgvectors/', 'keygrade rng cavp pr_true/HMAC_DRBG.rsp pr_false/CTR_DRBG.rsp', 'keygrade rng cavp drbgvectors/ --json > cavp.json'],
};

/** The .rsp files named by the arguments (folders searched recursively), in order. */
function rspFiles(io: Io, paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() && /\.rsp$/i.test(e.name) ? [join(dir, e.name)] : []));
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw usage(`cannot read ${p}: no such file or folder`);
    }
    if (!isDir) files.push(p);
    else {
      const found = walk(abs).map((f) => join(p, relative(abs, f)));
      if (found.length === 0) throw usage(`${p}: no .rsp files in this folder`);
      files.push(...found);
    }
  }
  return files;
}

function options(s: CavpSectionReport): string {
  const p = s.params;
  return `PR=${s.predictionResistance ? 'yes' : 'no'}${s.reseed ? ' reseed' : ''} EI=${p.EntropyInputLen ?? '?'} N=${p.NonceLen ?? '?'} PS=${p.PersonalizationStringLen ?? '?'} AI=${p.AdditionalInputLen ?? '?'} RB=${p.ReturnedBitsLen ?? '?'}`;
}

function table(io: Io, file: string, r: CavpFileReport): void {
  out(io, `${file} (${r.mechanism})`);
  const rows = r.sections.map((s) => [String(s.line), s.function, options(s), String(s.vectors), String(s.passed), String(s.failed), s.skipReason ? `${s.skipped} (${s.skipReason})` : String(s.skipped)]);
  const head = ['line', 'section', 'options', 'vectors', 'passed', 'failed', 'skipped'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => `  ${row.map((c, i) => (i === 0 || (i >= 3 && i <= 5) ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ')}`.trimEnd();
  out(io, fmt(head));
  for (const row of rows) out(io, fmt(row));
  for (const s of r.sections) for (const f of s.failures) out(io, `  FAILED ${file}:${f.line} [${s.function}] COUNT = ${f.count}: ${f.reason}`);
  const t = r.totals;
  out(io, `  ${t.sections} sections, ${t.vectors} vectors: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  out(io);
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const files = rspFiles(io, positionals);
  const bar = progress(io, 'rng cavp');
  const reports: { file: string; report?: CavpFileReport; error?: string }[] = [];
  for (const file of files) {
    let report: CavpFileReport | undefined;
    try {
      report = runCavpDrbg(readInput(io, file), { fileName: file, platform: { aes: nodeAes }, onProgress: (d, n) => bar.update(file, d, n) });
    } catch (e) {
      bar.step(`${file}: malformed`);
      if (e instanceof RandomnessError || e instanceof ExitError) {
        const message = e instanceof RandomnessError ? e.describe() : e.message;
        err(io, `keygrade: ${message}`);
        reports.push({ file, error: message });
        continue;
      }
      throw e;
    }
    bar.step(`${file}: ${report.totals.vectors} vectors`);
    reports.push({ file, report });
  }
  const ok = reports.flatMap((r) => (r.report ? [r.report] : []));
  const totals = {
    files: reports.length,
    malformed: reports.filter((r) => r.error).length,
    ...Object.fromEntries((['vectors', 'passed', 'failed', 'skipped'] as const).map((k) => [k, ok.reduce((n, r) => n + r.totals[k], 0)])),
  } as { files: number; malformed: number; vectors: number; passed: number; failed: number; skipped: number };
  const code = totals.malformed > 0 ? EXIT.usage : totals.failed > 0 ? EXIT.checkFailed : EXIT.ok;
  if (values.json) {
    out(io, JSON.stringify({ files: reports.map((r) => (r.report ? { file: r.file, ...r.report } : r)), totals }, null, 2));
    return code;
  }
  for (const r of reports) if (r.report) table(io, r.file, r.report);
  out(io, `Total: ${totals.files} file${totals.files === 1 ? '' : 's'}, ${totals.vectors} vectors: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped (unsupported)${totals.malformed > 0 ? `; ${totals.malformed} malformed file${totals.malformed === 1 ? '' : 's'}` : ''}`);
  out(io, code === EXIT.ok ? 'Result: every supported vector passes.' : code === EXIT.checkFailed ? 'Result: FAILED — some vectors do not match.' : 'Result: some files could not be read (see above).');
  return code;
}
