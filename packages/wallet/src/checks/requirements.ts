/**
 * Which requirement of each CCSS edition a wallet rule gives evidence for (ids as in
 * packages/catalog/editions/<edition>/aspects/1.02.yaml and 1.03.yaml). The 2020 and 2021
 * editions number the 1.2.x controls differently (2021 dropped "unique address per transaction"
 * as 1.2.1); v9 splits controls into requirements (1.02.1.1 …).
 */
export type Edition = 'ccss-2020' | 'ccss-2021' | 'ccss-v9';
export const EDITIONS: readonly Edition[] = ['ccss-2020', 'ccss-2021', 'ccss-v9'];

export type RuleId =
  | 'min-signatures'
  | 'redundant-key'
  | 'deterministic'
  | 'distinct-seeds'
  | 'site-loss'
  | 'geographic-distribution'
  | 'organization-loss'
  | 'organizational-distribution'
  | 'device-separation'
  | 'backups-exist'
  | 'backup-environmental'
  | 'backup-access-control'
  | 'backup-seals'
  | 'backup-encrypted';

/** Rule → requirement ids per edition. An empty list: the edition has no matching requirement. */
export const REQUIREMENTS: Readonly<Record<RuleId, Readonly<Record<Edition, readonly string[]>>>> = {
  'min-signatures': { 'ccss-2020': ['1.2.2'], 'ccss-2021': ['1.2.1'], 'ccss-v9': ['1.02.1.1'] },
  'redundant-key': { 'ccss-2020': ['1.2.3'], 'ccss-2021': ['1.2.2'], 'ccss-v9': ['1.02.2.1'] },
  'deterministic': { 'ccss-2020': ['1.2.1', '1.2.4'], 'ccss-2021': ['1.2.3'], 'ccss-v9': [] },
  // Two keys from one seed are one key: the m-of-n and the redundancy are smaller than they look.
  'distinct-seeds': { 'ccss-2020': ['1.2.2', '1.2.3'], 'ccss-2021': ['1.2.1', '1.2.2'], 'ccss-v9': ['1.02.1.1', '1.02.2.1'] },
  'site-loss': { 'ccss-2020': ['1.2.5'], 'ccss-2021': ['1.2.4'], 'ccss-v9': ['1.02.3.1'] },
  'geographic-distribution': { 'ccss-2020': ['1.2.5'], 'ccss-2021': ['1.2.4'], 'ccss-v9': ['1.02.3.1'] },
  'organization-loss': { 'ccss-2020': ['1.2.6'], 'ccss-2021': ['1.2.5'], 'ccss-v9': ['1.02.4.1'] },
  'organizational-distribution': { 'ccss-2020': ['1.2.6'], 'ccss-2021': ['1.2.5'], 'ccss-v9': ['1.02.4.1'] },
  // Keys "managed by different actors": two keys in one device are one actor's.
  'device-separation': { 'ccss-2020': ['1.2.2'], 'ccss-2021': ['1.2.1'], 'ccss-v9': ['1.02.1.1'] },
  'backups-exist': { 'ccss-2020': ['1.3.2'], 'ccss-2021': ['1.3.2'], 'ccss-v9': ['1.03.2.1', '1.03.2.2'] },
  'backup-environmental': { 'ccss-2020': ['1.3.3'], 'ccss-2021': ['1.3.3'], 'ccss-v9': ['1.03.3.1'] },
  'backup-access-control': { 'ccss-2020': ['1.3.4'], 'ccss-2021': ['1.3.4'], 'ccss-v9': ['1.03.4.1'] },
  'backup-seals': { 'ccss-2020': ['1.3.5'], 'ccss-2021': ['1.3.5'], 'ccss-v9': ['1.03.5.1'] },
  'backup-encrypted': { 'ccss-2020': ['1.3.6'], 'ccss-2021': ['1.3.6'], 'ccss-v9': ['1.03.6.1'] },
};
