/**
 * References between registers that do not resolve: a drill participant, a KCP role holder or
 * backup, or the person of a grant/revoke request that is not in the people register; an
 * acknowledgement naming a policy the policies register lacks. These are warnings, not errors:
 * registers are imported one at a time and in any order, and a participant may be written as a
 * role name. They are shown beside the registers so a gap in the trail is seen.
 */
import type { Registers } from './registers.js';

export interface RegisterWarning {
  /** The entry: `drills/D-1`. */
  ref: string;
  /** The field within it: `participants.2`. */
  path: string;
  message: string;
}

/** Every unresolved reference between registers (empty when the people register is empty and nothing names a policy). */
export function crossCheckRegisters(r: Registers): RegisterWarning[] {
  const out: RegisterWarning[] = [];
  const people = new Set(r.people.map((p) => p.id));
  const policies = new Set(r.policies.map((p) => p.id));
  const person = (ref: string, path: string, id: string, what: string) => {
    if (people.size > 0 && !people.has(id)) out.push({ ref, path, message: `${what} ${id} is not in the people register` });
  };
  for (const d of r.drills) d.participants.forEach((id, i) => person(`drills/${d.id}`, `participants.${i}`, id, 'participant'));
  for (const p of r.kcpProtocols) {
    p.roles.forEach((role, i) => {
      role.holders.forEach((id, j) => person(`kcpProtocols/${p.id}`, `roles.${i}.holders.${j}`, id, `holder of role "${role.name}"`));
      role.backups.forEach((id, j) => person(`kcpProtocols/${p.id}`, `roles.${i}.backups.${j}`, id, `backup of role "${role.name}"`));
    });
  }
  for (const g of r.grantRevoke) person(`grantRevoke/${g.id}`, 'person', g.person, 'person');
  for (const p of r.people) {
    p.acknowledgements.forEach((a, i) => {
      if (a.policyId !== undefined && !policies.has(a.policyId)) out.push({ ref: `people/${p.id}`, path: `acknowledgements.${i}.policyId`, message: `policy ${a.policyId} is not in the policies register` });
    });
  }
  return out;
}
