import { parseRegisterFile } from '@keygrade/compliance';
import { importRegisterFiles } from '@keygrade/server';
import type { CommandSpec, Parsed } from '../command.js';
import { readInput } from '../files.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';
import { formatOf, REGISTER_OPTION, registerOf, requireOrg } from './registers-shared.js';

export const spec: CommandSpec = {
  name: 'registers import',
  summary: "Import compliance register files (CSV or YAML) into an organization of this instance's database.",
  description: [
    'Validates the whole file first and writes nothing unless every entry is valid (all or nothing), in one',
    'transaction with its audit-log entry, exactly as the API import does. merge (default) adds new ids and',
    'updates changed entries; replace also retires the entries of the imported register(s) that the file lacks',
    '(retired entries keep their history). A CSV file holds one register: --register or a file named',
    '<register>.csv. Operates on the database directly (--db); against a remote server use the API.',
    'See docs/guide/compliance.md.',
  ].join('\n'),
  args: ['<file>'],
  options: {
    org: { type: 'string', value: '<orgId>', description: 'the organization whose registers these are (required)' },
    register: REGISTER_OPTION,
    format: { type: 'string', value: '<format>', description: 'csv or yaml (default: from the file extension)', choices: ['csv', 'yaml'] },
    mode: { type: 'string', value: '<mode>', description: 'merge or replace', choices: ['merge', 'replace'], default: 'merge' },
    db: DB_OPTION,
    json: { type: 'boolean', description: 'print the counts as JSON' },
  },
  examples: ['keygrade registers import securityTests.csv --org 3f2a…', 'keygrade registers import registers.yaml --org 3f2a… --mode replace', 'keygrade registers import requests.csv --register grantRevoke --org 3f2a… --json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const format = formatOf(file, values.format as string | undefined);
  // Parse and validate before opening the database: a bad file never touches it.
  const files = parseRegisterFile(readInput(io, file), file, format, registerOf(file, format, values.register as string | undefined));
  const mode = (values.mode as 'merge' | 'replace' | undefined) ?? 'merge';
  return withInstance(io, values.db as string | undefined, async (i) => {
    const orgId = await requireOrg(i.db.kysely, values.org as string | undefined);
    await i.ensureAuditLog();
    const counts = await importRegisterFiles(i.db.kysely, orgId, files, mode, i.who(), { file, format });
    const kinds = files.map((f) => f.kind);
    if (values.json) out(io, JSON.stringify({ registers: kinds, mode, ...counts }, null, 2));
    else out(io, `Imported ${file} into ${kinds.length === 1 ? kinds[0] : 'every register'} (${mode}): ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.retired} retired.`);
    return 0;
  });
}
