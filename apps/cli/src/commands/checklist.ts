import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { documentText, parseAssessment, setAnswer, type AnswerEntry, type Assessment, type EvidenceRef } from '@keygrade/assessment';
import { allRequirements, indexEdition, pick, roman, type Catalog, type Lang, type Requirement } from '@keygrade/catalog';
import { STATUS_RULES, type Status } from '@keygrade/scoring';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { usage } from '../exit.js';
import { catalogFor, readInput, sha256File, writeAtomic } from '../files.js';
import { out, type Io } from '../io.js';
import { lineReader, type LineReader } from '../prompt.js';
import { MESSAGES, type Messages } from './checklist-messages.js';

export const spec: CommandSpec = {
  name: 'checklist',
  summary: 'Walk through every requirement and answer it. Saves after each answer; run it again to resume.',
  description:
    'In a terminal it asks, requirement by requirement, for the status and what that status must carry, an optional note and evidence (a file, hashed with SHA-256, or a URL with its SHA-256). Requirements already answered are skipped unless --all is given. When stdin is not a terminal it prints the checklist instead, with the current status of each requirement.',
  args: ['<file>'],
  options: {
    lang: langOption('language of the requirements and prompts'),
    aspect: { type: 'string', value: '<id>', description: 'only this aspect, e.g. 1.03' },
    level: { type: 'string', value: '<1|2|3>', description: 'only requirements up to this level', choices: ['1', '2', '3'] },
    all: { type: 'boolean', description: 'revisit requirements that already have an answer' },
    print: { type: 'boolean', description: 'print the checklist instead of prompting' },
  },
  examples: ['keygrade checklist assessment.yaml', 'keygrade checklist assessment.yaml --lang zh-CN --aspect 1.01', 'keygrade checklist assessment.yaml --print > checklist.txt'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const catalog = catalogFor(io);
  let assessment = parseAssessment(file, readInput(io, file), catalog);
  const lang = values.lang as Lang;
  const m = MESSAGES[lang];
  const maxLevel = values.level ? Number(values.level) : 3;
  if (values.aspect && !indexEdition(assessment.edition).aspect(String(values.aspect))) throw usage(`${assessment.edition.id} has no aspect ${String(values.aspect)}`);
  const selected = allRequirements(assessment.edition).filter((r) => (!values.aspect || r.aspectId === values.aspect) && r.level <= maxLevel);

  if (!io.interactive || values.print) {
    printChecklist(io, assessment, selected, lang);
    return 0;
  }
  const todo = selected.filter((r) => values.all || (assessment.answers.get(r.id)?.status ?? 'not_assessed') === 'not_assessed');
  if (todo.length === 0) {
    out(io, m.nothingToDo(file));
    return 0;
  }
  const reader = lineReader(io);
  let answered = 0;
  try {
    for (const [i, req] of todo.entries()) {
      const existing = assessment.answers.get(req.id);
      if (existing && existing.key !== req.id) {
        out(io, m.coveredByLevel(req.id, existing.key));
        continue;
      }
      showRequirement(io, assessment, req, i + 1, todo.length, lang);
      const entry = await askAnswer(reader, m, io, assessment, req);
      if (entry === 'quit' || entry === 'eof') break;
      if (entry === 'skip') continue;
      assessment = save(io, catalog, file, assessment, req.id, entry);
      answered++;
    }
  } finally {
    reader.close();
  }
  const remaining = selected.filter((r) => (assessment.answers.get(r.id)?.status ?? 'not_assessed') === 'not_assessed').length;
  out(io, m.summary(answered, remaining, file));
  return 0;
}

function showRequirement(io: Io, a: Assessment, req: Requirement, n: number, total: number, lang: Lang): void {
  const idx = indexEdition(a.edition);
  const aspect = idx.aspect(req.aspectId)!;
  const control = idx.control(req.controlId)!;
  out(io);
  out(io, `[${n}/${total}] ${aspect.id} ${pick(aspect.title, lang)} › ${control.id} ${pick(control.title, lang)}`);
  out(io, `  ${req.id} — Level ${roman(req.level)}`);
  out(io, `  ${pick(req.text, lang)}`);
  if (req.official) out(io, `  official: ${req.official}`);
  const current = a.answers.get(req.id);
  if (current) out(io, `  current: ${current.status}${current.note ? ` — ${current.note}` : ''}`);
}

const KEYS: Record<string, Status> = { y: 'in_place', c: 'in_place_comparable', q: 'qualified_in_place', a: 'not_applicable', n: 'not_in_place' };

async function askAnswer(reader: LineReader, m: Messages, io: Io, a: Assessment, req: Requirement): Promise<AnswerEntry | 'skip' | 'quit' | 'eof'> {
  let status: Status | undefined;
  while (!status) {
    const key = await reader.ask(m.statusPrompt);
    if (key === undefined) return 'eof';
    const k = key.toLowerCase();
    if (k === 's' || k === '') return 'skip';
    if (k === 'x') return 'quit';
    status = KEYS[k];
    if (!status) out(io, m.badKey(key));
  }
  const entry: AnswerEntry = { status };
  const carry = STATUS_RULES[status].mustCarry;
  if (carry) {
    let value: string | undefined;
    while (!value) {
      value = await reader.ask(m.carryPrompt(carry, m.carryHints?.[carry] ?? STATUS_RULES[status].carryHint ?? ''));
      if (value === undefined) return 'eof';
      if (!value) out(io, m.required(carry));
    }
    entry[carry] = value;
  }
  const previous = a.answers.get(req.id);
  const note = await reader.ask(m.notePrompt);
  if (note === undefined) return 'eof';
  if (note) entry.note = note;
  else if (previous?.note) entry.note = previous.note;
  const evidence: EvidenceRef[] = [...(previous?.evidence ?? [])];
  for (;;) {
    const ref = await reader.ask(m.evidencePrompt);
    if (ref === undefined) return 'eof';
    if (!ref) break;
    if (/^https?:\/\//i.test(ref)) {
      const hash = await reader.ask(m.urlHashPrompt);
      if (hash === undefined) return 'eof';
      if (!/^[0-9a-fA-F]{64}$/.test(hash)) {
        out(io, m.badHash);
        continue;
      }
      evidence.push({ url: ref, sha256: hash.toLowerCase() });
      continue;
    }
    const abs = resolve(dirname(resolve(io.cwd, a.file)), ref);
    const hash = existsSync(abs) ? sha256File(abs) : undefined;
    if (!hash) {
      out(io, m.noFile(ref));
      continue;
    }
    evidence.push({ path: ref, sha256: hash });
    out(io, `  sha256 ${hash}`);
  }
  if (evidence.length > 0) entry.evidence = evidence;
  return entry;
}

/** Updates the answer in the YAML document, checks the whole file still validates, then writes it atomically. */
function save(io: Io, catalog: Catalog, file: string, a: Assessment, id: string, entry: AnswerEntry): Assessment {
  setAnswer(a.yaml.doc, id, entry);
  const text = documentText(a.yaml.doc);
  const next = parseAssessment(file, text, catalog);
  writeAtomic(resolve(io.cwd, file), text);
  return next;
}

function printChecklist(io: Io, a: Assessment, reqs: Requirement[], lang: Lang): void {
  const idx = indexEdition(a.edition);
  out(io, `${a.meta.organization} — ${a.meta.system}: ${a.edition.name} checklist`);
  let aspectId = '';
  let controlId = '';
  for (const r of reqs) {
    if (r.aspectId !== aspectId) {
      aspectId = r.aspectId;
      out(io);
      out(io, `${aspectId} ${pick(idx.aspect(aspectId)!.title, lang)}`);
    }
    if (r.controlId !== controlId) {
      controlId = r.controlId;
      out(io, `  ${controlId} ${pick(idx.control(controlId)!.title, lang)}`);
    }
    const status = a.answers.get(r.id)?.status ?? 'not_assessed';
    const box = status === 'not_assessed' ? '[ ]' : STATUS_RULES[status].satisfied ? '[x]' : '[-]';
    out(io, `    ${box} ${roman(r.level).padEnd(3)} ${r.id.padEnd(11)} ${pick(r.text, lang)}${status === 'not_assessed' ? '' : `  (${status})`}`);
  }
}
