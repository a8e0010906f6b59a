/**
 * Sample sizes for tests of controls (issue 5 item 4).
 *
 * Annual, quarterly and monthly controls and occurrence-based populations follow the 2021 CCSS
 * auditor guide as summarised in CCSS-PRIMER.md. The guide has no row for weekly, daily or
 * multiple-times-a-day controls; for those Keygrade uses the frequency table widely used in
 * AICPA-style (SOC 1 / SOC 2) practice, which gives a range per frequency (weekly 5–15, daily 20–40,
 * multiple times a day 25–60): the low end for low risk and the high end for high risk.
 * A high-risk population of more than 100 occurrences is left to the auditor's judgement by the
 * guide, so Keygrade asks for an explicit size with a rationale there.
 */
import { AuditError } from './errors.js';

export const FREQUENCIES = ['annual', 'quarterly', 'monthly', 'weekly', 'daily', 'multiple-times-a-day', 'occurrence'] as const;
/** How often a control operates; `occurrence` sizes the sample by the population size instead. */
export type Frequency = (typeof FREQUENCIES)[number];
export const RISKS = ['low', 'high'] as const;
export type Risk = (typeof RISKS)[number];

export interface TableRow {
  /** What the row covers, as printed in reports, e.g. `monthly (12)` or `26–50 occurrences`. */
  row: string;
  low: number;
  /** `null`: the guide leaves the size to auditor judgement. */
  high: number | null;
  source: 'ccss-auditor-guide-2021' | 'aicpa-style';
}

/** Rows by control frequency. */
export const FREQUENCY_TABLE: Readonly<Record<Exclude<Frequency, 'occurrence'>, TableRow>> = {
  annual: { row: 'annual (1)', low: 1, high: 1, source: 'ccss-auditor-guide-2021' },
  quarterly: { row: 'quarterly (4)', low: 2, high: 3, source: 'ccss-auditor-guide-2021' },
  monthly: { row: 'monthly (12)', low: 3, high: 6, source: 'ccss-auditor-guide-2021' },
  weekly: { row: 'weekly (52)', low: 5, high: 15, source: 'aicpa-style' },
  daily: { row: 'daily (about 250–365)', low: 20, high: 40, source: 'aicpa-style' },
  'multiple-times-a-day': { row: 'multiple times a day', low: 25, high: 60, source: 'aicpa-style' },
};

/** Rows by population size for occurrence-based controls: `max` is the largest population of the row. */
export const OCCURRENCE_TABLE: readonly (TableRow & { max: number })[] = [
  { row: '1–25 occurrences', max: 25, low: 5, high: 10, source: 'ccss-auditor-guide-2021' },
  { row: '26–50 occurrences', max: 50, low: 10, high: 20, source: 'ccss-auditor-guide-2021' },
  { row: '51–100 occurrences', max: 100, low: 20, high: 30, source: 'ccss-auditor-guide-2021' },
  { row: 'more than 100 occurrences', max: Number.POSITIVE_INFINITY, low: 30, high: null, source: 'ccss-auditor-guide-2021' },
];

function assertPopulationSize(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new AuditError('AUDIT_POPULATION_EMPTY', `the population must have at least one item (got ${n})`);
}

/** The table row that applies. */
export function tableRow(frequency: Frequency, populationSize: number): TableRow {
  if (frequency !== 'occurrence') return FREQUENCY_TABLE[frequency];
  assertPopulationSize(populationSize);
  return OCCURRENCE_TABLE.find((r) => populationSize <= r.max)!;
}

/**
 * The table's sample size, or `null` when the table leaves it to auditor judgement.
 * @example tableSampleSize('monthly', 'high', 12) // 6
 */
export function tableSampleSize(frequency: Frequency, risk: Risk, populationSize: number): number | null {
  const row = tableRow(frequency, populationSize);
  return risk === 'low' ? row.low : row.high;
}

/** An auditor's override of the table size; the rationale is mandatory. */
export interface SizeOverride {
  size: number;
  rationale: string;
}

export interface SampleSizeDecision {
  frequency: Frequency;
  risk: Risk;
  populationSize: number;
  row: string;
  source: TableRow['source'];
  /** The table's size (`null`: auditor judgement). */
  tableSize: number | null;
  /** The size to select. */
  size: number;
  /** True when the table size exceeded the population, so every item is tested. */
  wholePopulation: boolean;
  override?: SizeOverride & { belowTable: boolean };
}

/**
 * Decides the sample size: the table's, capped at the population size, or the auditor's override.
 * Throws AUDIT_OVERRIDE_RATIONALE for an override without a rationale and AUDIT_SAMPLE_SIZE for a size
 * that is not a whole number from 1 to the population size, or when the table leaves the size to judgement
 * and no override is given.
 */
export function decideSampleSize(input: { frequency: Frequency; risk: Risk; populationSize: number; override?: SizeOverride }): SampleSizeDecision {
  const { frequency, risk, populationSize, override } = input;
  if (!(FREQUENCIES as readonly string[]).includes(frequency)) throw new AuditError('AUDIT_SAMPLE_SIZE', `frequency must be one of ${FREQUENCIES.join(', ')} (got ${String(frequency)})`);
  if (!(RISKS as readonly string[]).includes(risk)) throw new AuditError('AUDIT_SAMPLE_SIZE', `risk must be low or high (got ${String(risk)})`);
  assertPopulationSize(populationSize);
  const row = tableRow(frequency, populationSize);
  const tableSize = risk === 'low' ? row.low : row.high;
  const base = { frequency, risk, populationSize, row: row.row, source: row.source, tableSize };
  if (override) {
    if (typeof override.rationale !== 'string' || override.rationale.trim() === '') {
      throw new AuditError('AUDIT_OVERRIDE_RATIONALE', 'a sample size override needs a rationale: say why the table size does not fit');
    }
    if (!Number.isSafeInteger(override.size) || override.size < 1 || override.size > populationSize) {
      throw new AuditError('AUDIT_SAMPLE_SIZE', `the sample size must be a whole number from 1 to the population size ${populationSize} (got ${override.size})`);
    }
    const rationale = override.rationale.trim();
    return { ...base, size: override.size, wholePopulation: override.size === populationSize, override: { size: override.size, rationale, belowTable: tableSize !== null && override.size < Math.min(tableSize, populationSize) } };
  }
  if (tableSize === null) {
    throw new AuditError('AUDIT_SAMPLE_SIZE', `a high-risk population of ${populationSize} occurrences (${row.row}) is left to auditor judgement by the audit guide: give a size and its rationale (the low-risk size for this row is ${row.low})`);
  }
  return { ...base, size: Math.min(tableSize, populationSize), wholePopulation: tableSize >= populationSize };
}
