import { basename, dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseWording, WORDING_SCHEMA, wordingCoverage, type StoredWording } from '@keygrade/catalog';
import type { CommandSpec, Parsed } from '../command.js';
import { catalogFor, readInput, wordingPath, writeAtomic } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'catalog import-wording',
  summary: 'Attach the official requirement wording you hold to an edition, on this machine only.',
  description:
    'Keygrade ships its own summaries, never the copyrighted official text. If you hold the official wording (e.g. of CCSS v9), import it from CSV (columns requirement_id,text) or JSON ({ "<id>": "<text>" }). It is stored under $KEYGRADE_HOME/wording (default ~/.keygrade) and shown by `catalog show`, checklists and reports. Importing again replaces the previous wording.',
  args: ['<edition>', '<file>'],
  options: { json: { type: 'boolean', description: 'print the result as JSON' } },
  examples: ['keygrade catalog import-wording ccss-v9 ccss-v9-wording.csv', 'KEYGRADE_HOME=./.keygrade keygrade catalog import-wording ccss-v9 wording.json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const [editionId, file] = positionals as [string, string];
  const edition = catalogFor(io).edition(editionId);
  const wording = parseWording(edition, basename(file), readInput(io, file));
  const stored: StoredWording = { schema: WORDING_SCHEMA, edition: edition.id, importedFrom: basename(file), importedAt: io.now().toISOString(), requirements: Object.fromEntries(wording) };
  const path = wordingPath(io, edition.id);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeAtomic(path, `${JSON.stringify(stored, null, 2)}\n`);
  const { covered, total } = wordingCoverage(edition, wording);
  if (values.json) out(io, JSON.stringify({ edition: edition.id, stored: path, covered, total }));
  else out(io, `Imported official wording for ${covered} of ${total} ${edition.id} requirements into ${path} (kept on this machine; never shipped).`);
  return 0;
}
