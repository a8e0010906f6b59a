/**
 * Proof of control of keys (CCSS 1.03/1.05 key health checks: a key holder shows, on a schedule,
 * that a key still signs): a per-key challenge — a random nonce, the date and the key id, printed
 * as a message — answered with a BIP-322 or legacy Bitcoin signed message by the key's address,
 * and a JSON log of every challenge and check. Pure: the nonce, the clock and the signature
 * verifier are passed in (the CLI verifies with @keygrade/reserves' BIP-322 and legacy verifiers).
 */
import { BaseError } from '@keygrade/errors';

export type ControlErrorCode =
  /** The log file is not a proof-of-control log (JSON shape, a field). */
  | 'CONTROL_LOG_INVALID'
  /** A challenge request is malformed (key id, address, nonce). */
  | 'CONTROL_INPUT'
  /** A response names a key with no open challenge. */
  | 'CONTROL_NO_CHALLENGE';
export class ControlError extends BaseError<ControlErrorCode> {}

export const CONTROL_LOG_FORMAT = 'keygrade-proof-of-control/v1';

export interface Challenge {
  key: string;
  address: string;
  network: string;
  /** ISO 8601 time the challenge was issued. */
  issued: string;
  /** 32 random bytes, hex. */
  nonce: string;
  /** The exact text to sign. */
  message: string;
  /** Set once a response passed: a challenge is answered once. */
  answered?: string;
}

export interface ControlCheck {
  key: string;
  address: string;
  nonce: string;
  /** ISO 8601 time of the check. */
  date: string;
  method: 'bip322' | 'legacy' | 'none';
  result: 'pass' | 'fail';
  /** Why it failed. */
  reason?: string;
}

export interface ControlLog {
  format: typeof CONTROL_LOG_FORMAT;
  challenges: Challenge[];
  checks: ControlCheck[];
}

/** What the injected verifier says about a signature of a message by an address. */
export interface SignatureVerdict {
  valid: boolean;
  method: 'bip322' | 'legacy' | 'none';
  reason?: string;
}
export type MessageVerifier = (address: string, network: string, message: string, signature: string) => SignatureVerdict;

/** An empty log. */
export function emptyControlLog(): ControlLog {
  return { format: CONTROL_LOG_FORMAT, challenges: [], checks: [] };
}

/** The message of a challenge: one field per line, so a signer's screen shows what is signed. */
export function challengeMessage(c: Pick<Challenge, 'key' | 'address' | 'issued' | 'nonce'>): string {
  return ['Keygrade proof of control', `key: ${c.key}`, `address: ${c.address}`, `date: ${c.issued}`, `nonce: ${c.nonce}`].join('\n');
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/;

/**
 * Issues a challenge for one key and appends it to the log (returns the new log and the challenge).
 * @example issueChallenge(log, { key: 'k1', address: 'bc1q…', network: 'mainnet', now: new Date(), nonce: randomHex32 })
 */
export function issueChallenge(log: ControlLog, req: { key: string; address: string; network: string; now: Date; nonce: string }): { log: ControlLog; challenge: Challenge } {
  if (!KEY_ID.test(req.key)) throw new ControlError('CONTROL_INPUT', `key id ${JSON.stringify(req.key)}: letters, digits and . _ : @ / - (up to 100)`);
  if (!/^[0-9a-f]{64}$/.test(req.nonce)) throw new ControlError('CONTROL_INPUT', 'the nonce must be 32 random bytes in hex');
  if (!/^[A-Za-z0-9]{14,90}$/.test(req.address)) throw new ControlError('CONTROL_INPUT', `address ${JSON.stringify(req.address)} is not a Bitcoin address`);
  const base = { key: req.key, address: req.address, issued: req.now.toISOString(), nonce: req.nonce };
  const challenge: Challenge = { ...base, network: req.network, message: challengeMessage(base) };
  return { log: { ...log, challenges: [...log.challenges, challenge] }, challenge };
}

const DAY = 86_400_000;

/**
 * Verifies a response to the key's latest open challenge and records the check (pass or fail).
 * A challenge older than `maxAgeDays` fails: an old signature does not show control today.
 */
export function answerChallenge(log: ControlLog, res: { key: string; signature: string; now: Date; maxAgeDays: number; verify: MessageVerifier }): { log: ControlLog; check: ControlCheck } {
  const open = log.challenges.map((c, i) => [c, i] as const).filter(([c]) => c.key === res.key && c.answered === undefined);
  const last = open[open.length - 1];
  if (!last) throw new ControlError('CONTROL_NO_CHALLENGE', `key ${res.key} has no open challenge: issue one with the challenge action first`);
  const [c, i] = last;
  const age = (res.now.getTime() - Date.parse(c.issued)) / DAY;
  let v: SignatureVerdict;
  if (age > res.maxAgeDays) v = { valid: false, method: 'none', reason: `the challenge was issued ${age.toFixed(1)} days ago, more than ${res.maxAgeDays}: issue a new one` };
  else if (age < -1 / 24) v = { valid: false, method: 'none', reason: 'the challenge is dated in the future (check the clock)' };
  else v = res.verify(c.address, c.network, c.message, res.signature.trim());
  const check: ControlCheck = { key: c.key, address: c.address, nonce: c.nonce, date: res.now.toISOString(), method: v.method, result: v.valid ? 'pass' : 'fail', ...(v.valid ? {} : { reason: v.reason ?? 'invalid signature' }) };
  const challenges = v.valid ? log.challenges.map((x, j) => (j === i ? { ...x, answered: check.date } : x)) : log.challenges;
  return { log: { ...log, challenges, checks: [...log.checks, check] }, check };
}

export interface KeyControlStatus {
  key: string;
  address: string | undefined;
  lastSuccess: string | undefined;
  lastAttempt: string | undefined;
  /** Days since the last successful check (undefined when never). */
  daysSince: number | undefined;
  overdue: boolean;
}

/** Every key of the log (and `required` keys) with its last successful check; overdue when older than `overdueDays` or never. */
export function controlStatus(log: ControlLog, now: Date, overdueDays: number, required: readonly string[] = []): KeyControlStatus[] {
  const keys = [...new Set([...required, ...log.challenges.map((c) => c.key), ...log.checks.map((c) => c.key)])];
  return keys.map((key) => {
    const mine = log.checks.filter((c) => c.key === key);
    const ok = mine.filter((c) => c.result === 'pass').sort((a, b) => a.date.localeCompare(b.date));
    const last = ok[ok.length - 1];
    const daysSince = last ? (now.getTime() - Date.parse(last.date)) / DAY : undefined;
    const lastAttempt = mine.map((c) => c.date).sort().pop();
    return { key, address: last?.address ?? log.challenges.filter((c) => c.key === key).pop()?.address, lastSuccess: last?.date, lastAttempt, daysSince: daysSince === undefined ? undefined : Math.floor(daysSince * 10) / 10, overdue: daysSince === undefined || daysSince > overdueDays };
  });
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** Reads a log file, checking every field (it is evidence: a hand-edited log must not pass silently malformed). */
export function parseControlLog(text: string, file: string): ControlLog {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ControlError('CONTROL_LOG_INVALID', `${file}: not JSON: ${(e as Error).message}`);
  }
  const bad = (path: string, why: string) => new ControlError('CONTROL_LOG_INVALID', `${file}: ${path}: ${why}`);
  const o = doc as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.format !== CONTROL_LOG_FORMAT) throw bad('format', `must be "${CONTROL_LOG_FORMAT}"`);
  if (!Array.isArray(o.challenges) || !Array.isArray(o.checks)) throw bad('challenges/checks', 'must be arrays');
  const strField = (x: Record<string, unknown>, path: string, k: string, re?: RegExp) => {
    if (typeof x[k] !== 'string' || (re && !re.test(x[k] as string))) throw bad(`${path}.${k}`, re === ISO ? 'must be an ISO 8601 UTC time' : 'must be a string');
  };
  o.challenges.forEach((c: Record<string, unknown>, i) => {
    for (const k of ['key', 'address', 'network', 'nonce', 'message']) strField(c, `challenges[${i}]`, k);
    strField(c, `challenges[${i}]`, 'issued', ISO);
    if (c.answered !== undefined) strField(c, `challenges[${i}]`, 'answered', ISO);
  });
  o.checks.forEach((c: Record<string, unknown>, i) => {
    for (const k of ['key', 'address', 'nonce']) strField(c, `checks[${i}]`, k);
    strField(c, `checks[${i}]`, 'date', ISO);
    if (!['bip322', 'legacy', 'none'].includes(c.method as string)) throw bad(`checks[${i}].method`, 'must be bip322, legacy or none');
    if (c.result !== 'pass' && c.result !== 'fail') throw bad(`checks[${i}].result`, 'must be pass or fail');
  });
  return o as unknown as ControlLog;
}
