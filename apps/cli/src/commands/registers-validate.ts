import { isKeygradeError, formatProblem } from '@keygrade/errors';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { readInput } from '../files.js';
import { out, type Io } from '../io.js';
import { crossCheckRegisters, parseRegisterFile, REGISTER_KINDS, type Registers } from '@keygrade/compliance';
import { formatOf, REGISTER_OPTION, registerOf } from './registers-shared.js';

export const spec: CommandSpec = {
  name: 'registers validate',
  summary: 'Check compliance register files (CSV or YAML) offline: every problem with its file, line and field.',
  description: [
    'Reads each file as `keygrade registers import` and the platform would, and reports every problem without',
    'touching any database. A CSV file holds one register: name it with --register or call the file <register>.csv.',
    'YAML files say what they hold (keygrade: compliance-register/v1 with register, or compliance-registers/v1).',
    'Exit 0 when every file is valid, 2 otherwise. See docs/guide/compliance.md.',
  ].join('\n'),
  args: ['<file...>'],
  options: {
    register: REGISTER_OPTION,
    format: { type: 'string', value: '<format>', description: 'csv or yaml (default: from the file extension)', choices: ['csv', 'yaml'] },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['keygrade registers validate securityTests.csv', 'keygrade registers validate registers.yaml --json', 'keygrade registers validate export.csv --register grantRevoke'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const results = positionals.map((file) => {
    const format = formatOf(file, values.format as string | undefined);
    try {
      const files = parseRegisterFile(readInput(io, file), file, format, registerOf(file, format, values.register as string | undefined));
      // A file of every register is cross-checked too (warnings only: registers may arrive in any order).
      const warnings = files.length === REGISTER_KINDS.length ? crossCheckRegisters(Object.fromEntries(files.map((f) => [f.kind, f.entries])) as unknown as Registers) : [];
      return { file, valid: true, registers: Object.fromEntries(files.filter((f) => f.entries.length > 0 || files.length === 1).map((f) => [f.kind, f.entries.length])), problems: [], warnings };
    } catch (e) {
      if (!isKeygradeError(e)) throw e;
      return { file, valid: false, message: e.message, problems: e.problems.length > 0 ? e.problems : [{ file, message: e.message }] };
    }
  });
  if (values.json) out(io, JSON.stringify({ valid: results.every((r) => r.valid), files: results }, null, 2));
  else {
    for (const r of results) {
      if (r.valid) {
        out(io, `${r.file}: valid (${Object.entries(r.registers ?? {}).map(([k, n]) => `${k}: ${n} entr${n === 1 ? 'y' : 'ies'}`).join(', ') || 'no entries'})`);
        for (const w of r.warnings ?? []) out(io, `  warning: ${w.ref} ${w.path}: ${w.message}`);
      }
      else {
        out(io, `${r.file}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
        for (const p of r.problems) out(io, `  ${formatProblem(p)}`);
      }
    }
  }
  return results.every((r) => r.valid) ? EXIT.ok : EXIT.usage;
}
