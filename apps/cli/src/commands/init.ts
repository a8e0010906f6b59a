import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { scaffoldAssessment } from '@keygrade/assessment';
import type { Lang } from '@keygrade/catalog';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { usage } from '../exit.js';
import { catalogFor, writeAtomic } from '../files.js';
import { out, today, type Io } from '../io.js';
import { lineReader } from '../prompt.js';

export const spec: CommandSpec = {
  name: 'init',
  summary: 'Create a new self-assessment file for an edition.',
  description: 'Asks for the organization and system when run in a terminal; otherwise takes them from the flags (placeholders are written when they are missing). Never overwrites an existing file unless --force is given.',
  args: ['[file]'],
  options: {
    edition: { type: 'string', short: 'e', value: '<edition>', description: 'CCSS edition (see `keygrade catalog list`)', default: 'ccss-2020' },
    organization: { type: 'string', value: '<name>', description: 'the organization assessed' },
    system: { type: 'string', value: '<name>', description: 'the information system assessed' },
    scope: { type: 'string', value: '<text>', description: 'what the assessment covers' },
    assessor: { type: 'string', value: '<name>', description: 'who performs the self-assessment' },
    lang: langOption('language of the comments'),
    force: { type: 'boolean', description: 'overwrite an existing file' },
  },
  examples: [
    'keygrade init',
    'keygrade init acme.yaml --edition ccss-2021 --organization "Acme Exchange" --system "Cold storage"',
    'keygrade init v9.yaml -e ccss-v9',
  ],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0] ?? 'assessment.yaml';
  const path = resolve(io.cwd, file);
  if (existsSync(path) && !values.force) throw usage(`${file} already exists; choose another name or pass --force to overwrite it`);
  const edition = catalogFor(io).edition(String(values.edition));
  let organization = values.organization as string | undefined;
  let system = values.system as string | undefined;
  if (io.interactive && (!organization || !system)) {
    const reader = lineReader(io);
    try {
      organization ||= (await reader.ask('Organization assessed: ')) || undefined;
      system ||= (await reader.ask('Information system assessed: ')) || undefined;
    } finally {
      reader.close();
    }
  }
  const text = scaffoldAssessment(edition, {
    organization: organization ?? 'Your organization',
    system: system ?? 'Your information system',
    ...(values.scope ? { scope: String(values.scope) } : {}),
    ...(values.assessor ? { assessor: String(values.assessor) } : {}),
    assessedAt: today(io),
    lang: values.lang as Lang,
  });
  writeAtomic(path, text);
  out(io, `Created ${file} for ${edition.name} (${edition.id}).`);
  out(io, `Next: keygrade checklist ${file}`);
  return 0;
}
