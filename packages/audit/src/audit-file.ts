/**
 * The audit file (issue 5 item 7): everything an auditor keeps for 7 years, in one ustar archive
 * with a manifest of SHA-256 digests, from which anyone holding it re-derives the samples (from
 * the populations and the recorded seeds) and the levels (from the findings, through scoring).
 *
 * Layout (format `keygrade/audit-file/v1`):
 *   manifest.json              format, engagement id, created, retainUntil, files[{path, sha256, size}]
 *   engagement.json            the engagement document, status and dates, members
 *   tests.json                 per requirement: finding, techniques, notes, evidence ids
 *   ipe.json                   information produced by the entity
 *   samples/<id>.json          { requirementId, title, populationFile, record, results }
 *   samples/<id>.csv           the population as uploaded
 *   review.json                peer-review threads
 *   conclusion.json            the conclusion (levels, counts, exceptions) as signed off
 *   evidence/<sha256>          evidence files, named by their digest (metadata in evidence.json)
 *   evidence.json              evidence metadata
 */
import type { Edition } from '@keygrade/catalog';
import type { Problem } from '@keygrade/errors';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { concludeAudit, type Finding } from './conclusion.js';
import { addMonths } from './dates.js';
import { AuditError } from './errors.js';
import { parsePopulation } from './population.js';
import { summariseResults, verifySample, type ItemResult, type SampleRecord } from './sample.js';
import { readTar, writeTar, type TarEntry } from './tar.js';

export const AUDIT_FILE_FORMAT = 'keygrade/audit-file/v1';
/** How long the auditor keeps the audit documentation (CCSS-PRIMER.md "The audit"). */
export const RETENTION_YEARS = 7;

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

export interface AuditFileManifest {
  format: typeof AUDIT_FILE_FORMAT;
  engagementId: string;
  edition: string;
  created: string;
  /** YYYY-MM-DD: the creation date plus 7 years. */
  retainUntil: string;
  files: ManifestFile[];
}

export interface SampleFile {
  requirementId: string;
  title: string;
  populationFile: string;
  record: SampleRecord;
  results: ItemResult[];
}

export interface TestFileEntry {
  requirementId: string;
  finding: Finding | null;
  [more: string]: unknown;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });
const jsonBytes = (v: unknown) => enc.encode(`${JSON.stringify(v, null, 2)}\n`);

/**
 * Builds the archive from its JSON parts and files; the manifest lists every other entry with its
 * digest. Returns the tar bytes and the manifest's own SHA-256 (hex), which identifies the file.
 */
export function buildAuditFile(input: { engagementId: string; edition: string; created: string; json: Record<string, unknown>; files: readonly TarEntry[] }): { tar: Uint8Array; manifest: AuditFileManifest; manifestSha256: string } {
  const entries: TarEntry[] = [...Object.entries(input.json).map(([path, v]) => ({ path, data: jsonBytes(v) })), ...input.files];
  const manifest: AuditFileManifest = {
    format: AUDIT_FILE_FORMAT,
    engagementId: input.engagementId,
    edition: input.edition,
    created: input.created,
    retainUntil: addMonths(input.created.slice(0, 10), RETENTION_YEARS * 12),
    files: entries.map((e) => ({ path: e.path, sha256: bytesToHex(sha256(e.data)), size: e.data.length })),
  };
  const manifestBytes = jsonBytes(manifest);
  return { tar: writeTar([{ path: 'manifest.json', data: manifestBytes }, ...entries]), manifest, manifestSha256: bytesToHex(sha256(manifestBytes)) };
}

export interface OpenedAuditFile {
  manifest: AuditFileManifest;
  manifestSha256: string;
  files: Map<string, Uint8Array>;
}

function parseJson<T>(files: Map<string, Uint8Array>, path: string): T {
  const data = files.get(path);
  if (!data) throw new AuditError('AUDIT_FILE_INVALID', `the audit file has no ${path}`);
  try {
    return JSON.parse(dec.decode(data)) as T;
  } catch (e) {
    throw new AuditError('AUDIT_FILE_INVALID', `${path} in the audit file is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Opens an audit file (tar bytes, already gunzipped): checks the manifest lists exactly the other
 * entries and that every digest and size matches (AUDIT_FILE_INVALID naming each difference).
 */
export function openAuditFile(tar: Uint8Array): OpenedAuditFile {
  const entries = readTar(tar);
  const files = new Map(entries.map((e) => [e.path, e.data]));
  const manifest = parseJson<AuditFileManifest>(files, 'manifest.json');
  if (manifest.format !== AUDIT_FILE_FORMAT || !Array.isArray(manifest.files)) throw new AuditError('AUDIT_FILE_INVALID', `manifest.json is not a ${AUDIT_FILE_FORMAT} manifest`);
  const problems: Problem[] = [];
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const data = files.get(f.path);
    if (!data) problems.push({ path: f.path, message: 'listed in the manifest but missing from the archive' });
    else if (data.length !== f.size || bytesToHex(sha256(data)) !== f.sha256) problems.push({ path: f.path, message: `content differs from the manifest (sha256 ${bytesToHex(sha256(data))}, manifest says ${f.sha256})` });
  }
  for (const path of files.keys()) if (path !== 'manifest.json' && !listed.has(path)) problems.push({ path, message: 'in the archive but not in the manifest' });
  if (problems.length > 0) throw new AuditError('AUDIT_FILE_INVALID', `the audit file does not match its manifest (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
  return { manifest, manifestSha256: bytesToHex(sha256(files.get('manifest.json')!)), files };
}

export interface RederivedSample {
  id: string;
  requirementId: string;
  size: number;
  reproduced: boolean;
  differences: string[];
}

export interface Rederivation {
  engagementId: string;
  edition: string;
  manifestSha256: string;
  samples: RederivedSample[];
  recorded: { systemLevel: number; aspects: { id: string; level: number }[] } | null;
  derived: { systemLevel: number; aspects: { id: string; level: number }[] };
  levelsMatch: boolean;
  /** True when every sample is reproduced and the levels match. */
  ok: boolean;
}

/**
 * Re-derives an audit from its file: every sample again from its population and seed, the levels
 * again from the findings. `editionOf` resolves the edition id recorded in the manifest.
 */
export function rederiveAudit(opened: OpenedAuditFile, editionOf: (id: string) => Edition): Rederivation {
  const { files, manifest } = opened;
  const engagement = parseJson<{ doc: { period: { start: string; end: string } } }>(files, 'engagement.json');
  const period = engagement.doc.period;
  const samples: RederivedSample[] = [];
  const summaries = [];
  for (const path of [...files.keys()].filter((p) => /^samples\/[^/]+\.json$/.test(p)).sort()) {
    const id = path.slice('samples/'.length, -'.json'.length);
    const s = parseJson<SampleFile>(files, path);
    const csv = files.get(`samples/${id}.csv`);
    let differences: string[];
    if (!csv) differences = [`samples/${id}.csv (the population) is missing`];
    else {
      try {
        differences = verifySample(s.record, parsePopulation(dec.decode(csv), { period, file: s.populationFile }));
      } catch (e) {
        differences = [`the population does not load: ${(e as Error).message}`];
      }
    }
    samples.push({ id, requirementId: s.requirementId, size: s.record.items.length, reproduced: differences.length === 0, differences });
    summaries.push({ requirementId: s.requirementId, sampleId: id, results: summariseResults(s.record, s.results) });
  }
  const tests = parseJson<TestFileEntry[]>(files, 'tests.json');
  const findings = tests.flatMap((t) => (t.finding ? [t.finding] : []));
  const c = concludeAudit(editionOf(manifest.edition), findings, summaries);
  const derived = { systemLevel: c.systemLevel, aspects: c.aspects.map((a) => ({ id: a.id, level: a.level })) };
  const recordedRaw = files.has('conclusion.json') ? parseJson<{ systemLevel: number; aspects: { id: string; level: number }[] } | null>(files, 'conclusion.json') : null;
  const recorded = recordedRaw ? { systemLevel: recordedRaw.systemLevel, aspects: recordedRaw.aspects.map((a) => ({ id: a.id, level: a.level })) } : null;
  const levelsMatch = recorded !== null && JSON.stringify(recorded) === JSON.stringify(derived);
  return { engagementId: manifest.engagementId, edition: manifest.edition, manifestSha256: opened.manifestSha256, samples, recorded, derived, levelsMatch, ok: levelsMatch && samples.every((s) => s.reproduced) };
}
