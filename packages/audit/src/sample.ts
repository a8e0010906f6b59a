/**
 * A sample: its size decision, its selection (random, systematic or judgement) and everything a
 * peer reviewer needs to re-derive it (method, seed, population digest), then the result per item.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { AuditError } from './errors.js';
import type { Population, PopulationItem } from './population.js';
import { decideSampleSize, type Frequency, type Risk, type SampleSizeDecision, type SizeOverride } from './sample-size.js';
import { SAMPLE_DRBG, SAMPLE_PERSONALIZATION, SampleRng, selectRandom, selectSystematic } from './select.js';

export const SAMPLE_FORMAT = 'keygrade/audit-sample/v1';
export const SELECTION_METHODS = ['random', 'systematic', 'judgement'] as const;
export type SelectionMethod = (typeof SELECTION_METHODS)[number];

export interface SampleRequest {
  population: Population;
  frequency: Frequency;
  risk: Risk;
  method: SelectionMethod;
  /** Required for random and systematic selection (the caller draws it, e.g. 32 bytes from node:crypto). */
  seed?: Uint8Array;
  override?: SizeOverride;
  /** For judgement selection: the chosen item ids and why. */
  judgement?: { ids: readonly string[]; rationale: string };
}

export interface SampledItem {
  id: string;
  date: string;
  /** 1-based position in the canonical order of the population. */
  position: number;
  line: number;
}

export interface SampleRecord {
  format: typeof SAMPLE_FORMAT;
  method: SelectionMethod;
  size: SampleSizeDecision;
  population: { size: number; digest: string };
  /** Hex; absent for judgement selection. */
  seed?: string;
  /** How the seed becomes random numbers (select.ts). */
  generator?: { drbg: typeof SAMPLE_DRBG; nonce: 'population digest'; personalization: string };
  systematic?: { interval: number; start: number; startNumerator: number };
  judgementRationale?: string;
  /** Selected items in canonical order. */
  items: SampledItem[];
  /** Selected ids in the order they were drawn (or given). */
  selectionOrder: string[];
}

const toItem = (item: PopulationItem, index: number): SampledItem => ({ id: item.id, date: item.date, position: index + 1, line: item.line });

/**
 * Draws a sample. Pure: the same request (same seed, same population) gives the same record.
 * @example drawSample({ population, frequency: 'monthly', risk: 'low', method: 'random', seed }).items.map((i) => i.id)
 */
export function drawSample(request: SampleRequest): SampleRecord {
  const { population, method } = request;
  const n = population.items.length;
  if (n === 0) throw new AuditError('AUDIT_POPULATION_EMPTY', 'the population has no item: there is nothing to sample');
  const size = decideSampleSize({ frequency: request.frequency, risk: request.risk, populationSize: n, override: request.override });
  const base = { format: SAMPLE_FORMAT, method, size, population: { size: n, digest: population.digest } } as const;
  if (method === 'judgement') {
    const j = request.judgement;
    if (!j || typeof j.rationale !== 'string' || j.rationale.trim() === '') throw new AuditError('AUDIT_JUDGEMENT_INVALID', 'judgement selection needs a rationale: say why these items were chosen');
    const index = new Map(population.items.map((item, i) => [item.id, i]));
    const problems = j.ids.flatMap((id, i) =>
      !index.has(id) ? [{ path: `ids.${i}`, message: `${JSON.stringify(id)} is not an item of the population` }] : j.ids.indexOf(id) !== i ? [{ path: `ids.${i}`, message: `${JSON.stringify(id)} is chosen twice` }] : [],
    );
    if (j.ids.length !== size.size) problems.push({ path: 'ids', message: `${j.ids.length} items chosen; the sample size is ${size.size}${size.override ? '' : ' (give an override with a rationale for another size)'}` });
    if (problems.length > 0) throw new AuditError('AUDIT_JUDGEMENT_INVALID', 'the judgement selection is not valid', { problems });
    const positions = j.ids.map((id) => index.get(id)!);
    return { ...base, judgementRationale: j.rationale.trim(), items: [...positions].sort((a, b) => a - b).map((p) => toItem(population.items[p]!, p)), selectionOrder: [...j.ids] };
  }
  if (!request.seed) throw new AuditError('AUDIT_INVALID_SEED', `${method} selection needs a seed (record it: the peer reviewer re-derives the sample from it)`);
  const rng = new SampleRng(request.seed, hexToBytes(population.digest), method);
  const generator = { drbg: SAMPLE_DRBG, nonce: 'population digest', personalization: `${SAMPLE_PERSONALIZATION} ${method}` } as const;
  let positions: number[];
  let systematic: SampleRecord['systematic'];
  if (method === 'random') positions = selectRandom(n, size.size, rng);
  else if (method === 'systematic') {
    const s = selectSystematic(n, size.size, rng);
    positions = s.positions;
    systematic = { interval: s.interval, start: s.start, startNumerator: s.startNumerator };
  } else throw new AuditError('AUDIT_SAMPLE_SIZE', `method must be one of ${SELECTION_METHODS.join(', ')} (got ${String(method)})`);
  return {
    ...base,
    seed: bytesToHex(request.seed),
    generator,
    ...(systematic ? { systematic } : {}),
    items: [...positions].sort((a, b) => a - b).map((p) => toItem(population.items[p]!, p)),
    selectionOrder: positions.map((p) => population.items[p]!.id),
  };
}

/**
 * Re-derives a recorded sample from the population (the peer reviewer's check). Returns the
 * differences; empty when the record is reproduced exactly.
 */
export function verifySample(record: SampleRecord, population: Population): string[] {
  const diffs: string[] = [];
  if (record.population.digest !== population.digest) diffs.push(`population digest ${population.digest} differs from the recorded ${record.population.digest}: not the same population`);
  if (record.population.size !== population.items.length) diffs.push(`population has ${population.items.length} items; the record says ${record.population.size}`);
  if (diffs.length > 0) return diffs;
  const again = drawSample({
    population,
    frequency: record.size.frequency,
    risk: record.size.risk,
    method: record.method,
    ...(record.seed !== undefined ? { seed: hexToBytes(record.seed) } : {}),
    ...(record.size.override ? { override: { size: record.size.override.size, rationale: record.size.override.rationale } } : {}),
    ...(record.method === 'judgement' ? { judgement: { ids: record.selectionOrder, rationale: record.judgementRationale ?? '' } } : {}),
  });
  if (again.size.size !== record.size.size) diffs.push(`sample size ${again.size.size} differs from the recorded ${record.size.size}`);
  const a = again.selectionOrder.join('\n');
  const b = record.selectionOrder.join('\n');
  if (a !== b) diffs.push('the selected items differ from the recorded ones');
  return diffs;
}

/** The test result of one sampled item. */
export interface ItemResult {
  itemId: string;
  outcome: 'ok' | 'exception';
  /** Required for an exception: what was found. */
  note?: string;
}

export interface ResultSummary {
  sampleSize: number;
  tested: number;
  ok: number;
  exceptions: { itemId: string; note: string }[];
  /** Sampled items without a result yet, in canonical order. */
  untested: string[];
  complete: boolean;
}

/** Checks results against the sample (AUDIT_RESULTS_INVALID naming each bad entry) and summarises them. */
export function summariseResults(sample: Pick<SampleRecord, 'items'>, results: readonly ItemResult[]): ResultSummary {
  const ids = new Set(sample.items.map((i) => i.id));
  const seen = new Set<string>();
  const problems = results.flatMap((r, i) => {
    const p: { path: string; message: string }[] = [];
    if (!ids.has(r.itemId)) p.push({ path: `results.${i}.itemId`, message: `${JSON.stringify(r.itemId)} is not in the sample` });
    else if (seen.has(r.itemId)) p.push({ path: `results.${i}.itemId`, message: `${JSON.stringify(r.itemId)} has two results` });
    seen.add(r.itemId);
    if (r.outcome !== 'ok' && r.outcome !== 'exception') p.push({ path: `results.${i}.outcome`, message: `must be ok or exception (got ${String(r.outcome)})` });
    if (r.outcome === 'exception' && (r.note === undefined || r.note.trim() === '')) p.push({ path: `results.${i}.note`, message: 'an exception must say what was found' });
    return p;
  });
  if (problems.length > 0) throw new AuditError('AUDIT_RESULTS_INVALID', 'the sample results are not valid', { problems });
  const exceptions = results.filter((r) => r.outcome === 'exception').map((r) => ({ itemId: r.itemId, note: r.note!.trim() }));
  const untested = sample.items.map((i) => i.id).filter((id) => !seen.has(id));
  return { sampleSize: sample.items.length, tested: results.length, ok: results.length - exceptions.length, exceptions, untested, complete: untested.length === 0 };
}
