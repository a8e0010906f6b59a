import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportCsv, exportJson, exportMarkdown, exportOscalCatalog, exportOscalProfiles, type Lang } from '@keygrade/catalog';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { usage } from '../exit.js';
import { catalogFor, writeAtomic, writeOutput } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'catalog export',
  summary: 'Export an edition as JSON (the unified model), Markdown, CSV or NIST OSCAL.',
  description:
    'OSCAL writes a folder: catalog.json (OSCAL 1.0.6 catalog) and profile-level-1.json, profile-level-2.json, profile-level-3.json (cumulative: Level N selects every requirement of level ≤ N). Other formats go to -o or stdout.',
  args: ['<edition>'],
  options: {
    format: { type: 'string', short: 'f', value: '<format>', description: 'export format', choices: ['json', 'md', 'csv', 'oscal'], default: 'json' },
    output: { type: 'string', short: 'o', value: '<path>', description: 'output file (a folder for oscal; default: stdout, or ./<edition>-oscal)' },
    lang: langOption('language (md and csv)'),
  },
  examples: [
    'keygrade catalog export ccss-2020 --format md --lang zh-CN -o ccss-2020.zh-CN.md',
    'keygrade catalog export ccss-v9 --format csv > ccss-v9.csv',
    'keygrade catalog export ccss-2021 --format oscal -o oscal/',
  ],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const edition = catalogFor(io).edition(positionals[0]!);
  const lang = values.lang as Lang;
  const output = values.output as string | undefined;
  switch (values.format) {
    case 'json':
      writeOutput(io, output, exportJson(edition));
      break;
    case 'md':
      writeOutput(io, output, exportMarkdown(edition, lang));
      break;
    case 'csv':
      writeOutput(io, output, exportCsv(edition, lang));
      break;
    case 'oscal': {
      if (output === '-') throw usage('OSCAL export writes a folder; give -o <folder>');
      const dir = resolve(io.cwd, output ?? `${edition.id}-oscal`);
      mkdirSync(dir, { recursive: true });
      const opts = { now: () => io.now().toISOString(), uuid: randomUUID };
      writeAtomic(join(dir, 'catalog.json'), `${JSON.stringify(exportOscalCatalog(edition, opts), null, 2)}\n`);
      const profiles = exportOscalProfiles(edition, 'catalog.json', opts);
      for (const p of profiles) writeAtomic(join(dir, `profile-level-${p.level}.json`), `${JSON.stringify(p.document, null, 2)}\n`);
      out(io, `Wrote ${join(dir, 'catalog.json')} and ${profiles.length} level profiles`);
      return 0;
    }
  }
  if (output && output !== '-') out(io, `Wrote ${output}`);
  return 0;
}
