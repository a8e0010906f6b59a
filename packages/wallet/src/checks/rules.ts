/**
 * Wallet checks (issue 8 §2): rules over a descriptor's spending policy and the key inventory,
 * each giving pass, fail or not determinable with the reason, mapped to the requirement ids of a
 * CCSS edition. Pure: the caller passes the clock (`now`) for seal-inspection ages.
 */
import { canSpend, type WalletPolicy } from '../descriptor/policy.js';
import type { Backup, Inventory, InventoryKey, Site } from '../inventory/schema.js';
import { REQUIREMENTS, type Edition, type RuleId } from './requirements.js';

export type FindingStatus = 'pass' | 'fail' | 'not-determinable';

export interface Finding {
  rule: RuleId;
  requirements: readonly string[];
  status: FindingStatus;
  reason: string;
}

export interface CheckOptions {
  edition?: Edition;
  inventory?: Inventory;
  /** Today, for the age of the last seal inspection. */
  now?: Date;
  /** A seal inspection older than this many days does not count (default 365). */
  sealMaxAgeDays?: number;
}

export interface WalletCheckReport {
  edition: Edition;
  scriptType: string;
  /** The widest quorum, e.g. "2-of-3". */
  quorum: string;
  keys: { key: string; fingerprint: string | undefined; inventory: string | undefined }[];
  findings: Finding[];
  summary: Record<FindingStatus, number>;
}

const list = (xs: readonly string[]) => xs.map((x) => JSON.stringify(x)).join(', ');
const short = (s: string) => (s.length > 24 ? `${s.slice(0, 12)}…${s.slice(-8)}` : s);

/** Runs every rule the edition maps to a requirement. */
export function checkWallet(policy: WalletPolicy, opts: CheckOptions = {}): WalletCheckReport {
  const edition = opts.edition ?? 'ccss-2021';
  const inv = opts.inventory;
  const now = opts.now ?? new Date();
  const maxAge = opts.sealMaxAgeDays ?? 365;
  const n = policy.keys.length;
  const label = (i: number) => inventoryOf[i]?.id ?? policy.keys[i]!.fingerprint ?? short(policy.keys[i]!.xpub ?? policy.keys[i]!.pubkey ?? policy.keys[i]!.text);

  // Match each descriptor key with its inventory entry: by xpub, else by master fingerprint.
  const inventoryOf: (InventoryKey | undefined)[] = policy.keys.map((k) => inv?.keys.find((x) => (k.xpub !== undefined && x.xpub === k.xpub) || (k.fingerprint !== undefined && x.fingerprint === k.fingerprint)));
  const siteOf = (i: number): Site | undefined => inv?.sites.find((s) => s.id === inventoryOf[i]?.site);
  const unmatched = policy.keys.map((_, i) => i).filter((i) => !inventoryOf[i]);
  const noInventory = (what: string) => (inv ? `key${unmatched.length > 1 ? 's' : ''} ${unmatched.map(label).join(', ')} ${unmatched.length > 1 ? 'are' : 'is'} not in the inventory (matched by xpub or fingerprint), so ${what} cannot be determined` : `no key inventory was given, so ${what} cannot be determined`);
  const paths = policy.spendPaths;
  const quorum = paths.length === 0 ? 'none' : paths.map((p) => `${p.threshold}-of-${p.keys.length}`).join(' or ');
  const findings: Finding[] = [];
  const add = (rule: RuleId, status: FindingStatus, reason: string) => {
    const requirements = REQUIREMENTS[rule][edition];
    if (requirements.length > 0) findings.push({ rule, requirements, status, reason });
  };
  const noPaths = 'the descriptor has no key-based spend path (raw() or addr())';

  // min-signatures: every path that can move funds needs at least two signatures.
  if (paths.length === 0) add('min-signatures', 'not-determinable', noPaths);
  else {
    const weak = paths.filter((p) => p.threshold < 2);
    add('min-signatures', weak.length ? 'fail' : 'pass', weak.length ? `${weak.map((p) => `the ${p.label} spends with ${p.threshold} signature`).join('; ')}` : `every spend path needs at least 2 signatures (${quorum})`);
  }

  // redundant-key: losing any one key still leaves a spend path.
  if (paths.length === 0) add('redundant-key', 'not-determinable', noPaths);
  else {
    const critical = policy.keys.map((_, i) => i).filter((i) => !canSpend(policy, (k) => k !== i));
    add('redundant-key', critical.length ? 'fail' : 'pass', critical.length ? `losing key ${critical.map(label).join(' or ')} leaves no spend path (${quorum})` : `the funds can still be spent after the loss of any one of the ${n} keys (${quorum})`);
  }

  // deterministic: extended keys with a /* wildcard (a fresh address per index).
  const loose = policy.keys.map((_, i) => i).filter((i) => !policy.keys[i]!.hd);
  add('deterministic', loose.length ? 'fail' : 'pass', loose.length ? `key ${loose.map(label).join(', ')} is not an extended key with a /* wildcard` : `all ${n} keys are BIP 32 extended keys deriving a fresh address per index`);

  // distinct-seeds: no fingerprint or xpub twice.
  {
    const fp = policy.keys.map((k, i) => k.fingerprint ?? inventoryOf[i]?.fingerprint);
    const dupFp = [...new Set(fp.filter((f, i) => f !== undefined && fp.indexOf(f) !== i))];
    const xp = policy.keys.map((k) => k.xpub);
    const dupX = [...new Set(xp.filter((x, i) => x !== undefined && xp.indexOf(x) !== i))];
    const unknown = fp.map((f, i) => (f === undefined ? i : -1)).filter((i) => i >= 0);
    if (dupFp.length || dupX.length) add('distinct-seeds', 'fail', [dupFp.length ? `master fingerprint ${list(dupFp as string[])} appears on more than one key (one seed)` : '', dupX.length ? `the same extended key is used more than once (${dupX.map((x) => short(x!)).join(', ')})` : ''].filter(Boolean).join('; '));
    else if (unknown.length) add('distinct-seeds', 'not-determinable', `key ${unknown.map(label).join(', ')} has no master fingerprint (neither a key origin nor an inventory fingerprint), so seeds cannot be compared`);
    else add('distinct-seeds', 'pass', `the ${n} keys have ${n} different master fingerprints and extended keys`);
  }

  // site-loss and organization-loss, geographic and organizational distribution.
  const groupRules = (loss: RuleId, spread: RuleId, what: string, of: (i: number) => string | undefined, extra: (groups: string[]) => string) => {
    if (paths.length === 0) {
      add(loss, 'not-determinable', noPaths);
      add(spread, 'not-determinable', noPaths);
      return;
    }
    if (unmatched.length || policy.keys.some((_, i) => of(i) === undefined)) {
      add(loss, 'not-determinable', noInventory(`the ${what} of every key`));
      add(spread, 'not-determinable', noInventory(`the ${what} of every key`));
      return;
    }
    const groups = [...new Set(policy.keys.map((_, i) => of(i)!))];
    const fatal = groups.filter((g) => !canSpend(policy, (k) => of(k) !== g));
    add(loss, fatal.length ? 'fail' : 'pass', fatal.length ? `losing ${what} ${list(fatal)} leaves no spend path (${quorum})` : `the quorum (${quorum}) survives the loss of any one of ${groups.length} ${what}s: ${list(groups)}`);
    const alone = groups.filter((g) => canSpend(policy, (k) => of(k) === g));
    if (groups.length < 2) add(spread, 'fail', `all keys are with one ${what}: ${list(groups)}`);
    else if (alone.length) add(spread, 'fail', `${what} ${list(alone)} holds enough keys to spend on its own (${quorum})`);
    else add(spread, 'pass', `keys are spread over ${groups.length} ${what}s and none holds a spending quorum${extra(groups)}`);
  };
  groupRules('site-loss', 'geographic-distribution', 'site', (i) => inventoryOf[i]?.site, (groups) => {
    const sites = groups.map((g) => inv?.sites.find((s) => s.id === g));
    const countries = new Set(sites.map((s) => s?.country));
    const regions = new Set(sites.map((s) => `${s?.country}/${s?.region ?? '?'}`));
    return ` (${countries.size} countr${countries.size === 1 ? 'y' : 'ies'}, ${regions.size} region${regions.size === 1 ? '' : 's'})`;
  });
  groupRules('organization-loss', 'organizational-distribution', 'organization', (i) => inventoryOf[i]?.organization, () => '');

  // device-separation: no two keys of the wallet on one device.
  if (unmatched.length) add('device-separation', 'not-determinable', noInventory('the device of every key'));
  else {
    const dev = policy.keys.map((_, i) => inventoryOf[i]!.device);
    const dup = [...new Set(dev.filter((d, i) => d !== undefined && dev.indexOf(d) !== i))] as string[];
    const none = dev.map((d, i) => (d === undefined ? i : -1)).filter((i) => i >= 0);
    if (dup.length) add('device-separation', 'fail', `device ${list(dup)} holds more than one key of this wallet`);
    else if (none.length === n) add('device-separation', 'not-determinable', 'no key records its device');
    else add('device-separation', 'pass', `no device holds two keys of this wallet${none.length ? ` (no device recorded for ${none.map(label).join(', ')})` : ''}`);
  }

  // Backups (CCSS 1.3.x / v9 1.03.x).
  const backups: { b: Backup; key: number }[] = [];
  policy.keys.forEach((_, i) => {
    const k = inventoryOf[i];
    if (k) for (const b of inv?.backups ?? []) if (b.key === k.id) backups.push({ b, key: i });
  });
  const bname = (x: { b: Backup; key: number }) => x.b.id ?? `backup of ${label(x.key)} at ${x.b.site}`;
  const m = Math.max(0, ...paths.map((p) => p.threshold));
  if (!inv) add('backups-exist', 'not-determinable', noInventory('the backups'));
  else {
    const colocated = backups.filter((x) => x.b.site === inventoryOf[x.key]?.site || siteOf(x.key) === undefined);
    const offsite = new Set(backups.filter((x) => !colocated.includes(x)).map((x) => x.key));
    if (colocated.length) add('backups-exist', 'fail', `${colocated.map(bname).join(', ')} ${colocated.length > 1 ? 'are' : 'is'} kept at the same site as ${colocated.length > 1 ? 'their primary keys' : 'its primary key'}`);
    else if (offsite.size < m) add('backups-exist', 'fail', `${offsite.size} key${offsite.size === 1 ? ' has' : 's have'} a backup away from the primary; restoring a ${m}-signature quorum needs at least ${m}`);
    else add('backups-exist', 'pass', `${offsite.size} of ${n} keys have backups, each at a site other than its primary (quorum needs ${m})`);
  }
  const perBackup = (rule: RuleId, bad: (b: Backup) => string | undefined, ok: string) => {
    if (backups.length === 0) return add(rule, 'not-determinable', inv ? 'the inventory lists no backup of this wallet\'s keys' : noInventory('the backups'));
    const why = backups.map((x) => [bname(x), bad(x.b)] as const).filter(([, w]) => w !== undefined);
    add(rule, why.length ? 'fail' : 'pass', why.length ? why.map(([k, w]) => `${k}: ${w}`).join('; ') : `all ${backups.length} backups ${ok}`);
  };
  perBackup('backup-environmental', (b) => (['fire', 'flood'].every((h) => b.environmental.includes(h as 'fire')) ? undefined : `protection against ${['fire', 'flood'].filter((h) => !b.environmental.includes(h as 'fire')).join(' and ')} is not recorded`), 'are protected against fire and flood');
  perBackup('backup-access-control', (b) => (b.accessControl ? undefined : 'no access control recorded'), 'are access-controlled');
  perBackup('backup-encrypted', (b) => (b.encrypted ? undefined : `${b.medium} backup is not encrypted`), 'are encrypted');
  perBackup(
    'backup-seals',
    (b) => {
      if (b.seals.length === 0) return 'no tamper-evident seal recorded';
      const problems: string[] = [];
      for (const s of b.seals) {
        const last = [...s.inspections].sort((x, y) => x.date.localeCompare(y.date)).at(-1);
        if (!last) problems.push(`seal ${s.serial} was never inspected`);
        else if (!last.intact) problems.push(`seal ${s.serial} was found broken on ${last.date}`);
        else if (last.serial !== s.serial) problems.push(`seal ${s.serial} read as ${last.serial} on ${last.date} (serial mismatch: the seal was replaced)`);
        else if ((now.getTime() - Date.parse(last.date.slice(0, 10))) / 86_400_000 > maxAge) problems.push(`seal ${s.serial} was last inspected on ${last.date.slice(0, 10)}, over ${maxAge} days ago`);
      }
      return problems.length ? problems.join(', ') : undefined;
    },
    `have seals inspected within ${maxAge} days, intact and matching their recorded serials`,
  );

  const summary = { pass: 0, fail: 0, 'not-determinable': 0 };
  for (const f of findings) summary[f.status]++;
  return { edition, scriptType: policy.scriptType, quorum, keys: policy.keys.map((k, i) => ({ key: label(i), fingerprint: k.fingerprint, inventory: inventoryOf[i]?.id })), findings, summary };
}
