import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { migratedText, parseAssessment, planMigration } from '@keygrade/assessment';
import type { CommandSpec, Parsed } from '../command.js';
import { usage } from '../exit.js';
import { catalogFor, loadAssessment, writeOutput } from '../files.js';
import { out, today, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'migrate',
  summary: 'Carry an assessment to another edition through the crosswalk, and list what must be re-assessed.',
  description:
    'Answers of equivalent requirements are carried as they are; satisfied answers of stricter (superset) requirements are carried too. Everything else is left not_assessed with a note saying why, and listed. The input file is never changed.',
  args: ['<file>'],
  options: {
    to: { type: 'string', value: '<edition>', description: 'the target edition' },
    output: { type: 'string', short: 'o', value: '<file>', description: 'where to write the migrated assessment (default: <file>.<edition>.yaml)' },
    force: { type: 'boolean', description: 'overwrite the output file if it exists' },
    json: { type: 'boolean', description: 'print the migration plan as JSON' },
  },
  examples: ['keygrade migrate acme-2020.yaml --to ccss-2021', 'keygrade migrate acme-2021.yaml --to ccss-v9 -o acme-v9.yaml', 'keygrade migrate acme-2020.yaml --to ccss-v9 --json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  if (!values.to) throw usage('missing --to <edition> (see `keygrade catalog list`)');
  const catalog = catalogFor(io);
  const assessment = loadAssessment(io, file, catalog);
  const target = catalog.edition(String(values.to));
  if (target.id === assessment.edition.id) throw usage(`${file} is already an ${target.id} assessment`);
  const plan = planMigration(assessment, catalog.crosswalk(assessment.edition.id, target.id), target);
  const output = (values.output as string | undefined) ?? `${basename(file, extname(file))}.${target.id}.yaml`;
  if (existsSync(resolve(io.cwd, output)) && !values.force) throw usage(`${output} already exists; pass --force to overwrite it or choose -o`);
  const text = migratedText(assessment, plan, today(io));
  parseAssessment(output, text, catalog); // the migrated file must itself be valid
  writeOutput(io, output, text, { protect: [file] });
  if (values.json) {
    const { answers: _answers, ...rest } = plan;
    void _answers;
    out(io, JSON.stringify({ ...rest, output }, null, 2));
    return 0;
  }
  out(io, `Wrote ${output}: ${assessment.edition.id} -> ${target.id}`);
  out(io, `  carried:     ${plan.carried.length}`);
  out(io, `  re-assess:   ${plan.reassess.length}`);
  out(io, `  dropped:     ${plan.dropped.length} ${assessment.edition.id} requirements have no counterpart`);
  if (plan.reassess.length > 0) {
    out(io);
    out(io, 'Re-assess:');
    for (const r of plan.reassess) out(io, `  ${r.to.padEnd(11)} ${r.reason}`);
  }
  if (plan.dropped.length > 0) {
    out(io);
    out(io, 'Dropped:');
    for (const d of plan.dropped) out(io, `  ${d.from.padEnd(11)} (was ${d.status})`);
  }
  out(io);
  out(io, `Next: keygrade checklist ${output}`);
  return 0;
}
