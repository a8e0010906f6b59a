/** Proof-of-control log: challenges, single-use answers, expiry, overdue keys (verifier injected). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerChallenge, challengeMessage, ControlError, controlStatus, emptyControlLog, issueChallenge, parseControlLog, type MessageVerifier } from './log.js';

const A = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
const nonce = (i: number) => i.toString(16).padStart(64, '0');
const at = (iso: string) => new Date(iso);
/** Accepts exactly "signed:<message>" — stands in for the BIP-322 / legacy verifiers the CLI injects. */
const verify: MessageVerifier = (address, _net, message, signature) => (signature === `signed:${message}` && address === A ? { valid: true, method: 'bip322' } : { valid: false, method: 'bip322', reason: 'invalid signature' });

describe('proof of control', () => {
  it('a challenge names the key, address, date and nonce; the right answer passes once', () => {
    const issued = issueChallenge(emptyControlLog(), { key: 'k1', address: A, network: 'mainnet', now: at('2026-11-01T09:00:00Z'), nonce: nonce(1) });
    const challenge = issued.challenge;
    let log = issued.log;
    assert.equal(challenge.message, `Keygrade proof of control\nkey: k1\naddress: ${A}\ndate: 2026-11-01T09:00:00.000Z\nnonce: ${nonce(1)}`);
    assert.equal(challenge.message, challengeMessage(challenge));
    const wrong = answerChallenge(log, { key: 'k1', signature: 'signed:something else', now: at('2026-11-01T10:00:00Z'), maxAgeDays: 7, verify });
    assert.equal(wrong.check.result, 'fail');
    const right = answerChallenge(wrong.log, { key: 'k1', signature: `signed:${challenge.message}`, now: at('2026-11-01T10:05:00Z'), maxAgeDays: 7, verify });
    assert.deepEqual([right.check.result, right.check.method, right.check.date], ['pass', 'bip322', '2026-11-01T10:05:00.000Z']);
    log = right.log;
    assert.equal(log.challenges[0]!.answered, '2026-11-01T10:05:00.000Z');
    assert.equal(log.checks.length, 2);
    assert.throws(() => answerChallenge(log, { key: 'k1', signature: `signed:${challenge.message}`, now: at('2026-11-02T00:00:00Z'), maxAgeDays: 7, verify }), (e: unknown) => e instanceof ControlError && e.code === 'CONTROL_NO_CHALLENGE');
  });

  it('an answer to a challenge older than the maximum age fails without asking the verifier', () => {
    const { log, challenge } = issueChallenge(emptyControlLog(), { key: 'k2', address: A, network: 'mainnet', now: at('2026-10-01T00:00:00Z'), nonce: nonce(2) });
    const never: MessageVerifier = () => assert.fail('verifier called');
    const r = answerChallenge(log, { key: 'k2', signature: `signed:${challenge.message}`, now: at('2026-10-09T00:00:00Z'), maxAgeDays: 7, verify: never });
    assert.equal(r.check.result, 'fail');
    assert.match(r.check.reason!, /issued 8\.0 days ago, more than 7/);
  });

  it('status: keys whose last successful check is older than --overdue days (or never) are overdue', () => {
    let log = emptyControlLog();
    for (const [key, day, n] of [['k1', '2026-06-01', 1], ['k2', '2026-11-10', 2], ['k3', '2026-11-10', 3]] as const) {
      const c = issueChallenge(log, { key, address: A, network: 'mainnet', now: at(`${day}T00:00:00Z`), nonce: nonce(n) });
      log = answerChallenge(c.log, { key, signature: key === 'k3' ? 'bad' : `signed:${c.challenge.message}`, now: at(`${day}T01:00:00Z`), maxAgeDays: 7, verify }).log;
    }
    const s = controlStatus(log, at('2026-11-22T10:00:00Z'), 90, ['k4']);
    assert.deepEqual(s.map((x) => [x.key, x.overdue, x.lastSuccess?.slice(0, 10)]), [['k4', true, undefined], ['k1', true, '2026-06-01'], ['k2', false, '2026-11-10'], ['k3', true, undefined]]);
    assert.equal(s[1]!.daysSince, 174.3);
    assert.deepEqual(parseControlLog(JSON.stringify(log), 'l.json'), log);
  });

  it('rejects malformed requests and logs, naming the field', () => {
    assert.throws(() => issueChallenge(emptyControlLog(), { key: 'bad key', address: A, network: 'mainnet', now: new Date(), nonce: nonce(1) }), /key id/);
    assert.throws(() => issueChallenge(emptyControlLog(), { key: 'k', address: A, network: 'mainnet', now: new Date(), nonce: 'ab' }), /32 random bytes/);
    assert.throws(() => parseControlLog('{"format":"x"}', 'l.json'), (e: unknown) => e instanceof ControlError && e.code === 'CONTROL_LOG_INVALID' && /l\.json: format/.test(e.message));
    assert.throws(() => parseControlLog(JSON.stringify({ ...emptyControlLog(), checks: [{ key: 'k', address: A, nonce: 'n', date: 'yesterday', method: 'bip322', result: 'pass' }] }), 'l.json'), /checks\[0\]\.date: must be an ISO 8601 UTC time/);
  });
});
