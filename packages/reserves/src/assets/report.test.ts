import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../bytes.js';
import { bindingMessage, parseProofsFile, parseUtxoSnapshot, solvency, verifyAssets, verifyBip322, type AssetProof, type AssetsReport } from './index.js';
import { fromBase64, toBase64 } from './encoding.js';
import { decodeTx, encodeTx } from './tx.js';
import { key, manifest, pay, signBip127, signLegacy, signSimple, txid, type Coin } from './test-fixtures.js';

const HEIGHT = 850_000;
const HASH = '00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054';
const M = manifest(10n * 10n ** 8n);
const MSG = bindingMessage({ snapshotId: M.snapshotId, root: M.root, height: HEIGHT });

const alice = key('alice');
const bob = key('bob');
const ms = [key('ms1'), key('ms2'), key('ms3')];
const wpkh = pay.wpkh(alice);
const tr = pay.tr(bob);
const multi = pay.wshMulti(2, ms);
const legacy = pay.pkh(key('carol'));
const trMulti = pay.trMulti(2, ms);

const rows: [string, bigint, Uint8Array, number][] = [
  [`${txid('a1')}:0`, 3n * 10n ** 8n, wpkh.script, 849_000],
  [`${txid('a2')}:1`, 1n * 10n ** 8n, wpkh.script, 849_500],
  [`${txid('a3')}:0`, 7n * 10n ** 8n, wpkh.script, 850_001], // above the snapshot height: never counted
  [`${txid('b1')}:0`, 2n * 10n ** 8n, tr.script, 800_000],
  [`${txid('m1')}:0`, 4n * 10n ** 8n, multi.script, 700_000],
  [`${txid('c1')}:2`, 5n * 10n ** 7n, legacy.script, 600_000],
  [`${txid('x1')}:0`, 1n * 10n ** 8n, pay.wpkh(key('x')).script, 850_002],
  [`${txid('t1')}:3`, 6n * 10n ** 7n, trMulti.script, 820_000],
];

function csv(extra = ''): string {
  return `# height=${HEIGHT} blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${rows.map(([o, a, s, h]) => `${o},${a},${toHex(s)},${h}`).join('\n')}\n${extra}`;
}

function run(proofs: AssetProof[], opts: { manifest?: typeof M; message?: string } = {}): AssetsReport {
  const file = parseProofsFile({ scheme: 'keygrade-por-assets/v1', ...(opts.message ? { message: opts.message } : {}), proofs }, 'proofs.json');
  return verifyAssets({ manifest: opts.manifest ?? M, snapshot: parseUtxoSnapshot(csv(), 'utxos.csv'), proofs: [file] });
}

const coin = (label: string, vout: number, amount: bigint, payment: Coin['payment'], keys: Uint8Array[]): Coin => ({ txid: txid(label), vout, amount, payment, keys });

describe('proof of assets: solvency report', () => {
  it('counts BIP-322 simple (P2WPKH, P2TR, 2-of-3 P2WSH), legacy and BIP-127 proofs; ETH has no asset proof', () => {
    const r = run([
      { type: 'bip322', address: wpkh.address!, signature: signSimple(wpkh, [alice], MSG) },
      { type: 'bip322', address: tr.address!, signature: signSimple(tr, [bob], MSG) },
      { type: 'legacy', address: legacy.address!, signature: signLegacy(key('carol'), MSG, 4) },
      { type: 'bip127', tx: signBip127(MSG, [coin('m1', 0, 4n * 10n ** 8n, multi, [ms[0]!, ms[2]!])]) },
    ]);
    assert.equal(r.ok, true, JSON.stringify(r.proofs.filter((p) => !p.valid)));
    assert.equal(r.message, MSG);
    const btc = r.assets[0]!;
    assert.equal(btc.reserves, (3n * 10n ** 8n + 10n ** 8n + 2n * 10n ** 8n + 5n * 10n ** 7n + 4n * 10n ** 8n).toString());
    assert.equal(btc.ratio, '1.05000000');
    assert.equal(btc.solvent, true);
    assert.deepEqual(r.assets[1], { symbol: 'ETH', decimals: 18, liabilities: (5n * 10n ** 18n).toString(), status: 'no asset proof', reserves: null, ratio: null, solvent: null, proofs: 0 });
    const above = r.proofs[0]!.utxos.find((u) => u.outpoint.startsWith(txid('a3')))!;
    assert.deepEqual([above.counted, above.note], [false, 'above snapshot height']);
  });

  it('reports insolvency per asset (exit 1) without netting', () => {
    const r = run([{ type: 'bip322', address: tr.address!, signature: signSimple(tr, [bob], MSG) }]);
    assert.equal(r.ok, false);
    assert.equal(r.assets[0]!.solvent, false);
    assert.equal(r.assets[0]!.ratio, '0.20000000');
  });

  it('refuses a proof for another snapshot root (and names it when the message is stated)', () => {
    const other = bindingMessage({ snapshotId: M.snapshotId, root: 'ff'.repeat(32), height: HEIGHT });
    const sig = signSimple(wpkh, [alice], other);
    const silent = run([{ type: 'bip322', address: wpkh.address!, signature: sig }]);
    assert.equal(silent.proofs[0]!.failure?.code, 'BAD_SIGNATURE');
    const stated = run([{ type: 'bip322', address: wpkh.address!, signature: sig, message: other }]);
    assert.equal(stated.proofs[0]!.failure?.code, 'WRONG_MESSAGE');
    assert.match(stated.proofs[0]!.failure!.message, /root/);
    const bip127 = run([{ type: 'bip127', tx: signBip127(other, [coin('b1', 0, 2n * 10n ** 8n, tr, [bob])]) }]);
    assert.equal(bip127.proofs[0]!.failure?.code, 'WRONG_COMMITMENT');
    assert.equal(bip127.ok, false);
  });

  it('refuses a signature over a different message (BIP-322 and legacy)', () => {
    const r = run([
      { type: 'bip322', address: wpkh.address!, signature: signSimple(wpkh, [alice], 'hello') },
      { type: 'legacy', address: legacy.address!, signature: signLegacy(key('carol'), 'hello', 4) },
    ]);
    assert.deepEqual(r.proofs.map((p) => p.failure?.code), ['BAD_SIGNATURE', 'BAD_SIGNATURE']);
    assert.equal(r.assets[0]!.reserves, '0');
  });

  it('rejects claimed UTXOs missing from the snapshot or above its height, with the reason', () => {
    const missing = run([{ type: 'bip127', tx: signBip127(MSG, [coin('nope', 0, 10n ** 8n, wpkh, [alice])]) }]);
    assert.equal(missing.proofs[0]!.failure?.code, 'UTXO_NOT_IN_SNAPSHOT');
    const above = run([{ type: 'bip127', tx: signBip127(MSG, [coin('x1', 0, 10n ** 8n, pay.wpkh(key('x')), [key('x')])]) }]);
    assert.equal(above.proofs[0]!.failure?.code, 'UTXO_ABOVE_HEIGHT');
    assert.match(above.proofs[0]!.failure!.message, /850002.*850000/);
  });

  it('counts a UTXO claimed twice once and reports it', () => {
    const sig = signSimple(wpkh, [alice], MSG);
    const r = run([
      { type: 'bip322', address: wpkh.address!, signature: sig },
      { type: 'bip322', address: wpkh.address!, signature: sig },
      { type: 'bip127', tx: signBip127(MSG, [coin('a1', 0, 3n * 10n ** 8n, wpkh, [alice]), coin('b1', 0, 2n * 10n ** 8n, tr, [bob])]) },
    ]);
    assert.equal(r.assets[0]!.reserves, (6n * 10n ** 8n).toString());
    assert.deepEqual(r.proofs.map((p) => p.amount), [(4n * 10n ** 8n).toString(), '0', (2n * 10n ** 8n).toString()]);
    assert.deepEqual(r.duplicates.map((d) => [d.outpoint, d.proofs.length]).sort(), [[`${txid('a1')}:0`, 3], [`${txid('a2')}:1`, 2]]);
  });

  it('refuses a multisig with too few signatures', () => {
    const r = run([{ type: 'bip322', address: multi.address!, signature: signSimple(multi, [ms[1]!], MSG, { finalize: false }) }]);
    assert.equal(r.proofs[0]!.failure?.code, 'TOO_FEW_SIGNATURES');
    assert.equal(r.ok, false);
    const ok = run([{ type: 'bip322', address: multi.address!, signature: signSimple(multi, [ms[1]!, ms[2]!], MSG) }]);
    assert.equal(ok.proofs[0]!.valid, true);
  });

  it('counts a Taproot 2-of-3 multi_a coin proven through its leaf (BIP-322 simple and BIP-127)', () => {
    const simple = run([{ type: 'bip322', address: trMulti.address!, signature: signSimple(trMulti, [ms[0]!, ms[1]!], MSG) }]);
    assert.equal(simple.proofs[0]!.valid, true, JSON.stringify(simple.proofs[0]!.failure));
    assert.equal(simple.assets[0]!.reserves, (6n * 10n ** 7n).toString());
    const bip127 = run([{ type: 'bip127', tx: signBip127(MSG, [coin('t1', 3, 6n * 10n ** 7n, trMulti, [ms[1]!, ms[2]!])]) }]);
    assert.equal(bip127.proofs[0]!.valid, true, JSON.stringify(bip127.proofs[0]!.failure));
    assert.equal(bip127.assets[0]!.reserves, (6n * 10n ** 7n).toString());
    const one = run([{ type: 'bip322', address: trMulti.address!, signature: signSimple(trMulti, [ms[2]!], MSG, { finalize: false }) }]);
    assert.equal(one.proofs[0]!.failure?.code, 'TOO_FEW_SIGNATURES');
  });

  it('BIP-127: the output must be the exact sum; an outpoint spent twice is refused', () => {
    const c = coin('b1', 0, 2n * 10n ** 8n, tr, [bob]);
    assert.equal(run([{ type: 'bip127', tx: signBip127(MSG, [c], 3n * 10n ** 8n) }]).proofs[0]!.failure?.code, 'AMOUNT_MISMATCH');
    assert.equal(run([{ type: 'bip127', tx: signBip127(MSG, [c], 10n ** 8n) }]).proofs[0]!.failure?.code, 'AMOUNT_MISMATCH');
    const twice = decodeTx(fromHex(signBip127(MSG, [c])));
    twice.inputs.push(twice.inputs[1]!);
    twice.outputs[0]!.amount *= 2n;
    assert.equal(run([{ type: 'bip127', tx: toHex(encodeTx(twice)) }]).proofs[0]!.failure?.code, 'DUPLICATE_INPUT');
  });

  it('refuses amounts that overflow MAX_MONEY in the snapshot, naming the line', () => {
    for (const amount of ['2100000000000001', '18446744073709551616', '-1', '1.5']) {
      assert.throws(
        () => parseUtxoSnapshot(csv(`${txid('big')}:0,${amount},0014${'00'.repeat(20)},1\n`), 'utxos.csv'),
        // Line 1 is the comment, line 2 the header, then the rows: the extra row is line rows.length + 3.
        (e: Error & { code?: string }) => e.code === 'ASSETS_BAD_SNAPSHOT' && e.message.includes(`utxos.csv:${rows.length + 3}: amount`),
      );
    }
  });

  it('a manifest without BTC is an input error; a tampered manifest fails', () => {
    const noBtc = { ...M, assets: M.assets.filter((a) => a.symbol !== 'BTC') };
    assert.throws(() => run([], { manifest: noBtc }), (e: Error & { code?: string }) => e.code === 'ASSETS_BAD_MANIFEST');
    const tampered = { ...M, assets: M.assets.map((a) => (a.symbol === 'BTC' ? { ...a, total: '1' } : a)) };
    const r = run([{ type: 'bip322', address: tr.address!, signature: signSimple(tr, [bob], MSG) }], { manifest: tampered });
    assert.equal(r.manifest.failure?.code, 'BAD_SIGNATURE');
    assert.equal(r.ok, false);
  });

  it('property: any bit flip in a simple signature fails', () => {
    const sig = signSimple(wpkh, [alice], MSG);
    const bytes = fromBase64(sig.slice(3))!;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
        const b = Uint8Array.from(bytes);
        b[bit >> 3]! ^= 1 << (bit & 7);
        return verifyBip322(wpkh.script, MSG, `smp${toBase64(b)}`).state !== 'valid';
      }),
      { numRuns: 300 },
    );
  });

  it('property: the solvency ratio is reserves / liabilities, exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2_100_000_000_000_000n }), fc.bigInt({ min: 1n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 18 }), (res, liab, d) => {
        const s = solvency(res, 8, liab, d);
        // reserves/liabilities in common units: res·10^d / (liab·10^8)
        const num = res * 10n ** BigInt(d);
        const den = liab * 10n ** 8n;
        const [i, f] = s.ratio!.split('.') as [string, string];
        const scaled = BigInt(i + f);
        return s.solvent === num >= den && scaled * den <= num * 10n ** 8n && (scaled + 1n) * den > num * 10n ** 8n;
      }),
    );
  });
});
