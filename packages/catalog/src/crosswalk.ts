/**
 * Crosswalks map requirement ids between editions. A relation says how the *source* requirement
 * relates to the *target* one:
 *   equivalent  same intent;
 *   subset      the source asks for less than the target (it is a subset of the target);
 *   superset    the source asks for more than the target (meeting it meets the target);
 *   related     overlapping intent, neither contains the other;
 *   removed     the source requirement has no counterpart (only `from`);
 *   new         the target requirement has no counterpart (only `to`).
 * Crosswalk files are complete: every requirement of both editions appears at least once.
 */
import { CatalogError, type Problem } from '@keygrade/errors';
import { allRequirements, type Edition } from './model.js';
import { crosswalkFileSchema } from './schema.js';
import { parseLocatedYaml, validateLocated } from './yaml-source.js';

export type Relation = 'equivalent' | 'subset' | 'superset' | 'related' | 'removed' | 'new';
export const RELATIONS: readonly Relation[] = ['equivalent', 'subset', 'superset', 'related', 'removed', 'new'];

export interface Mapping {
  from?: string;
  to?: string;
  relation: Relation;
  note?: string;
}

export interface Crosswalk {
  from: string;
  to: string;
  note: string;
  /** True when derived (inverted or composed) rather than written by hand. */
  derived: boolean;
  mappings: Mapping[];
}

/** Parses and validates a crosswalk file against the two editions it connects. */
export function parseCrosswalk(file: { displayName: string; text: string }, editions: (id: string) => Edition): Crosswalk {
  const { yaml, problems } = parseLocatedYaml(file.displayName, file.text);
  if (!yaml) throw new CatalogError('CROSSWALK_INVALID', `crosswalk ${file.displayName} is not valid YAML`, { problems });
  const { value, problems: invalid } = validateLocated(yaml, crosswalkFileSchema);
  if (!value) throw new CatalogError('CROSSWALK_INVALID', `crosswalk ${file.displayName} is invalid`, { problems: invalid });
  const out: Problem[] = [];
  let source: Edition, target: Edition;
  try {
    source = editions(value.from);
    target = editions(value.to);
  } catch (cause) {
    throw new CatalogError('CROSSWALK_INVALID', `crosswalk ${file.displayName} names an unknown edition: ${(cause as Error).message}`, { cause });
  }
  const sourceIds = new Set(allRequirements(source).map((r) => r.id));
  const targetIds = new Set(allRequirements(target).map((r) => r.id));
  const pairs = new Set<string>();
  value.mappings.forEach((m, i) => {
    const at = (field: string, message: string) => out.push(yaml.problem(['mappings', i, field], message));
    if (m.relation === 'removed') {
      if (!m.from) at('from', 'a removed mapping needs from');
      if (m.to) at('to', 'a removed mapping has no to');
    } else if (m.relation === 'new') {
      if (!m.to) at('to', 'a new mapping needs to');
      if (m.from) at('from', 'a new mapping has no from');
    } else {
      if (!m.from) at('from', `a ${m.relation} mapping needs from`);
      if (!m.to) at('to', `a ${m.relation} mapping needs to`);
    }
    if (m.from && !sourceIds.has(m.from)) at('from', `${m.from} is not a requirement of ${value.from}`);
    if (m.to && !targetIds.has(m.to)) at('to', `${m.to} is not a requirement of ${value.to}`);
    const key = `${m.from ?? ''}>${m.to ?? ''}`;
    if (pairs.has(key)) at('relation', `mapping ${m.from ?? '∅'} -> ${m.to ?? '∅'} appears twice`);
    pairs.add(key);
  });
  const crosswalk: Crosswalk = { from: value.from, to: value.to, note: value.note, derived: false, mappings: value.mappings };
  for (const p of completeness(crosswalk, source, target)) out.push({ file: file.displayName, message: p });
  if (out.length > 0) throw new CatalogError('CROSSWALK_INVALID', `crosswalk ${file.displayName} is invalid (${out.length} problems)`, { problems: out });
  return crosswalk;
}

/** Lists what makes a crosswalk incomplete or contradictory (empty when it is sound). */
export function completeness(crosswalk: Crosswalk, source: Edition, target: Edition): string[] {
  const problems: string[] = [];
  const fromUse = new Map<string, Relation[]>();
  const toUse = new Map<string, Relation[]>();
  for (const m of crosswalk.mappings) {
    if (m.from) fromUse.set(m.from, [...(fromUse.get(m.from) ?? []), m.relation]);
    if (m.to) toUse.set(m.to, [...(toUse.get(m.to) ?? []), m.relation]);
  }
  for (const r of allRequirements(source)) {
    const use = fromUse.get(r.id);
    if (!use) problems.push(`${source.id} requirement ${r.id} is not mapped (map it or mark it removed)`);
    else if (use.includes('removed') && use.length > 1) problems.push(`${source.id} requirement ${r.id} is marked removed but also mapped`);
  }
  for (const r of allRequirements(target)) {
    const use = toUse.get(r.id);
    if (!use) problems.push(`${target.id} requirement ${r.id} is not mapped (map it or mark it new)`);
    else if (use.includes('new') && use.length > 1) problems.push(`${target.id} requirement ${r.id} is marked new but also mapped`);
  }
  return problems;
}

const INVERSE: Record<Relation, Relation> = {
  equivalent: 'equivalent',
  subset: 'superset',
  superset: 'subset',
  related: 'related',
  removed: 'new',
  new: 'removed',
};

/** The same crosswalk read the other way (subset <-> superset, removed <-> new). */
export function invertCrosswalk(c: Crosswalk): Crosswalk {
  return {
    from: c.to,
    to: c.from,
    note: `${c.note} (read from ${c.to} to ${c.from})`,
    derived: true,
    mappings: c.mappings.map((m) => ({
      ...(m.to !== undefined ? { from: m.to } : {}),
      ...(m.from !== undefined ? { to: m.from } : {}),
      relation: INVERSE[m.relation],
      ...(m.note !== undefined ? { note: m.note } : {}),
    })),
  };
}

/** Relation of a -> c given a -> b and b -> c. */
export function composeRelations(ab: Relation, bc: Relation): Relation {
  if (ab === 'equivalent') return bc;
  if (bc === 'equivalent') return ab;
  if (ab === bc && (ab === 'subset' || ab === 'superset')) return ab;
  return 'related';
}

/** Chains a -> b and b -> c into a -> c; pairs reached by several paths keep the closest relation. */
export function composeCrosswalks(ab: Crosswalk, bc: Crosswalk, a: Edition, c: Edition): Crosswalk {
  const next = new Map<string, Mapping[]>();
  for (const m of bc.mappings) if (m.from && m.to) next.set(m.from, [...(next.get(m.from) ?? []), m]);
  const found = new Map<string, { from: string; to: string; relations: Relation[]; via: Set<string> }>();
  for (const m of ab.mappings) {
    if (!m.from || !m.to) continue;
    for (const n of next.get(m.to) ?? []) {
      const key = `${m.from}>${n.to}`;
      const entry = found.get(key) ?? { from: m.from, to: n.to!, relations: [], via: new Set<string>() };
      entry.relations.push(composeRelations(m.relation, n.relation));
      entry.via.add(m.to);
      found.set(key, entry);
    }
  }
  const mappings: Mapping[] = [...found.values()].map((e) => ({
    from: e.from,
    to: e.to,
    relation: e.relations.includes('equivalent') ? 'equivalent' : e.relations.every((r) => r === e.relations[0]) ? e.relations[0]! : 'related',
    note: `via ${ab.to} ${[...e.via].join(', ')}`,
  }));
  const reachedFrom = new Set(mappings.map((m) => m.from));
  const reachedTo = new Set(mappings.map((m) => m.to));
  for (const r of allRequirements(a)) if (!reachedFrom.has(r.id)) mappings.push({ from: r.id, relation: 'removed', note: `no counterpart through ${ab.to}` });
  for (const r of allRequirements(c)) if (!reachedTo.has(r.id)) mappings.push({ to: r.id, relation: 'new', note: `no counterpart through ${ab.to}` });
  return { from: ab.from, to: bc.to, note: `composed: ${ab.from} -> ${ab.to} -> ${bc.to}`, derived: true, mappings };
}

/** Mappings of a crosswalk that start at a source requirement. */
export function mappingsFrom(c: Crosswalk, requirementId: string): Mapping[] {
  return c.mappings.filter((m) => m.from === requirementId);
}

/** Mappings of a crosswalk that end at a target requirement. */
export function mappingsTo(c: Crosswalk, requirementId: string): Mapping[] {
  return c.mappings.filter((m) => m.to === requirementId);
}
