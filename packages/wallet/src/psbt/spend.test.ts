import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HDKey } from '@scure/bip32';
import { base64 } from '@scure/base';
import { parseDescriptor } from '../descriptor/parse.js';
import { parseAmount, formatBtc } from './amount.js';
import { decodePsbt } from './decode.js';
import { PsbtError } from './errors.js';
import { evaluateSpend, type SpendReport } from './evaluate.js';
import { governance } from './governance.js';
import { parseSpendHistory } from './history.js';
import { parseSpendPolicy } from './policy.js';
import { buildSpend, buildSpendTx, externalAddress, multisigDescriptor, testAccount, type SpendSpec } from './test-wallet.js';

const A = [testAccount(21), testAccount(22), testAccount(23)];
const WALLET = multisigDescriptor(A);
const EXCHANGE = externalAddress(40);
const partner = HDKey.fromMasterSeed(new Uint8Array(32).fill(41)).derive("m/84'/0'/0'");
const POLICY = `version: 1
network: mainnet
whitelist:
  - label: Exchange hot wallet
    address: ${EXCHANGE}
  - label: Partner payouts
    descriptor: wpkh(${partner.publicExtendedKey}/0/*)
    range: 20
limits:
  BTC:
    per_transaction: "1.5"
    rolling:
      - window: 24h
        max: "5"
approvals:
  approvers:
    - { name: alice, fingerprint: "${A[0]!.fingerprint}" }
    - { name: bob, fingerprint: "${A[1]!.fingerprint}" }
    - { name: carol }
  rules:
    - above: "1"
      require: 2
      of: [alice, bob, carol]
time_window:
  timezone: Europe/Zurich
  days: [mon, tue, wed, thu, fri]
  hours: "08:00-18:00"
fees:
  max_absolute: "0.001"
  max_feerate: "200"
  max_percent: "2"
`;
const policy = parseSpendPolicy(POLICY, 'policy.yaml');
const wallet = parseDescriptor(WALLET);
// Tuesday 24 November 2026, 10:00 in Zurich (09:00 UTC).
const TUESDAY = new Date('2026-11-24T09:00:00Z');
const BTC = (s: string) => {
  const r = parseAmount(s);
  assert.ok(r.ok);
  return r.sats;
};

function check(spec: SpendSpec, opts: { at?: Date; history?: string; policyText?: string } = {}): SpendReport {
  const p = opts.policyText ? parseSpendPolicy(opts.policyText, 'p.yaml') : policy;
  return evaluateSpend(decodePsbt(buildSpend(A, spec)), p, wallet, { at: opts.at ?? TUESDAY, ...(opts.history ? { history: parseSpendHistory(opts.history, 'h.csv') } : {}) });
}
const denies = (r: SpendReport) => r.reasons.filter((x) => x.outcome === 'deny');
const spend = (amount: string, to = EXCHANGE, change = '1.4999'): SpendSpec => ({
  inputs: [{ branch: 0, index: 5, sats: BTC('2') }],
  outputs: [{ address: to, sats: BTC(amount) }, { change: 3, sats: BTC(change) }],
});

describe('spend check: decisions', () => {
  it('allows a whitelisted payment within every limit; change is recognised', () => {
    const r = check(spend('0.5'));
    assert.equal(r.decision, 'allow', JSON.stringify(r.reasons, null, 1));
    assert.deepEqual(r.outputs.map((o) => [o.kind, o.destination]), [['external', 'Exchange hot wallet'], ['change', undefined]]);
    assert.deepEqual([r.totals.sent, r.totals.change, r.totals.fee, r.totals.inputs], ['0.5', '1.4999', '0.0001', '2']);
    assert.match(r.reasons.find((x) => x.rule === 'change')!.message, /output 1 .* is change: multipath alternative 1, index 3/);
  });

  it('allows a payment to an address derived from a whitelisted descriptor', () => {
    const to = externalAddress(41, 7);
    const r = check(spend('0.5', to));
    assert.equal(r.decision, 'allow');
    assert.equal(r.outputs[0]!.destination, 'Partner payouts');
  });

  it('denies a destination that is not on the whitelist, naming the output', () => {
    const r = check(spend('0.5', externalAddress(50)));
    assert.equal(r.decision, 'deny');
    assert.deepEqual(denies(r).map((x) => [x.rule, x.output]), [['whitelist', 0]]);
    assert.match(denies(r)[0]!.message, /output 0 pays 0\.5 BTC to bc1q\w+, which is not on the whitelist/);
  });

  it('denies over the per-transaction limit', () => {
    const r = check(spend('1.6', EXCHANGE, '0.3999'));
    assert.equal(r.decision, 'deny');
    assert.deepEqual(denies(r).map((x) => x.rule), ['limit.per_transaction']);
    assert.match(denies(r)[0]!.message, /sends 1\.6 BTC; the per-transaction limit is 1\.5 BTC \(over by 0\.1\)/);
  });

  it('denies when the rolling 24h window would be breached, counting only spends inside it', () => {
    const inside = 'time,amount,txid\n2026-11-23T12:00:00Z,4.5,\n2026-11-20T12:00:00Z,3,\n';
    const r = check(spend('0.9', EXCHANGE, '1.0999'), { history: inside });
    assert.equal(r.decision, 'deny');
    assert.match(denies(r)[0]!.message, /4\.5 BTC in 1 spend in the last 24h plus 0\.9 BTC now = 5\.4 BTC; the 24h limit is 5 BTC \(over by 0\.4\)/);
    const older = 'time,amount\n2026-11-23T08:59:59Z,4.5\n';
    assert.equal(check(spend('0.9', EXCHANGE, '1.0999'), { history: older }).decision, 'allow');
  });

  it('a history entry of this very transaction is not counted twice', () => {
    const tx = decodePsbt(buildSpend(A, spend('0.9', EXCHANGE, '1.0999')));
    const h = `time,amount,txid\n2026-11-24T08:00:00Z,4.5,${tx.txid}\n`;
    assert.equal(check(spend('0.9', EXCHANGE, '1.0999'), { history: h }).decision, 'allow');
  });

  it('denies outside the time window, in the policy\'s time zone', () => {
    const saturday = check(spend('0.5'), { at: new Date('2026-11-28T09:00:00Z') });
    assert.equal(saturday.decision, 'deny');
    assert.match(denies(saturday)[0]!.message, /outside the allowed window .* it is Sat 10:00 Europe\/Zurich/);
    // 17:30 UTC is 18:30 in Zurich (CET, UTC+1): after hours although before 18:00 UTC.
    assert.equal(check(spend('0.5'), { at: new Date('2026-11-24T17:30:00Z') }).decision, 'deny');
    assert.equal(check(spend('0.5'), { at: new Date('2026-11-24T07:30:00Z') }).decision, 'allow');
  });

  it('denies a fee above the absolute limit and computes it from witness_utxo', () => {
    const r = check(spend('0.5', EXCHANGE, '1.4979'));
    assert.equal(r.decision, 'deny');
    assert.equal(r.totals.fee, '0.0021');
    assert.match(denies(r)[0]!.message, /0\.0021 BTC > max_absolute 0\.001 BTC/);
  });

  it('denies when the fee is not determinable (an input without UTXO information)', () => {
    const r = check({ ...spend('0.5'), omitUtxo: [0] });
    assert.equal(r.decision, 'deny');
    assert.equal(r.totals.fee, undefined);
    assert.deepEqual(denies(r).map((x) => [x.rule, x.input]), [['fee', 0]]);
    assert.match(denies(r)[0]!.message, /not determinable: input 0 has neither witness_utxo nor non_witness_utxo/);
  });

  it('treats change with wrong or missing derivation fields as external (and denies it)', () => {
    for (const bip32 of ['wrong-path', 'omit'] as const) {
      const s = spend('0.5');
      s.outputs[1] = { change: 3, sats: BTC('1.4999'), bip32 };
      const r = check(s);
      assert.equal(r.decision, 'deny', bip32);
      // Not change: it counts as sent (0.5 + 1.4999 BTC), which also breaks the 1.5 BTC limit.
      assert.deepEqual(denies(r).map((x) => [x.rule, x.output]), [['whitelist', 1], ['limit.per_transaction', undefined]], bip32);
      assert.equal(r.outputs[1]!.kind, 'external');
    }
  });

  it('an output to a wallet receive address is "self", not change, and not counted as sent', () => {
    const s = spend('0.5');
    s.outputs[1] = { change: 9, branch: 0, sats: BTC('1.4999') };
    const r = check(s);
    assert.equal(r.outputs[1]!.kind, 'self');
    assert.equal(r.totals.sent, '0.5');
    assert.equal(r.decision, 'allow');
  });

  it('needs approval above the quorum threshold until two named approvers have signed', () => {
    const s = spend('1.2', EXCHANGE, '0.7999');
    assert.equal(check(s).decision, 'needs-approval');
    const tx = buildSpendTx(A, s);
    const key = (i: number) => A[i]!.account.deriveChild(0).deriveChild(5).privateKey!;
    tx.signIdx(key(0), 0);
    const one = evaluateSpend(decodePsbt(tx.toPSBT(0)), policy, wallet, { at: TUESDAY });
    assert.equal(one.decision, 'needs-approval');
    assert.match(one.reasons.find((x) => x.rule === 'approvals')!.message, /needs 2 of alice, bob, carol; signed by alice/);
    // carol holds the third key but the policy ties no key to her: her signature does not count.
    const withCarol = buildSpendTx(A, s);
    withCarol.signIdx(key(0), 0);
    withCarol.signIdx(key(2), 0);
    assert.equal(evaluateSpend(decodePsbt(withCarol.toPSBT(0)), policy, wallet, { at: TUESDAY }).decision, 'needs-approval');
    tx.signIdx(key(1), 0);
    const two = evaluateSpend(decodePsbt(tx.toPSBT(0)), policy, wallet, { at: TUESDAY });
    assert.equal(two.decision, 'allow', JSON.stringify(two.reasons, null, 1));
  });

  it('a forged approval signature is not counted', () => {
    const s = spend('1.2', EXCHANGE, '0.7999');
    const tx = buildSpendTx(A, s);
    tx.signIdx(A[0]!.account.deriveChild(0).deriveChild(5).privateKey!, 0);
    tx.signIdx(A[1]!.account.deriveChild(0).deriveChild(5).privateKey!, 0);
    const bytes = tx.toPSBT(0);
    const d = decodePsbt(bytes);
    // Flip one byte inside bob's signature (its R value).
    const sig = d.inputs[0]!.partialSigs[1]!.signature;
    const at = findSub(bytes, sig);
    const forged = bytes.slice();
    forged[at + 10] = forged[at + 10]! ^ 1;
    assert.equal(evaluateSpend(decodePsbt(forged), policy, wallet, { at: TUESDAY }).decision, 'needs-approval');
  });

  it('PSBT v2 (BIP 370) gives the same answer as v0', () => {
    for (const s of [spend('0.5'), spend('0.5', externalAddress(50)), spend('1.2', EXCHANGE, '0.7999')]) {
      const v0 = evaluateSpend(decodePsbt(buildSpend(A, s)), policy, wallet, { at: TUESDAY });
      const v2 = evaluateSpend(decodePsbt(buildSpend(A, { ...s, psbtVersion: 2 })), policy, wallet, { at: TUESDAY });
      assert.equal(v2.psbt.version, 2);
      assert.equal(v2.psbt.txid, v0.psbt.txid);
      assert.deepEqual(v2.reasons, v0.reasons);
    }
  });

  it('fee rate and percent limits are exact', () => {
    const strict = POLICY.replace('max_absolute: "0.001"', 'max_absolute: "1"').replace('max_percent: "2"', 'max_percent: "0.02"');
    // 10,000 sat fee on 0.5 BTC sent = 0.02 %: at the limit passes, one more sat denies.
    assert.equal(check(spend('0.5'), { policyText: strict }).decision, 'allow');
    assert.equal(check(spend('0.5', EXCHANGE, '1.49989999'), { policyText: strict }).decision, 'deny');
    const r = check(spend('0.5', EXCHANGE, '1.49'), { policyText: strict.replace('max_percent: "0.02"', 'max_percent: "50"') });
    assert.match(denies(r)[0]!.message, /sat\/vB \(estimated \d+ vB\) > max_feerate 200/);
  });
});

function findSub(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('spend check: what the policy cannot govern', () => {
  it('a 2-of-3 where two keys belong to approvers still needs one approver per spend (weaker than the quorum of 2)', () => {
    const g = governance(wallet, policy);
    assert.deepEqual(g.paths.map((p) => [p.path, p.status, p.minApprovers]), [['script', 'weaker-than-quorum', 1]]);
  });

  it('paths through backup keys are ungoverned when only one key is an approver\'s', () => {
    const one = parseSpendPolicy(POLICY.replace(`    - { name: bob, fingerprint: "${A[1]!.fingerprint}" }\n`, '    - { name: bob }\n'), 'p.yaml');
    const g = governance(wallet, one);
    assert.equal(g.ungoverned, 1);
    assert.match(g.paths[0]!.explanation, /2 of the 2 non-approver keys .* can spend without any approver/);
  });

  it('a taproot internal key that is a single key spends alone; leaves needing approvers are governed', () => {
    const k = A.map((a) => `[${a.fingerprint}/48h/0h/0h/2h]${a.xpub}/0/*`);
    const tr = parseDescriptor(`tr(${k[2]},{multi_a(2,${k[0]},${k[1]}),multi_a(2,${k[0]},${k[2]})})`);
    const g = governance(tr, policy);
    assert.deepEqual(g.paths.map((p) => [p.path, p.status]), [['key path', 'ungoverned'], ['script leaf 0', 'governed'], ['script leaf 1', 'weaker-than-quorum']]);
    assert.match(g.paths[0]!.explanation, /a single key .* spends alone through the taproot key path/);
  });

  it('says so when no approver is tied to a key', () => {
    const none = parseSpendPolicy(POLICY.replace(/fingerprint: "[0-9a-f]{8}" /g, ''), 'p.yaml');
    assert.equal(governance(wallet, none).ungoverned, 1);
    assert.match(governance(wallet, none).notes[0]!, /No approver is tied to a wallet key/);
  });
});

describe('spend policy and history files', () => {
  const problems = (text: string, file = 'p.yaml') => {
    try {
      parseSpendPolicy(text, file);
    } catch (e) {
      assert.ok(e instanceof PsbtError);
      assert.equal(e.code, 'SPEND_POLICY_INVALID');
      return e.problems.map((p) => `${p.line}:${p.path}: ${p.message}`);
    }
    assert.fail('expected a validation error');
  };

  it('bounds the indices all whitelisted descriptors derive, before deriving any, in block or flow style', () => {
    const desc = `wpkh(${partner.publicExtendedKey}/0/*)`;
    const flow = (n: number, range: number) => `version: 1\nwhitelist: [${Array.from({ length: n }, (_, i) => `{label: d${i}, descriptor: "${desc}", range: "${range}"}`).join(', ')}]\n`;
    const block = (ranges: (number | undefined)[]) => `version: 1\nwhitelist:\n${ranges.map((r, i) => `  - label: d${i}\n    descriptor: ${desc}\n${r === undefined ? '' : `    range: ${r}\n`}`).join('')}`;
    // 11 descriptors at the largest range ask for 1.1 M indices: refused at once, not derived.
    assert.deepEqual(problems(flow(11, 100_000)), ['2:whitelist: the descriptors ask for 1100000 derived addresses in all; at most 1000000 are checked; lower their range']);
    // A caller's bound, with its hint; a descriptor without a range counts 1,000.
    const bounded = (text: string) => {
      try {
        parseSpendPolicy(text, 'p.yaml', { maxWhitelistIndices: 1500, boundHint: 'here' });
        return [];
      } catch (e) {
        assert.ok(e instanceof PsbtError && e.code === 'SPEND_POLICY_INVALID');
        return e.problems.map((p) => `${p.path}: ${p.message}`);
      }
    };
    assert.deepEqual(bounded(block([undefined, 501])), ['whitelist: the descriptors ask for 1501 derived addresses in all; at most 1500 are checked here; lower their range']);
    assert.deepEqual(bounded(flow(3, 501)), ['whitelist: the descriptors ask for 1503 derived addresses in all; at most 1500 are checked here; lower their range']);
    assert.deepEqual(bounded(block([undefined, 500])), []);
    assert.equal(parseSpendPolicy(flow(3, 2), 'p.yaml', { maxWhitelistIndices: 6 }).whitelist.length, 3);
    // A multipath descriptor derives its range on every branch: <0;1> counts twice, <0;1;2> three times.
    const multi = (branches: string, range: number) => `version: 1\nwhitelist:\n  - label: m\n    descriptor: wpkh(${partner.publicExtendedKey}/${branches}/*)\n    range: ${range}\n`;
    assert.deepEqual(bounded(multi('<0;1>', 751)), ['whitelist: the descriptors ask for 1502 derived addresses in all; at most 1500 are checked here; lower their range']);
    assert.deepEqual(bounded(multi('<0;1;2>', 500)), []);
    assert.deepEqual(bounded(multi('<0;1;2>', 501)), ['whitelist: the descriptors ask for 1503 derived addresses in all; at most 1500 are checked here; lower their range']);
    assert.equal(parseSpendPolicy(multi('<0;1>', 3), 'p.yaml', { maxWhitelistIndices: 6 }).whitelist[0]!.scripts.size, 6);
  });

  it('names the field path and line of every problem', () => {
    const bad = POLICY.replace('per_transaction: "1.5"', 'per_transaction: 1.123456789').replace('require: 2', 'require: 4').replace('of: [alice, bob, carol]', 'of: [alice, bob, dave]').replace('Europe/Zurich', 'Mars/Olympus');
    assert.deepEqual(problems(bad), [
      '11:limits.BTC.per_transaction: "1.123456789" has more than 8 decimals (1 satoshi = 0.00000001 BTC)',
    ]);
    const bad2 = POLICY.replace('require: 2', 'require: 4').replace('of: [alice, bob, carol]', 'of: [alice, bob, dave]').replace('Europe/Zurich', 'Mars/Olympus');
    assert.deepEqual(problems(bad2), [
      '23:approvals.rules.0.of.2: unknown approver "dave" (list it under approvals.approvers)',
      '22:approvals.rules.0.require: requires 4 approvers but names only 3',
      '25:time_window.timezone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Zurich, or UTC)',
    ]);
  });

  it('rejects unknown fields, a bad whitelist address and a bad descriptor', () => {
    const bad = POLICY.replace(`address: ${EXCHANGE}`, 'address: tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx').replace('wpkh(', 'wpkx(').replace('hours: "08:00-18:00"', 'hours: "08:00-18:00"\n  hour: 5');
    const p = problems(bad);
    assert.equal(p.length, 1);
    assert.match(p[0]!, /^25:time_window: Unrecognized key: "hour"/);
    const p2 = problems(POLICY.replace(`address: ${EXCHANGE}`, 'address: tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx').replace('wpkh(', 'wpkx('));
    assert.match(p2[0]!, /^5:whitelist\.0\.address: "tb1q\w+" is not a mainnet address/);
    assert.match(p2[1]!, /^7:whitelist\.1\.descriptor: descriptor: unknown script expression "wpkx"/);
  });

  it('amounts are exact decimal strings', () => {
    assert.deepEqual(['1.5', '0.00000001', '21000000', '150000 sat', '2 BTC', '0.1'].map((s) => parseAmount(s)), [
      { ok: true, sats: 150_000_000n },
      { ok: true, sats: 1n },
      { ok: true, sats: 2_100_000_000_000_000n },
      { ok: true, sats: 150_000n },
      { ok: true, sats: 200_000_000n },
      { ok: true, sats: 10_000_000n },
    ]);
    for (const bad of ['1e3', '-1', '1.5 sat', '21000000.00000001', '', '0x10']) assert.equal(parseAmount(bad).ok, false, bad);
    assert.equal(formatBtc(123_456_789n), '1.23456789');
  });

  it('history files: CSV and JSON, errors by line or index', () => {
    assert.equal(parseSpendHistory('[{"time":"2026-11-21T09:30:00Z","amount":"0.8"}]', 'h.json')[0]!.sats, 80_000_000n);
    assert.throws(() => parseSpendHistory('time,amount\n2026-11-21,0.8\n2026-11-21T09:30:00Z,abc\n', 'h.csv'), (e: PsbtError) => {
      assert.equal(e.code, 'SPEND_HISTORY_INVALID');
      assert.deepEqual(e.problems.map((p) => `${p.line}:${p.path}`), ['2:time', '3:amount']);
      return true;
    });
    assert.throws(() => parseSpendHistory('[{"time":"2026-11-21T09:30:00Z","amount":0.8}]', 'h.json'), /does not validate/);
  });
});

describe('PSBT decoding errors name the byte and the field', () => {
  const good = base64.decode(buildSpend(A, spend('0.5')));
  const err = (input: string | Uint8Array) => {
    try {
      decodePsbt(input);
    } catch (e) {
      assert.ok(e instanceof PsbtError, String(e));
      return e.message;
    }
    assert.fail('expected an error');
  };
  it('truncation, trailing bytes, bad magic, a raw transaction, bad base64', () => {
    assert.match(err(good.slice(0, 40)), /^PSBT: global map PSBT_GLOBAL_UNSIGNED_TX \(0x00\): value: length \d+ runs past the end of the data \(\d+ bytes left\) \(at byte 7\)$/);
    assert.match(err(Uint8Array.of(...good, 0)), /unexpected bytes after the last map/);
    assert.match(err(Uint8Array.of(0x70, 0x73, 0x62, 0x75, 0xff)), /wrong magic bytes at byte 3/);
    assert.match(err('0200000001abcdef'), /does not start with the PSBT magic bytes.*raw transaction/);
    assert.match(err('cHNidP8B*AAA'), /invalid character "\*" at character 9/);
  });
  it('duplicate keys and wrong value lengths name the map and key type', () => {
    // The witness_utxo pair of input 0, repeated.
    const d = decodePsbt(good);
    assert.equal(d.inputs.length, 1);
    const wu = Uint8Array.of(1, 1, ...[8 + 1 + 34].map((n) => n), ...new Uint8Array(43));
    const inputStart = findSub(good, Uint8Array.of(1, 5)); // key len 1, PSBT_IN_WITNESS_SCRIPT
    assert.ok(inputStart > 0);
    const dup = Uint8Array.of(...good.slice(0, inputStart), ...wu, ...wu, ...good.slice(inputStart));
    assert.match(err(dup), /input 0 PSBT_IN_WITNESS_UTXO \(0x01\): duplicate key \(at byte \d+\)/);
  });
});
