/**
 * YAML import and export of registers: one register per file (`keygrade: compliance-register/v1`,
 * `register: <kind>`, `entries: [...]`) or all of a system's registers in one file
 * (`keygrade: compliance-registers/v1` and one list per register). Problems name file, line and field
 * (through the catalog's located YAML reader).
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { formatPath, parseLocatedYaml, type LocatedYaml } from '@keygrade/catalog';
import type { Problem } from '@keygrade/errors';
import { ComplianceError } from '../errors.js';
import { REGISTER_KINDS, registerProblems, validateRegisters, type RegisterEntries, type RegisterKind, type Registers } from '../registers.js';

export const REGISTER_FORMAT = 'compliance-register/v1';
export const REGISTERS_FORMAT = 'compliance-registers/v1';

const yamlText = (data: unknown) => stringify(data, { lineWidth: 0 });

/** The YAML text of one register. */
export function registerToYaml<K extends RegisterKind>(kind: K, entries: readonly RegisterEntries[K][]): string {
  return yamlText({ keygrade: REGISTER_FORMAT, register: kind, entries });
}

/** The YAML text of every register of a system (empty registers included, so the file shows what can be filled). */
export function registersToYaml(registers: Registers): string {
  return yamlText({ keygrade: REGISTERS_FORMAT, ...Object.fromEntries(REGISTER_KINDS.map((k) => [k, registers[k]])) });
}

function parse(file: string, text: string): LocatedYaml {
  const { yaml, problems } = parseLocatedYaml(file, text);
  if (!yaml) throw new ComplianceError('COMPLIANCE_IMPORT_PARSE', `${file} is not valid YAML`, { problems });
  return yaml;
}

/** Re-locates problems whose paths are dotted (`policies.0.owner`) onto lines of the YAML document. */
function locate(yaml: LocatedYaml, problems: readonly Problem[], prefix: (string | number)[] = []): Problem[] {
  return problems.map((p) => {
    const path = [...prefix, ...(p.path ?? '').split('.').filter((s) => s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
    return { ...yaml.problem(path, p.message), path: formatPath(path) };
  });
}

function invalid(file: string, problems: Problem[]): ComplianceError {
  const first = problems[0]!;
  return new ComplianceError('COMPLIANCE_IMPORT_INVALID', `${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}), first: ${first.path ? `${first.path}: ` : ''}${first.message}`, { problems });
}

const header = (format: string) => z.literal(format, { error: `keygrade must be "${format}" (the file format version)` });

/** Reads one register file; throws COMPLIANCE_IMPORT_PARSE or COMPLIANCE_IMPORT_INVALID with located problems. */
export function registerFromYaml(text: string, file = 'register.yaml'): { kind: RegisterKind; entries: RegisterEntries[RegisterKind][] } {
  const yaml = parse(file, text);
  const data = yaml.data as Record<string, unknown> | undefined;
  const problems: Problem[] = [];
  if (!data || typeof data !== 'object') throw invalid(file, [{ file, line: 1, message: `the file must be a mapping with keygrade: ${REGISTER_FORMAT}, register and entries` }]);
  if (!header(REGISTER_FORMAT).safeParse(data.keygrade).success) problems.push(yaml.problem(['keygrade'], `keygrade must be "${REGISTER_FORMAT}" (the file format version)`));
  const kind = data.register;
  if (typeof kind !== 'string' || !(REGISTER_KINDS as readonly string[]).includes(kind)) {
    problems.push(yaml.problem(['register'], `register must be one of ${REGISTER_KINDS.join(', ')}`));
    throw invalid(file, problems);
  }
  for (const key of Object.keys(data)) if (!['keygrade', 'register', 'entries'].includes(key)) problems.push(yaml.problem([key], `${key} is not a field of a register file`));
  const r = registerProblems(kind as RegisterKind, data.entries ?? [], '');
  problems.push(...locate(yaml, r.problems, ['entries']));
  if (problems.length > 0) throw invalid(file, problems);
  return { kind: kind as RegisterKind, entries: r.entries };
}

/** Reads a file of every register; throws COMPLIANCE_IMPORT_PARSE or COMPLIANCE_IMPORT_INVALID with located problems. */
export function registersFromYaml(text: string, file = 'registers.yaml'): Registers {
  const yaml = parse(file, text);
  const data = yaml.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') throw invalid(file, [{ file, line: 1, message: `the file must be a mapping with keygrade: ${REGISTERS_FORMAT}` }]);
  const { keygrade, ...rest } = data;
  const problems: Problem[] = [];
  if (!header(REGISTERS_FORMAT).safeParse(keygrade).success) problems.push(yaml.problem(['keygrade'], `keygrade must be "${REGISTERS_FORMAT}" (the file format version)`));
  try {
    const registers = validateRegisters(rest);
    if (problems.length > 0) throw invalid(file, problems);
    return registers;
  } catch (e) {
    if (!(e instanceof ComplianceError) || e.code !== 'COMPLIANCE_INVALID_ENTRY') throw e;
    throw invalid(file, [...problems, ...locate(yaml, e.problems)]);
  }
}
