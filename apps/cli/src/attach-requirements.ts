/**
 * Which requirements the result of each evidence-producing command is evidence for, per CCSS
 * edition (used by `--attach`, apps/cli/src/attach.ts). Ids are control ids or requirement ids of
 * packages/catalog/editions/<edition>; a control id stands for every requirement of the control
 * (ccss-2020/2021 grade level cells: 1.4.6 → 1.4.6.L2, 1.4.6.L3; v9: 1.05.8 → 1.05.8.1).
 * attach-requirements.test.ts checks that every id exists in its edition.
 *
 * Where the ids come from (the wording in the edition files):
 *   - psbt check: "Spends are verified before signing" (2020/2021 1.4.6), "Spend Verification" (v9 1.05.8).
 *   - sigs scan, signer check: signature nonces — "DRBG Compliance" under Key Usage (2020/2021 1.4.8),
 *     v9 1.05.10 ("Signature nonces ('k' values) never repeat").
 *   - rng test (SP 800-22), rng health (SP 800-90B): "DRBG Compliance" of key generation (1.1.3; v9
 *     1.01.3.1: "…or from a non-deterministic generator that passes recognised statistical randomness
 *     tests"), "Entropy Pool" (1.1.4; v9 1.01.4.1); rng test also "Creation methodology is validated"
 *     (1.1.2; v9 1.01.2.1).
 *   - rng dice / rng cards: physical sources "checked for bias" (1.1.2; v9 1.01.2.1) and entropy (1.1.4; v9 1.01.4.1).
 *   - ceremony verify: key generation — "Operator-created Key / Seed" (1.1.1) and "Creation methodology is
 *     validated" (1.1.2: software signature checked before every run); v9 1.01.1.1-1.01.1.3 (actor-generated,
 *     documented, signed-off steps) and 1.01.2.2 (software checked before each use).
 *   - kcp sweep: "KCP Training + Rehearsals" (1.5.2; v9 2.04.2.1): a sweep built in a drill is a rehearsal record.
 *   - por verify-proof / por assets: "Proof of Reserve Audits" (2020/2021 2.3.1). v9 has no proof-of-reserve
 *     requirement (its 2.03 is Governance and Risk), so nothing by default there.
 *   - log verify: v9 2.02.2.2 (audit logs protected so that they cannot be altered); 2020/2021 have no log aspect.
 *   - wallet check: the requirements its findings map to (packages/wallet/src/checks/requirements.ts).
 *   - wallet prove-control, cert verify: none by default (pass --attach-requirements).
 */
import { REQUIREMENTS, type RuleId } from '@keygrade/wallet';

export type EditionId = 'ccss-2020' | 'ccss-2021' | 'ccss-v9';
export type ByEdition = Readonly<Record<EditionId, readonly string[]>>;

export interface AttachMapping {
  /** Fixed ids per edition. */
  ids?: ByEdition;
  /** Ids that depend on the result (wallet check: the rules that were decided). */
  fromResult?: (result: unknown, edition: string) => string[];
}

const same = (ids: readonly string[], v9: readonly string[]): ByEdition => ({ 'ccss-2020': ids, 'ccss-2021': ids, 'ccss-v9': v9 });
const NONE: ByEdition = same([], []);

/** A wallet check's findings: pass and fail are evidence for their requirements; "not determinable" is not. */
function walletFindings(result: unknown, edition: string): string[] {
  const findings = (result as { findings?: { rule: string; status: string }[] } | undefined)?.findings ?? [];
  return findings.filter((f) => f.status !== 'not-determinable').flatMap((f) => (REQUIREMENTS[f.rule as RuleId] as Record<string, readonly string[]> | undefined)?.[edition] ?? []);
}

export const ATTACH_REQUIREMENTS: Readonly<Record<string, AttachMapping>> = {
  'wallet check': { fromResult: walletFindings },
  'psbt check': { ids: same(['1.4.6'], ['1.05.8']) },
  'sigs scan': { ids: same(['1.4.8'], ['1.05.10']) },
  'signer check': { ids: same(['1.4.8'], ['1.05.10']) },
  'kcp sweep': { ids: same(['1.5.2'], ['2.04.2.1']) },
  'rng test': { ids: same(['1.1.2', '1.1.3', '1.1.4'], ['1.01.2.1', '1.01.3.1', '1.01.4.1']) },
  'rng health': { ids: same(['1.1.3', '1.1.4'], ['1.01.3.1', '1.01.4.1']) },
  'rng dice': { ids: same(['1.1.2', '1.1.4'], ['1.01.2.1', '1.01.4.1']) },
  'rng cards': { ids: same(['1.1.2', '1.1.4'], ['1.01.2.1', '1.01.4.1']) },
  'ceremony verify': { ids: same(['1.1.1', '1.1.2'], ['1.01.1.1', '1.01.1.2', '1.01.1.3', '1.01.2.2']) },
  'por verify-proof': { ids: same(['2.3.1'], []) },
  'por assets': { ids: same(['2.3.1'], []) },
  'log verify': { ids: same([], ['2.02.2.2']) },
  'wallet prove-control': { ids: NONE },
  'cert verify': { ids: NONE },
};

/** The ids (control or requirement) a command's result evidences in an edition, before expansion. */
export function evidencedIds(command: string, result: unknown, edition: string): string[] {
  const m = ATTACH_REQUIREMENTS[command];
  if (!m) return [];
  return [...new Set([...((m.ids as Record<string, readonly string[]> | undefined)?.[edition] ?? []), ...(m.fromResult?.(result, edition) ?? [])])];
}
