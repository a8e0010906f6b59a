import { allControls, allRequirements } from '@keygrade/catalog';
import type { CommandSpec, Parsed } from '../command.js';
import { catalogFor } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'catalog list',
  summary: 'List the CCSS editions Keygrade ships, with their size and languages.',
  args: [],
  options: { json: { type: 'boolean', description: 'print JSON' } },
  examples: ['keygrade catalog list', 'keygrade catalog list --json'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const catalog = catalogFor(io);
  const rows = catalog.editionIds.map((id) => {
    const e = catalog.edition(id);
    return { id, name: e.name, published: e.published, style: e.style, languages: e.languages, aspects: e.aspects.length, controls: allControls(e).length, requirements: allRequirements(e).length };
  });
  if (values.json) {
    out(io, JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const r of rows) {
    out(io, `${r.id.padEnd(11)} ${r.name.padEnd(28)} ${String(r.aspects).padStart(2)} aspects  ${String(r.controls).padStart(2)} ${r.style === 'component' ? 'components' : 'controls  '}  ${String(r.requirements).padStart(2)} requirements  ${r.languages.join(', ')}`);
  }
  return 0;
}
