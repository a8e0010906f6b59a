/**
 * The key compromise protocol itself (CCSS 2020/2021 1.5.1, v9 2.04.1), as a structured record: one
 * entry per version in force. It names the classes of key it covers (and which are critical), the
 * roles that act with their holders and backup actors, the ordered steps each role carries out, and
 * the authenticated channels the actors use to reach each other. A free-text KCP can still be kept as
 * a `key_compromise` policy; this record is what lets an auditor check the protocol's structure.
 */
import { z } from 'zod';
import type { Problem } from '@keygrade/errors';
import { dateOrderProblems, evidenceRefSchema, isoDate, join, requirementRef, text } from './common.js';

const keyClassSchema = z.strictObject({
  name: text('name'),
  /** A class whose compromise puts customer funds at risk. */
  critical: z.boolean({ error: 'critical must be true or false' }).default(false),
  description: text('description').optional(),
  /** Key inventory ids (or fingerprints) of the keys in this class. */
  keys: z.array(text('keys')).default([]),
});

const roleSchema = z.strictObject({
  name: text('name'),
  responsibilities: text('responsibilities'),
  /** People register ids of those who hold the role. */
  holders: z.array(text('holders')).min(1, 'holders must name at least one person'),
  /** People register ids of the backup actors who step in when no holder is reachable. */
  backups: z.array(text('backups')).min(1, 'backups must name at least one backup actor'),
});

const stepSchema = z.strictObject({
  action: text('action'),
  /** The role (by name) that carries the step out. */
  role: text('role'),
  /** The key classes (by name) the step deals with; empty: every class. */
  keyClasses: z.array(text('keyClasses')).default([]),
  /** How soon after the compromise is declared, in words (e.g. "within 1 hour"). */
  within: text('within').optional(),
});

const channelSchema = z.strictObject({
  name: text('name'),
  /** How each party proves who they are on the channel (e.g. "Signal safety numbers verified in person"). */
  authentication: text('authentication'),
  /** What the channel is used for (e.g. "declaring a compromise", "approving the sweep"). */
  purpose: text('purpose').optional(),
});

export const kcpProtocolSchema = z.strictObject({
  id: text('id'),
  version: text('version'),
  title: text('title').optional(),
  owner: text('owner'),
  approval: z.strictObject({ by: text('by'), on: isoDate('on') }).optional(),
  nextReview: isoDate('nextReview'),
  keyClasses: z.array(keyClassSchema).min(1, 'keyClasses must name at least one class of key'),
  roles: z.array(roleSchema).min(1, 'roles must name at least one role'),
  steps: z.array(stepSchema).min(1, 'steps must list at least one step'),
  channels: z.array(channelSchema).min(1, 'channels must name at least one authenticated channel'),
  /** Further requirements this protocol evidences (`<edition>:<id>`). */
  covers: z.array(requirementRef('covers')).default([]),
  /** The written protocol, when it is kept as a file too. */
  document: evidenceRefSchema.optional(),
});

export type KcpProtocol = z.infer<typeof kcpProtocolSchema>;

/**
 * Rules across fields: approval before the next review; names unique; every step names a defined
 * role and key classes; a role's backups are not its own holders; every class of key is dealt with
 * by at least one step (a step without classes deals with all).
 */
export function kcpProtocolProblems(p: KcpProtocol, base: string): Problem[] {
  const out = dateOrderProblems(p, base, [['approval.on', 'nextReview']]);
  const unique = (list: { name: string }[], field: string) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.name)) out.push({ path: join(base, field, i, 'name'), message: `${field} name "${x.name}" is used twice` });
      seen.add(x.name);
    });
    return seen;
  };
  const classes = unique(p.keyClasses, 'keyClasses');
  const roles = unique(p.roles, 'roles');
  unique(p.channels, 'channels');
  p.roles.forEach((r, i) => {
    for (const b of r.backups) if (r.holders.includes(b)) out.push({ path: join(base, 'roles', i, 'backups'), message: `${b} is both a holder and a backup of role "${r.name}"; a backup actor must be someone else` });
  });
  const handled = new Set<string>();
  p.steps.forEach((s, i) => {
    if (!roles.has(s.role)) out.push({ path: join(base, 'steps', i, 'role'), message: `role "${s.role}" is not one of the protocol's roles (${[...roles].join(', ')})` });
    for (const c of s.keyClasses) {
      if (!classes.has(c)) out.push({ path: join(base, 'steps', i, 'keyClasses'), message: `key class "${c}" is not one of the protocol's keyClasses (${[...classes].join(', ')})` });
      handled.add(c);
    }
    if (s.keyClasses.length === 0) for (const c of classes) handled.add(c);
  });
  p.keyClasses.forEach((c, i) => {
    if (!handled.has(c.name)) out.push({ path: join(base, 'keyClasses', i, 'name'), message: `no step deals with key class "${c.name}"` });
  });
  return out;
}
