/**
 * Reading and writing an organization's compliance registers as files (issue 10, item 8): one
 * register as CSV or YAML (`compliance-register/v1`), or every register in one YAML file
 * (`compliance-registers/v1`). Shared by the API routes and `keygrade registers import|export`, so
 * both validate, count and audit an import the same way. An import is all or nothing.
 */
import type { Kysely } from 'kysely';
import { REGISTER_KINDS, emptyRegisters, registersToYaml, registerToCsv, registerToYaml, ComplianceError, type RegisterEntries, type RegisterFiles, type RegisterKind, type Registers } from '@keygrade/compliance';
import { audited, createComplianceEntry, listComplianceEntries, retireComplianceEntry, updateComplianceEntry, type Database } from '@keygrade/db';

/** Counts of an import. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  retired: number;
}

export type ImportMode = 'merge' | 'replace';
export type RegisterFormat = 'csv' | 'yaml';

/** The organization's active registers, as stored (every entry was validated when written). */
export async function loadRegisters(k: Kysely<Database>, orgId: string): Promise<Registers> {
  const regs = emptyRegisters();
  for (const e of await listComplianceEntries(k, orgId)) {
    if ((REGISTER_KINDS as readonly string[]).includes(e.register)) (regs[e.register as RegisterKind] as unknown[]).push(e.entry);
  }
  return regs;
}

/** Writes validated register files: creates, updates, keeps, and in `replace` mode retires what a file lacks. Call inside a transaction. */
export async function applyRegisterImport(trx: Kysely<Database>, orgId: string, files: RegisterFiles, mode: ImportMode, by: { actor: string; at: Date }): Promise<ImportCounts> {
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, retired: 0 };
  for (const { kind, entries } of files) {
    const existing = new Map((await listComplianceEntries(trx, orgId, { register: kind, includeRetired: true })).map((e) => [e.id, e]));
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.id);
      const prior = existing.get(entry.id);
      if (!prior || prior.retiredAt !== null) {
        await createComplianceEntry(trx, orgId, kind, entry.id, entry, by);
        counts.created++;
      } else if (JSON.stringify(prior.entry) === JSON.stringify(entry)) counts.unchanged++;
      else {
        await updateComplianceEntry(trx, orgId, kind, entry.id, entry, prior.version, by);
        counts.updated++;
      }
    }
    if (mode === 'replace') {
      for (const e of existing.values()) {
        if (e.retiredAt === null && !seen.has(e.id)) {
          await retireComplianceEntry(trx, orgId, kind, e.id, e.version, by);
          counts.retired++;
        }
      }
    }
  }
  return counts;
}

/** Validates and imports files in one audited transaction (all or nothing). */
export async function importRegisterFiles(k: Kysely<Database>, orgId: string, files: RegisterFiles, mode: ImportMode, who: { actor: string; requestId: string; at: Date }, meta: Record<string, unknown> = {}): Promise<ImportCounts> {
  const one = files.length === 1 ? files[0]!.kind : undefined;
  return audited(k, who, one ? 'compliance.register.import' : 'compliance.registers.import', `org:${orgId}${one ? `/${one}` : ''}`, (trx) => applyRegisterImport(trx, orgId, files, mode, { actor: who.actor, at: who.at }), (c) => ({ ...meta, mode, ...c }));
}

/** One register as CSV or YAML, or (without `kind`) every register as YAML; imports back unchanged. */
export async function exportRegisters(k: Kysely<Database>, orgId: string, kind: RegisterKind | undefined, format: RegisterFormat): Promise<string> {
  const regs = await loadRegisters(k, orgId);
  if (!kind) {
    if (format === 'csv') throw new ComplianceError('COMPLIANCE_IMPORT_INVALID', 'CSV holds one register: name it, or export every register as YAML', { problems: [{ path: 'format', message: 'csv needs a register' }] });
    return registersToYaml(regs);
  }
  const entries = regs[kind] as RegisterEntries[typeof kind][];
  return format === 'csv' ? registerToCsv(kind, entries) : registerToYaml(kind, entries);
}
