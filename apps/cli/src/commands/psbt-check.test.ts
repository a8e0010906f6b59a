import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { keygrade, tempDir, write } from '../test/harness.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const ex = (f: string) => `examples/psbt/${f}`;
const base = (psbt: string) => ['psbt', 'check', ex(psbt), '--policy', ex('policy.yaml'), '--wallet', ex('wallet.txt')];
const TUESDAY = ['--at', '2026-11-24T09:00:00Z'];

describe('keygrade psbt check', () => {
  it('has help with examples', async () => {
    const r = await keygrade(['psbt', 'check', '--help'], { cwd: root });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ keygrade psbt check/);
  });

  it('allow: exit 0, change recognised, whitelisted destination', async () => {
    const r = await keygrade([...base('payout.psbt'), ...TUESDAY], { cwd: root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^Decision: ALLOW\n/);
    assert.match(r.stdout, /output 0 +0\.5 BTC +external +bc1q4phzjj3gfh337u3w5kwkyyjagxc9qwjf4aja30 +\(Exchange hot wallet\)/);
    assert.match(r.stdout, /output 1 +1\.4999 BTC +change/);
    assert.match(r.stdout, /weak +script \(2 of 3\): every spend needs at least 1 approver key/);
  });

  it('needs-approval and deny: exit 1, the JSON says which and why', async () => {
    const a = await keygrade([...base('large-payout.psbt'), ...TUESDAY, '--json'], { cwd: root });
    assert.equal(a.code, 1);
    const j = JSON.parse(a.stdout) as { decision: string; reasons: { rule: string; outcome: string; output?: number }[] };
    assert.equal(j.decision, 'needs-approval');
    assert.deepEqual(j.reasons.filter((x) => x.outcome === 'needs-approval').map((x) => x.rule), ['approvals']);
    const d = await keygrade([...base('unknown-destination.psbt'), ...TUESDAY, '--json'], { cwd: root });
    assert.equal(d.code, 1);
    const k = JSON.parse(d.stdout) as typeof j;
    assert.equal(k.decision, 'deny');
    assert.deepEqual(k.reasons.filter((x) => x.outcome === 'deny').map((x) => [x.rule, x.output]), [['whitelist', 0]]);
  });

  it('the rolling window uses --history; the clock decides the time window', async () => {
    const ok = await keygrade([...base('payout.psbt'), ...TUESDAY, '--history', ex('history.csv')], { cwd: root });
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /4\.3 BTC in 2 spends in the last 24h plus 0\.5 BTC now = 4\.8 BTC/);
    const over = await keygrade([...base('large-payout.psbt'), ...TUESDAY, '--history', ex('history.csv')], { cwd: root });
    assert.match(over.stdout, /^Decision: DENY/);
    assert.match(over.stdout, /DENY +limit\.rolling +4\.3 BTC .* = 5\.5 BTC; the 24h limit is 5 BTC/);
    // Without --at the harness clock is Sunday 22 November 2026: outside office hours.
    const sunday = await keygrade(base('payout.psbt'), { cwd: root });
    assert.equal(sunday.code, 1);
    assert.match(sunday.stdout, /DENY +time_window +outside the allowed window .* it is Sun 11:00 Europe\/Zurich/);
  });

  it('accepts the PSBT as hex text, as binary and inline base64', async () => {
    const dir = tempDir();
    const b64 = readFileSync(`${root}${ex('payout.psbt')}`, 'utf8').trim();
    write(dir, 'p.hex', Buffer.from(b64, 'base64').toString('hex'));
    write(dir, 'policy.yaml', readFileSync(`${root}${ex('policy.yaml')}`, 'utf8'));
    write(dir, 'wallet.txt', readFileSync(`${root}${ex('wallet.txt')}`, 'utf8'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/p.bin`, Buffer.from(b64, 'base64'));
    for (const arg of ['p.hex', 'p.bin', b64]) {
      const r = await keygrade(['psbt', 'check', arg, '--policy', 'policy.yaml', '--wallet', 'wallet.txt', ...TUESDAY], { cwd: dir });
      assert.equal(r.code, 0, `${arg.slice(0, 10)}: ${r.stderr}`);
    }
  });

  it('exit 2 for bad input, naming the byte, the field path or the position', async () => {
    const dir = tempDir();
    const b64 = readFileSync(`${root}${ex('payout.psbt')}`, 'utf8').trim();
    write(dir, 'cut.psbt', Buffer.from(b64, 'base64').subarray(0, 60).toString('base64'));
    write(dir, 'policy.yaml', readFileSync(`${root}${ex('policy.yaml')}`, 'utf8').replace('max: "5"', 'max: 5.5.5'));
    const cut = await keygrade(['psbt', 'check', 'cut.psbt', '--policy', `${root}${ex('policy.yaml')}`, '--wallet', `${root}${ex('wallet.txt')}`], { cwd: dir });
    assert.equal(cut.code, 2);
    assert.match(cut.stderr, /PSBT: global map PSBT_GLOBAL_UNSIGNED_TX \(0x00\): value: length \d+ runs past the end of the data .*\(at byte 7\)/);
    const pol = await keygrade(['psbt', 'check', `${root}${ex('payout.psbt')}`, '--policy', 'policy.yaml', '--wallet', `${root}${ex('wallet.txt')}`], { cwd: dir });
    assert.equal(pol.code, 2);
    assert.match(pol.stderr, /policy\.yaml:20: limits\.BTC\.rolling\.0\.max: "5\.5\.5" is not an amount/);
    const w = await keygrade(['psbt', 'check', `${root}${ex('payout.psbt')}`, '--policy', `${root}${ex('policy.yaml')}`, '--wallet', 'wsh(sortedmulti(2,xpub))'], { cwd: dir });
    assert.equal(w.code, 2);
    assert.match(w.stderr, /--wallet: descriptor: .* \(at position 19\)\n {2}wsh\(sortedmulti\(2,xpub\)\)\n {20}\^/);
    const missing = await keygrade(['psbt', 'check', 'nope.psbt', '--policy', 'policy.yaml', '--wallet', 'w'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.psbt: no such file, and not a base64 or hex PSBT/);
  });
});
