import { randomBytes } from 'node:crypto';
import { drawSample, FREQUENCIES, isIsoDate, parsePopulation, parseSeed, RISKS, type AuditPeriod, type Frequency, type Risk } from '@keygrade/audit';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readInput } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'audit sample',
  summary: 'Select the items to test from a population: the sample size from the audit guide\'s table and a reproducible random or systematic selection.',
  description: [
    'The population is a CSV file with a header row, an id column (id, item_id) and a date column (date, timestamp); other columns are kept. Duplicate ids, dates outside --period and malformed rows are refused, naming the line.',
    'The size comes from the table by control frequency, or by population size for --frequency occurrence, and the risk; --size overrides it and needs --rationale. A high-risk population of more than 100 occurrences needs --size: the guide leaves it to the auditor.',
    'Selection uses HMAC_DRBG (SP 800-90A) seeded with --seed, or with 32 fresh random bytes printed as hex. Record the seed: the same seed and the same population give the same sample, whatever the order of the rows. See docs/guide/audits.md.',
    'Exit 0 with the sample, 2 on a usage or input error.',
  ].join('\n'),
  args: [],
  options: {
    population: { type: 'string', value: '<file.csv>', description: 'the population: one row per occurrence of the control in the period' },
    frequency: { type: 'string', value: '<frequency>', description: 'how often the control operates, or occurrence to size by population', choices: FREQUENCIES },
    risk: { type: 'string', value: '<risk>', description: 'risk of the control', choices: RISKS },
    seed: { type: 'string', value: '<hex>', description: 'the seed to reproduce a sample (32 bytes or more, hex)' },
    method: { type: 'string', value: '<method>', description: 'simple random selection or systematic (random start, fixed interval)', choices: ['random', 'systematic'], default: 'random' },
    size: { type: 'string', value: '<n>', description: 'override the table size (needs --rationale)' },
    rationale: { type: 'string', value: '<text>', description: 'why the size differs from the table' },
    period: { type: 'string', value: '<start>/<end>', description: 'refuse items dated outside the audit period (YYYY-MM-DD/YYYY-MM-DD)' },
    json: { type: 'boolean', description: 'print the sample record as JSON (size decision, seed, population digest, items)' },
  },
  examples: [
    'keygrade audit sample --population changes.csv --frequency occurrence --risk high',
    'keygrade audit sample --population backups.csv --frequency daily --risk low --method systematic --period 2026-01-01/2026-12-31',
    'keygrade audit sample --population changes.csv --frequency occurrence --risk low --seed 5f1c…(64 hex digits) --json',
    'keygrade audit sample --population keys.csv --frequency occurrence --risk high --size 45 --rationale "high risk: 1.5 × the low-risk size"',
  ],
};

function parsePeriod(value: string): AuditPeriod {
  const [start, end, more] = value.split('/');
  if (more !== undefined || !isIsoDate(start) || !isIsoDate(end)) throw usage(`--period must be two dates YYYY-MM-DD/YYYY-MM-DD (got "${value}")`);
  if (end < start) throw usage(`--period ends (${end}) before it starts (${start})`);
  return { start, end };
}

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const file = values.population;
  if (typeof file !== 'string') throw usage('--population <file.csv> is required');
  if (typeof values.frequency !== 'string') throw usage(`--frequency is required: one of ${FREQUENCIES.join(', ')}`);
  if (typeof values.risk !== 'string') throw usage('--risk is required: low or high');
  const period = typeof values.period === 'string' ? parsePeriod(values.period) : undefined;
  let override: { size: number; rationale: string } | undefined;
  if (values.size !== undefined) {
    const size = String(values.size);
    if (!/^\d+$/.test(size)) throw usage(`--size must be a whole number (got "${size}")`);
    override = { size: Number(size), rationale: typeof values.rationale === 'string' ? values.rationale : '' };
  } else if (values.rationale !== undefined) throw usage('--rationale explains a --size override; give --size too');
  const generated = values.seed === undefined;
  const seed = generated ? new Uint8Array(randomBytes(32)) : parseSeed(String(values.seed));
  const text = file === '-' ? await stdinText(io) : readInput(io, file);
  const population = parsePopulation(text, { file: file === '-' ? '<stdin>' : file, ...(period ? { period } : {}) });
  const sample = drawSample({
    population,
    frequency: values.frequency as Frequency,
    risk: values.risk as Risk,
    method: values.method === 'systematic' ? 'systematic' : 'random',
    seed,
    ...(override ? { override } : {}),
  });
  if (values.json) {
    out(io, JSON.stringify({ ...sample, populationFile: file, seedGenerated: generated, ...(period ? { period } : {}) }, null, 2));
    return EXIT.ok;
  }
  const d = sample.size;
  const table = d.tableSize === null ? 'auditor judgement' : String(d.tableSize);
  out(io, `Population: ${file}: ${sample.population.size} item${sample.population.size === 1 ? '' : 's'}${period ? ` in ${period.start} to ${period.end}` : ''} (SHA-256 ${sample.population.digest})`);
  out(io, `Table: ${d.row}, ${d.risk} risk: ${table} (${d.source === 'aicpa-style' ? 'AICPA-style frequency table' : 'CCSS auditor guide 2021'})`);
  const sizeNote = d.override ? ` — override: ${d.override.rationale}${d.override.belowTable ? ' (below the table size)' : ''}` : d.wholePopulation ? ' — the whole population' : '';
  out(io, `Sample size: ${d.size}${sizeNote}`);
  const sys = sample.systematic;
  out(io, `Method: ${sample.method}${sys ? ` (interval ${round(sys.interval)}, start ${round(sys.start)})` : ''}, ${sample.generator!.drbg}`);
  out(io, `Seed: ${sample.seed}${generated ? ' (generated: record it; --seed reproduces this sample)' : ''}`);
  out(io, 'Selected items:');
  const width = Math.max(...sample.items.map((i) => i.id.length));
  for (const i of sample.items) out(io, `  ${i.id.padEnd(width)}  ${i.date}  (line ${i.line})`);
  return EXIT.ok;
}

const round = (x: number) => String(Math.round(x * 1000) / 1000);

async function stdinText(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
