import { exportRegisters } from '@keygrade/server';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { writeOutput } from '../files.js';
import { DB_OPTION, withInstance } from '../instance.js';
import { out, type Io } from '../io.js';
import { REGISTER_OPTION, registerOf, requireOrg } from './registers-shared.js';

export const spec: CommandSpec = {
  name: 'registers export',
  summary: "Export an organization's compliance registers as CSV (one register) or YAML (one or all).",
  description: [
    'Writes the active entries as `keygrade registers import` and the API read them back (export then import',
    'changes nothing). Without --register, every register in one YAML file (compliance-registers/v1).',
    'Operates on the database directly (--db). See docs/guide/compliance.md.',
  ].join('\n'),
  args: [],
  options: {
    org: { type: 'string', value: '<orgId>', description: 'the organization (required)' },
    register: REGISTER_OPTION,
    format: { type: 'string', value: '<format>', description: 'csv or yaml (default: csv for one register, yaml for all)', choices: ['csv', 'yaml'] },
    out: { type: 'string', short: 'o', value: '<file>', description: 'write to this file instead of printing' },
    db: DB_OPTION,
  },
  examples: ['keygrade registers export --org 3f2a… -o registers.yaml', 'keygrade registers export --org 3f2a… --register securityTests -o securityTests.csv', 'keygrade registers export --org 3f2a… --register policies --format yaml'],
};

export async function run({ values }: Parsed, io: Io): Promise<number> {
  const kind = values.register === undefined ? undefined : registerOf('', 'yaml', values.register as string);
  const format = (values.format as 'csv' | 'yaml' | undefined) ?? (kind ? 'csv' : 'yaml');
  if (!kind && format === 'csv') throw usage('CSV holds one register: add --register, or export every register as YAML');
  return withInstance(io, values.db as string | undefined, async (i) => {
    const orgId = await requireOrg(i.db.kysely, values.org as string | undefined);
    const text = await exportRegisters(i.db.kysely, orgId, kind, format);
    const written = writeOutput(io, values.out as string | undefined, text);
    if (written) out(io, `Wrote ${written}.`);
    return 0;
  });
}
