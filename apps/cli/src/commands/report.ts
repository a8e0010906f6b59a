import { randomUUID } from 'node:crypto';
import { dirname, extname, resolve } from 'node:path';
import type { Assessment } from '@keygrade/assessment';
import type { Lang, Level } from '@keygrade/catalog';
import { buildReportModel, render, type EvidenceCheck } from '@keygrade/report';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { loadAssessment, readBinary, sha256File, writeOutput } from '../files.js';
import { err, out, type Io } from '../io.js';

const FORMATS = ['html', 'md', 'pdf', 'json', 'oscal'] as const;
type Format = (typeof FORMATS)[number];

export const spec: CommandSpec = {
  name: 'report',
  summary: 'Write a self-assessment report for partners and insurers.',
  description:
    'The report holds the scorecard matrix (aspect × level with check marks), a chart of aspect levels, a narrative per aspect from your notes, the gaps to the next level (or --target), and an evidence index whose SHA-256 hashes are checked against the files (paths are relative to the assessment file; URLs are listed, not fetched). HTML is one self-contained file; PDF needs no browser; OSCAL is NIST OSCAL 1.0.6 assessment results.',
  args: ['<file>'],
  options: {
    format: { type: 'string', short: 'f', value: '<format>', description: 'report format (default: from the -o extension, else html)', choices: FORMATS },
    output: { type: 'string', short: 'o', value: '<file>', description: 'where to write the report (default: stdout; required for pdf on a terminal)' },
    lang: langOption('language of the catalog wording'),
    target: { type: 'string', short: 't', value: '<1|2|3>', description: 'level the gaps section aims at (default: the next level)', choices: ['1', '2', '3'] },
    font: { type: 'string', value: '<file.ttf>', description: 'a TTF/OTF font with CJK glyphs, needed for zh-CN PDF reports' },
    'font-family': { type: 'string', value: '<name>', description: 'with a .ttc font collection: the PostScript name of the font to use' },
    strict: { type: 'boolean', description: 'exit 1 when an evidence file is missing or its hash does not match' },
  },
  examples: [
    'keygrade report assessment.yaml -o report.html',
    'keygrade report assessment.yaml --format pdf -o report.pdf',
    'keygrade report assessment.yaml --format oscal -o assessment-results.json',
    'keygrade report assessment.yaml --format md --target 2 > report.md',
  ],
};

/** Checks every evidence file's SHA-256 (URLs are not fetched: verification never does network IO). */
export function checkEvidence(io: Io, a: Assessment): EvidenceCheck[] {
  const base = dirname(resolve(io.cwd, a.file));
  return a.evidence.map((e) => {
    if (e.url) return { key: e.key, ref: e.url, sha256: e.sha256, state: 'not-checked' as const };
    const actual = sha256File(resolve(base, e.path!));
    const state = actual === undefined ? ('missing' as const) : actual === e.sha256 ? ('verified' as const) : ('mismatch' as const);
    return { key: e.key, ref: e.path!, sha256: e.sha256, state, ...(actual && actual !== e.sha256 ? { actual } : {}) };
  });
}

export function formatFor(values: Parsed['values']): Format {
  if (values.format) return values.format as Format;
  const ext = typeof values.output === 'string' ? extname(values.output).slice(1).toLowerCase() : '';
  if (ext === 'markdown') return 'md';
  if ((FORMATS as readonly string[]).includes(ext)) return ext as Format;
  return 'html';
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const assessment = loadAssessment(io, file);
  const format = formatFor(values);
  if (format === 'pdf' && values.output === undefined && io.stdoutIsTTY) throw usage('a PDF report is binary; write it to a file with -o report.pdf');
  const evidence = checkEvidence(io, assessment);
  const model = buildReportModel(assessment, {
    generatedAt: io.now().toISOString(),
    lang: values.lang as Lang,
    evidence,
    ...(values.target ? { target: Number(values.target) as Level } : {}),
  });
  const font = values.font ? readBinary(io, String(values.font)) : undefined;
  const data = await render(format, model, {
    uuid: randomUUID,
    ...(font ? { font } : {}),
    ...(values['font-family'] ? { fontFamily: String(values['font-family']) } : {}),
  });
  const written = writeOutput(io, values.output as string | undefined, data, { protect: [file] });
  const bad = evidence.filter((e) => e.state === 'missing' || e.state === 'mismatch');
  for (const e of bad) err(io, `warning: evidence ${e.ref} (${e.key}) ${e.state === 'missing' ? 'is missing' : `does not match its sha256 (file has ${e.actual})`}`);
  if (written) out(io, `Wrote ${format.toUpperCase()} report to ${values.output as string}`);
  return values.strict && bad.length > 0 ? EXIT.checkFailed : EXIT.ok;
}
