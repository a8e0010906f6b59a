/**
 * The continuous-compliance registers (issue 10) and their validation. One zod schema per register
 * validates input and types the code; the rules across fields (dates in order, statuses that need a
 * date) follow. Every problem is reported, each with the field path (`policies.0.owner`).
 */
import type { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { ComplianceError } from './errors.js';
import { kcpDrillProblems, kcpDrillSchema, type KcpDrill } from './schema/drills.js';
import { grantRevokeProblems, grantRevokeSchema, type GrantRevokeRequest } from './schema/grant-revoke.js';
import { kcpProtocolProblems, kcpProtocolSchema, type KcpProtocol } from './schema/kcp-protocols.js';
import { personProblems, personSchema, type Person } from './schema/people.js';
import { policyProblems, policySchema, type Policy } from './schema/policies.js';
import { serviceProviderProblems, serviceProviderSchema, type ServiceProvider } from './schema/providers.js';
import { sanitizationEntrySchema, sanitizationProblems, type SanitizationEntry } from './schema/sanitization.js';
import { securityTestProblems, securityTestSchema, type SecurityTest } from './schema/security-tests.js';

export const REGISTER_KINDS = ['securityTests', 'sanitization', 'policies', 'people', 'providers', 'drills', 'kcpProtocols', 'grantRevoke'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

/** Every register of one system. */
export interface Registers {
  securityTests: SecurityTest[];
  sanitization: SanitizationEntry[];
  policies: Policy[];
  people: Person[];
  providers: ServiceProvider[];
  drills: KcpDrill[];
  kcpProtocols: KcpProtocol[];
  grantRevoke: GrantRevokeRequest[];
}

/** The entry type of each register. */
export interface RegisterEntries {
  securityTests: SecurityTest;
  sanitization: SanitizationEntry;
  policies: Policy;
  people: Person;
  providers: ServiceProvider;
  drills: KcpDrill;
  kcpProtocols: KcpProtocol;
  grantRevoke: GrantRevokeRequest;
}

interface RegisterSpec<K extends RegisterKind> {
  /** What one entry is called in messages. */
  noun: string;
  schema: z.ZodType<RegisterEntries[K], unknown>;
  problems: (entry: RegisterEntries[K], base: string) => Problem[];
}

export const REGISTERS: { readonly [K in RegisterKind]: RegisterSpec<K> } = {
  securityTests: { noun: 'security test', schema: securityTestSchema, problems: securityTestProblems },
  sanitization: { noun: 'sanitization entry', schema: sanitizationEntrySchema, problems: sanitizationProblems },
  policies: { noun: 'policy', schema: policySchema, problems: policyProblems },
  people: { noun: 'person', schema: personSchema, problems: personProblems },
  providers: { noun: 'service provider', schema: serviceProviderSchema, problems: serviceProviderProblems },
  drills: { noun: 'KCP drill', schema: kcpDrillSchema, problems: kcpDrillProblems },
  kcpProtocols: { noun: 'key compromise protocol', schema: kcpProtocolSchema, problems: kcpProtocolProblems },
  grantRevoke: { noun: 'grant/revoke request', schema: grantRevokeSchema, problems: grantRevokeProblems },
};

/** Empty registers, to start from. */
export function emptyRegisters(): Registers {
  return { securityTests: [], sanitization: [], policies: [], people: [], providers: [], drills: [], kcpProtocols: [], grantRevoke: [] };
}

/** True for a register name. */
export function isRegisterKind(s: unknown): s is RegisterKind {
  return typeof s === 'string' && (REGISTER_KINDS as readonly string[]).includes(s);
}

/** Turns zod issues into problems with dotted field paths under `base`. */
export function zodProblems(error: z.ZodError, base: string, noun: string): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = [base, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    if (issue.code === 'unrecognized_keys') {
      const why = noun === 'person' ? ' (registers keep references and hashes only, never personal documents)' : '';
      return issue.keys.map((k) => ({ path: path ? `${path}.${k}` : k, message: `${k} is not a field of a ${noun}${why}` }));
    }
    return [{ path: path || '(entry)', message: issue.message }];
  });
}

function headline(noun: string, problems: readonly Problem[]): string {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length === 2 ? '' : 's'})` : '';
  return `invalid ${noun}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`;
}

/** Problems of one entry (empty when valid) and the parsed entry when the shape is right. */
export function entryProblems<K extends RegisterKind>(kind: K, input: unknown, base = ''): { value?: RegisterEntries[K]; problems: Problem[] } {
  const spec = REGISTERS[kind] as RegisterSpec<K>;
  const parsed = spec.schema.safeParse(input);
  if (!parsed.success) return { problems: zodProblems(parsed.error, base, spec.noun) };
  const problems = spec.problems(parsed.data, base);
  return problems.length > 0 ? { problems } : { value: parsed.data, problems };
}

/**
 * Validates one register entry and returns it typed (defaults filled, text trimmed).
 * Throws COMPLIANCE_INVALID_ENTRY listing every problem, each with its field path.
 * @example validateEntry('policies', { id: 'P1', kind: 'key_storage', version: '1' }) // throws: owner is required …
 */
export function validateEntry<K extends RegisterKind>(kind: K, input: unknown): RegisterEntries[K] {
  const { value, problems } = entryProblems(kind, input);
  if (!value) throw new ComplianceError('COMPLIANCE_INVALID_ENTRY', headline(REGISTERS[kind].noun, problems), { problems });
  return value;
}

/** Problems of a whole register: every entry, plus ids used twice. Paths start at `<kind>.<index>`. */
export function registerProblems<K extends RegisterKind>(kind: K, input: unknown, base: string = kind): { entries: RegisterEntries[K][]; problems: Problem[] } {
  if (!Array.isArray(input)) return { entries: [], problems: [{ path: base, message: `${kind} must be a list of entries` }] };
  const entries: RegisterEntries[K][] = [];
  const problems: Problem[] = [];
  const ids = new Map<string, number>();
  input.forEach((raw, i) => {
    const r = entryProblems(kind, raw, `${base}.${i}`);
    problems.push(...r.problems);
    if (!r.value) return;
    const id = (r.value as { id: string }).id;
    const prior = ids.get(id);
    if (prior !== undefined) problems.push({ path: `${base}.${i}.id`, message: `id ${id} is used twice in ${kind} (also at ${base}.${prior})` });
    else ids.set(id, i);
    entries.push(r.value);
  });
  return { entries, problems };
}

/** Validates one register (a list of entries); throws COMPLIANCE_INVALID_ENTRY listing every problem. */
export function validateRegister<K extends RegisterKind>(kind: K, input: unknown): RegisterEntries[K][] {
  const { entries, problems } = registerProblems(kind, input);
  if (problems.length > 0) throw new ComplianceError('COMPLIANCE_INVALID_ENTRY', headline(`${kind} register`, problems), { problems });
  return entries;
}

/**
 * Validates every register of a system. Missing registers are empty; an unknown register name is
 * a problem. Throws COMPLIANCE_INVALID_ENTRY listing every problem.
 */
export function validateRegisters(input: unknown): Registers {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ComplianceError('COMPLIANCE_INVALID_ENTRY', 'registers must be an object with one list per register', { problems: [{ message: `known registers: ${REGISTER_KINDS.join(', ')}` }] });
  }
  const out = emptyRegisters();
  const problems: Problem[] = [];
  for (const key of Object.keys(input)) {
    if (!isRegisterKind(key)) problems.push({ path: key, message: `${key} is not a register (known: ${REGISTER_KINDS.join(', ')})` });
  }
  for (const kind of REGISTER_KINDS) {
    const raw = (input as Record<string, unknown>)[kind];
    if (raw === undefined) continue;
    const r = registerProblems(kind, raw);
    problems.push(...r.problems);
    (out[kind] as unknown[]) = r.entries;
  }
  if (problems.length > 0) throw new ComplianceError('COMPLIANCE_INVALID_ENTRY', headline('registers', problems), { problems });
  return out;
}

/** The reference of a register entry as evaluation results and events write it: `<register>/<id>`. */
export function entryRef(kind: RegisterKind, id: string): string {
  return `${kind}/${id}`;
}
