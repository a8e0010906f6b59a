import { pick, roman, type Lang } from '@keygrade/catalog';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { usage } from '../exit.js';
import { catalogFor } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'catalog show',
  summary: 'Show an edition: its aspects, controls and requirements with their levels.',
  args: ['<edition>'],
  options: {
    json: { type: 'boolean', description: 'print the unified model as JSON' },
    lang: langOption('language of the wording'),
    level: { type: 'string', value: '<1|2|3>', description: 'only requirements up to this level', choices: ['1', '2', '3'] },
    aspect: { type: 'string', value: '<id>', description: 'only this aspect, e.g. 1.01' },
  },
  examples: ['keygrade catalog show ccss-2020', 'keygrade catalog show ccss-2020 --lang zh-CN --aspect 1.01', 'keygrade catalog show ccss-v9 --level 1 --json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const edition = catalogFor(io).edition(positionals[0]!);
  const lang = values.lang as Lang;
  const maxLevel = values.level ? Number(values.level) : 3;
  if (!edition.languages.includes(lang)) io.stderr.write(`note: ${edition.id} has no ${lang} wording; showing English\n`);
  const aspects = edition.aspects
    .filter((a) => !values.aspect || a.id === values.aspect)
    .map((a) => ({ ...a, controls: a.controls.map((c) => ({ ...c, requirements: c.requirements.filter((r) => r.level <= maxLevel) })) }));
  if (values.aspect && aspects.length === 0) throw usage(`${edition.id} has no aspect ${String(values.aspect)} (aspects: ${edition.aspects.map((a) => a.id).join(', ')})`);
  if (values.json) {
    out(io, JSON.stringify({ schema: 'keygrade.catalog/v1', ...edition, aspects }, null, 2));
    return 0;
  }
  out(io, `${edition.name} (${edition.id}, ${edition.published})`);
  out(io, edition.wordingNote);
  for (const a of aspects) {
    out(io);
    out(io, `${a.id} ${pick(a.title, lang)}`);
    for (const c of a.controls) {
      out(io, `  ${c.id} ${pick(c.title, lang)}`);
      for (const r of c.requirements) {
        out(io, `    [${roman(r.level).padEnd(3)}] ${r.id.padEnd(11)} ${pick(r.text, lang)}`);
        if (r.official) out(io, `                      official: ${r.official}`);
      }
    }
  }
  return 0;
}
