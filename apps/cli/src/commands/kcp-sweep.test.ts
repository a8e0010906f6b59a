import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { base64 } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { keygrade, read, tempDir, write } from '../test/harness.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const ex = (f: string) => `${root}examples/kcp/${f}`;

describe('keygrade kcp sweep', () => {
  it('has help with examples', async () => {
    const r = await keygrade(['kcp', 'sweep', '--help'], { cwd: root });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ keygrade kcp sweep/);
  });

  it('writes an unsigned v0 PSBT with every UTXO and a summary', async () => {
    const dir = tempDir();
    const r = await keygrade(['kcp', 'sweep', '--from', ex('compromised.txt'), '--utxos', ex('utxos.csv'), '--to', ex('new-wallet.txt'), '--feerate', '12', '-o', 'sweep.psbt'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Sweep of 3 UTXOs \(1\.5254 BTC\) to bc1q\w+ \(receive index 0\)/);
    assert.match(r.stdout, /2{64}:1 +2500000 sat +branch 0 index 7/);
    const tx = Transaction.fromPSBT(base64.decode(read(dir, 'sweep.psbt').trim()));
    assert.equal(tx.inputsLength, 3);
    assert.equal(tx.outputsLength, 1);
    const fee = /Fee (\S+) BTC \(12 sat\/vB × ~(\d+) vB estimated\), output (\S+) BTC/.exec(r.stdout)!;
    assert.equal(Number(fee[1]) * 1e8, 12 * Number(fee[2]));
    assert.equal(tx.getOutput(0).amount, 152_540_000n - BigInt(12 * Number(fee[2])));
    const j = await keygrade(['kcp', 'sweep', '--from', ex('compromised.txt'), '--utxos', ex('utxos.csv'), '--to', ex('new-wallet.txt'), '--feerate', '12', '--index', '9', '--json'], { cwd: dir });
    assert.equal(j.code, 0, j.stderr);
    const k = JSON.parse(j.stdout) as { psbt: string; destination: { index: number }; amount: string };
    assert.equal(k.destination.index, 9);
    assert.ok(k.psbt.startsWith('cHNidP8'));
  });

  it('exit 2: refuses a destination sharing keys with the compromised wallet, and bad UTXO files', async () => {
    const dir = tempDir();
    const same = await keygrade(['kcp', 'sweep', '--from', ex('compromised.txt'), '--utxos', ex('utxos.csv'), '--to', ex('compromised.txt'), '--feerate', '12'], { cwd: dir });
    assert.equal(same.code, 2);
    assert.match(same.stderr, /shares key material with the compromised wallet.*\n {2}destination key \[6fd2f9d5…\] has fingerprint 6fd2f9d5/);
    write(dir, 'u.csv', 'outpoint,amount,script_pubkey\n');
    const bad = await keygrade(['kcp', 'sweep', '--from', ex('compromised.txt'), '--utxos', 'u.csv', '--to', ex('new-wallet.txt'), '--feerate', '12'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /u\.csv:1: the header must name outpoint, amount_sat or amount_btc, script_pubkey .*unknown column "amount"/);
    const fee = await keygrade(['kcp', 'sweep', '--from', ex('compromised.txt'), '--utxos', ex('utxos.csv'), '--to', ex('new-wallet.txt'), '--feerate', 'fast'], { cwd: dir });
    assert.equal(fee.code, 2);
    assert.match(fee.stderr, /--feerate "fast" must be a positive number of sat\/vB/);
  });
});
