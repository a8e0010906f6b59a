import { gunzipSync } from 'node:zlib';
import { AuditError, openAuditFile, rederiveAudit } from '@keygrade/audit';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { catalogFor, readBinary } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'audit rederive',
  summary: 'Check an exported audit file and re-derive its samples and levels.',
  description: [
    "Reads the audit file (audit-file-<id>.tar.gz, from the platform's export), checks every entry against the SHA-256 digests of its manifest, draws every sample again from its population and recorded seed, and concludes the levels again from the findings through the scoring rules.",
    'This is what a peer reviewer or a later auditor does to confirm that nothing in the file was changed and that the sample and the levels follow from it. See docs/guide/audits.md.',
    'Exit 0 when the file matches its manifest, every sample is reproduced and the levels match the recorded conclusion; 1 when something differs; 2 when the file cannot be read.',
  ].join('\n'),
  args: ['<audit-file.tar.gz>'],
  options: {
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['keygrade audit rederive audit-file-3f2a….tar.gz', 'keygrade audit rederive audit-file.tar.gz --json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0];
  if (!file) throw usage('give the audit file: keygrade audit rederive <audit-file.tar.gz>');
  const raw = readBinary(io, file);
  let tar: Uint8Array;
  try {
    tar = raw[0] === 0x1f && raw[1] === 0x8b ? new Uint8Array(gunzipSync(raw)) : new Uint8Array(raw);
  } catch (e) {
    throw usage(`${file} is not a readable gzip file: ${(e as Error).message}`);
  }
  const catalog = catalogFor(io);
  let opened;
  try {
    opened = openAuditFile(tar);
  } catch (e) {
    // A readable archive that differs from its manifest is a failed check (1), not unreadable input (2).
    if (!(e instanceof AuditError) || e.problems.length === 0) throw e;
    if (values.json) out(io, JSON.stringify({ file, ok: false, error: e.message, problems: e.problems }, null, 2));
    else {
      out(io, `Audit file: ${file}`);
      out(io, `Manifest: ${e.message}`);
      for (const p of e.problems) out(io, `  ${p.path}: ${p.message}`);
      out(io, 'Result: the audit file was changed after export; nothing was re-derived.');
    }
    return EXIT.checkFailed;
  }
  const result = rederiveAudit(opened, (id) => catalog.edition(id));
  if (values.json) {
    out(io, JSON.stringify({ file, manifest: { sha256: opened.manifestSha256, created: opened.manifest.created, retainUntil: opened.manifest.retainUntil, files: opened.manifest.files.length }, ...result }, null, 2));
    return result.ok ? EXIT.ok : EXIT.checkFailed;
  }
  out(io, `Audit file: ${file}`);
  out(io, `Manifest: SHA-256 ${opened.manifestSha256}; ${opened.manifest.files.length} entries match their digests (created ${opened.manifest.created}, keep until ${opened.manifest.retainUntil})`);
  out(io, `Engagement: ${result.engagementId} (${result.edition})`);
  for (const s of result.samples) {
    out(io, `Sample ${s.id} (${s.requirementId}, ${s.size} items): ${s.reproduced ? 'reproduced from its population and seed' : `NOT reproduced — ${s.differences.join('; ')}`}`);
  }
  if (result.samples.length === 0) out(io, 'Samples: none in this audit file');
  const levels = (x: { systemLevel: number; aspects: { id: string; level: number }[] }) => `system ${x.systemLevel}; ${x.aspects.map((a) => `${a.id}=${a.level}`).join(' ')}`;
  out(io, `Levels derived from the findings: ${levels(result.derived)}`);
  if (result.recorded === null) out(io, 'Levels recorded: none (the audit was exported before sign-off)');
  else out(io, result.levelsMatch ? 'Levels recorded: the same' : `Levels recorded: DIFFERENT — ${levels(result.recorded)}`);
  out(io, result.ok ? 'Result: the audit re-derives from its file.' : 'Result: the audit does NOT re-derive from its file.');
  return result.ok ? EXIT.ok : EXIT.checkFailed;
}
