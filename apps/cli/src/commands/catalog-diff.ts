import { indexEdition, pick, RELATIONS, type Relation } from '@keygrade/catalog';
import type { CommandSpec, Parsed } from '../command.js';
import { catalogFor } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'catalog diff',
  summary: 'Show what changed from one edition to another, requirement by requirement, through the crosswalk.',
  description:
    'Relations read from the first edition to the second: equivalent (=), subset (<: the old one asks for less), superset (>: the old one asks for more), related (~), removed (-), new (+). Crosswalks not shipped directly are derived by inverting or chaining the shipped ones.',
  args: ['<from-edition>', '<to-edition>'],
  options: {
    json: { type: 'boolean', description: 'print JSON' },
    changes: { type: 'boolean', description: 'leave out equivalent mappings' },
  },
  examples: ['keygrade catalog diff ccss-2020 ccss-2021', 'keygrade catalog diff ccss-2021 ccss-v9 --changes', 'keygrade catalog diff ccss-2020 ccss-v9 --json'],
};

const MARK: Record<Relation, string> = { equivalent: '=', subset: '<', superset: '>', related: '~', removed: '-', new: '+' };

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const catalog = catalogFor(io);
  const [fromId, toId] = positionals as [string, string];
  const crosswalk = catalog.crosswalk(fromId, toId);
  const from = indexEdition(catalog.edition(fromId));
  const to = indexEdition(catalog.edition(toId));
  const counts = Object.fromEntries(RELATIONS.map((r) => [r, crosswalk.mappings.filter((m) => m.relation === r).length]));
  const mappings = crosswalk.mappings.filter((m) => !values.changes || m.relation !== 'equivalent');
  if (values.json) {
    out(io, JSON.stringify({ from: fromId, to: toId, derived: crosswalk.derived, note: crosswalk.note, counts, mappings }, null, 2));
    return 0;
  }
  out(io, `${fromId} -> ${toId}${crosswalk.derived ? ' (derived)' : ''}: ${crosswalk.note}`);
  out(io, RELATIONS.map((r) => `${MARK[r]} ${r} ${counts[r]}`).join('   '));
  out(io);
  const title = (id: string | undefined, idx: typeof from) => {
    const r = id ? idx.requirement(id) : undefined;
    return r ? pick(idx.control(r.controlId)!.title) : '';
  };
  for (const m of mappings) {
    const left = m.from ? `${m.from} ${title(m.from, from)}` : '';
    const right = m.to ? `${m.to} ${title(m.to, to)}` : '';
    const line = m.relation === 'removed' ? `- ${left}` : m.relation === 'new' ? `+ ${right}` : `${MARK[m.relation]} ${left}  ->  ${right}`;
    out(io, m.note ? `${line}   (${m.note})` : line);
  }
  return 0;
}
