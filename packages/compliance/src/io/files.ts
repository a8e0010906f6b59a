/**
 * Reading a register file whatever it holds: CSV of one register, YAML of one register
 * (`compliance-register/v1`) or of every register (`compliance-registers/v1`). Used by the platform's
 * import and by `keygrade registers validate|import`.
 */
import { ComplianceError } from '../errors.js';
import { REGISTER_KINDS, type RegisterKind } from '../registers.js';
import { registerFromCsv } from './csv.js';
import { registerFromYaml, registersFromYaml } from './yaml.js';

/** The entries of some registers, as read from a file. */
export type RegisterFiles = { kind: RegisterKind; entries: readonly { id: string }[] }[];

/**
 * Reads a register file as `keygrade registers import` takes it: CSV needs the register (`kind`);
 * YAML says which register it holds (one, or all). Throws ComplianceError with located problems.
 */
export function parseRegisterFile(text: string, name: string, format: 'csv' | 'yaml', kind?: RegisterKind): RegisterFiles {
  if (format === 'csv') {
    if (!kind) throw new ComplianceError('COMPLIANCE_IMPORT_INVALID', `${name}: a CSV file holds one register; say which (${REGISTER_KINDS.join(', ')})`, { problems: [{ file: name, message: 'which register?' }] });
    return [{ kind, entries: registerFromCsv(kind, text, name) }];
  }
  if (/^\s*keygrade\s*:\s*["']?compliance-registers\/v1/m.test(text)) {
    if (kind) throw new ComplianceError('COMPLIANCE_IMPORT_INVALID', `${name} holds every register (compliance-registers/v1), not only ${kind}`, { problems: [{ file: name, path: 'keygrade', message: `expected a ${kind} file` }] });
    const regs = registersFromYaml(text, name);
    return REGISTER_KINDS.map((k) => ({ kind: k, entries: regs[k] as { id: string }[] }));
  }
  const file = registerFromYaml(text, name);
  if (kind && file.kind !== kind) throw new ComplianceError('COMPLIANCE_IMPORT_INVALID', `${name} holds the ${file.kind} register, not ${kind}`, { problems: [{ file: name, path: 'register', message: `expected ${kind}` }] });
  return [{ kind: file.kind, entries: file.entries }];
}

