import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { addressScript, verifyBip322, verifyLegacy, type BitcoinNetwork } from '@keygrade/reserves/assets';
import { answerChallenge, controlStatus, emptyControlLog, issueChallenge, parseControlLog, type ControlLog, type MessageVerifier } from '@keygrade/wallet';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readInput, writeAtomic } from '../files.js';
import { out, type Io } from '../io.js';
import { ATTACH_OPTIONS, attachResult } from '../attach.js';

export const spec: CommandSpec = {
  name: 'wallet prove-control',
  summary: 'Proof of control of keys: issue a per-key challenge, verify the signed answer, and flag keys not checked recently.',
  description: [
    'challenge: prints a message with a random nonce, the date and the key id for the key holder to sign with the',
    '  key\'s address (BIP-322 simple or full, or a legacy `signmessage` signature), and records it in the log.',
    'verify: checks the signature against the key\'s latest open challenge (verified offline by the BIP-322 and legacy',
    '  verifiers of `keygrade por assets`) and records the result with the date; a challenge is answered once and',
    '  expires after --max-age days.',
    'status: every key in the log (and --key ones) with its last successful check; with --overdue <days> the keys whose',
    '  last success is older, or that never passed, are flagged.',
    'The log is a JSON file (default proof-of-control.json). Exit 0 ok, 1 a verification failed or a key is overdue,',
    '2 on malformed input.',
  ].join('\n'),
  args: ['<challenge|verify|status>'],
  options: {
    log: { type: 'string', value: '<file>', description: 'the proof-of-control log (created by the first challenge)', default: 'proof-of-control.json' },
    key: { type: 'string', value: '<id>', description: 'key id (challenge, verify); for status, comma-separated keys that must be checked' },
    address: { type: 'string', value: '<address>', description: "the key's address that signs the answer (challenge)" },
    network: { type: 'string', value: '<network>', description: 'address network (challenge)', choices: ['mainnet', 'testnet', 'signet', 'regtest'], default: 'mainnet' },
    signature: { type: 'string', value: '<base64>', description: 'the signed answer (verify): BIP-322 (smp/ful prefix optional) or legacy 65-byte base64' },
    'max-age': { type: 'string', value: '<days>', description: 'how old a challenge may be when answered (verify)', default: '7' },
    overdue: { type: 'string', value: '<days>', description: 'flag keys whose last successful check is older than this (status)' },
    json: { type: 'boolean', description: 'print JSON' },
    ...ATTACH_OPTIONS,
  },
  examples: [
    'keygrade wallet prove-control challenge --key k1 --address bc1q…',
    'keygrade wallet prove-control verify --key k1 --signature AkcwRAIg…',
    'keygrade wallet prove-control status --overdue 90 --key k1,k2,k3',
  ],
};

const NET: Record<string, BitcoinNetwork> = { mainnet: 'bitcoin', testnet: 'testnet', signet: 'signet', regtest: 'regtest' };

/** BIP-322 first; a 65-byte base64 signature is a legacy message signature (P2PKH, P2WPKH, P2SH-P2WPKH). */
const verifyMessage: MessageVerifier = (address, network, message, signature) => {
  const script = addressScript(address, NET[network] ?? 'bitcoin');
  if (typeof script === 'string') return { valid: false, method: 'none', reason: script };
  if (/^[A-Za-z0-9+/]{86}[AEIMQUYcgkosw048]=$/.test(signature) && Buffer.from(signature, 'base64').length === 65) {
    const f = verifyLegacy(script, message, signature);
    return f ? { valid: false, method: 'legacy', reason: f.message } : { valid: true, method: 'legacy' };
  }
  const r = verifyBip322(script, message, signature);
  return r.state === 'valid' ? { valid: true, method: 'bip322' } : { valid: false, method: 'bip322', reason: `${r.state}: ${r.failure?.message ?? ''}` };
};

function days(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 36500) throw usage(`--${name} must be a number of days`);
  return n;
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const action = positionals[0]!;
  const logFile = String(values.log);
  const path = resolve(io.cwd, logFile);
  const load = (): ControlLog => (existsSync(path) ? parseControlLog(readInput(io, logFile), logFile) : emptyControlLog());
  const now = io.now();
  if (action === 'challenge') {
    if (values.attach !== undefined) throw usage('--attach goes with verify and status (their results are evidence); a challenge is not');
    if (typeof values.key !== 'string' || typeof values.address !== 'string') throw usage('challenge needs --key <id> and --address <address>');
    const network = String(values.network);
    const script = addressScript(values.address, NET[network]!);
    if (typeof script === 'string') throw usage(`--address: ${script}`);
    const { log, challenge } = issueChallenge(load(), { key: values.key, address: values.address, network, now, nonce: randomBytes(32).toString('hex') });
    writeAtomic(path, `${JSON.stringify(log, null, 2)}\n`);
    if (values.json) out(io, JSON.stringify(challenge, null, 2));
    else {
      out(io, `Challenge for key ${challenge.key} recorded in ${logFile}. Sign this message with ${challenge.address} (BIP-322, or legacy signmessage), exactly as shown:`);
      out(io, '');
      out(io, challenge.message);
      out(io, '');
      out(io, `Then: keygrade wallet prove-control verify --key ${challenge.key} --signature <signature>`);
    }
    return EXIT.ok;
  }
  if (action === 'verify') {
    if (typeof values.key !== 'string' || typeof values.signature !== 'string') throw usage('verify needs --key <id> and --signature <signature>');
    const { log, check } = answerChallenge(load(), { key: values.key, signature: values.signature, now, maxAgeDays: days(values['max-age'], 'max-age'), verify: verifyMessage });
    writeAtomic(path, `${JSON.stringify(log, null, 2)}\n`);
    if (values.json) out(io, JSON.stringify(check, null, 2));
    else out(io, check.result === 'pass' ? `PASS: key ${check.key} signed the challenge (${check.method}) — recorded ${check.date}` : `FAIL: key ${check.key}: ${check.reason} — recorded ${check.date}`);
    return attachResult(io, spec, { values, positionals }, check, check.result === 'pass' ? EXIT.ok : EXIT.checkFailed);
  }
  if (action === 'status') {
    const required = typeof values.key === 'string' ? values.key.split(',').map((k) => k.trim()).filter(Boolean) : [];
    const overdueDays = values.overdue === undefined ? Infinity : days(values.overdue, 'overdue');
    const status = controlStatus(load(), now, overdueDays, required);
    const result = { date: now.toISOString(), overdueDays: values.overdue === undefined ? null : overdueDays, keys: status };
    if (values.json) out(io, JSON.stringify(result, null, 2));
    else {
      const late = status.filter((s) => s.overdue);
      out(io, `${values.overdue === undefined ? 'Keys' : late.length ? `OVERDUE: ${late.length} of ${status.length} keys` : `OK: all ${status.length} keys checked within ${overdueDays} days`}`);
      for (const s of status) out(io, `  ${s.key.padEnd(12)} ${s.lastSuccess ? `last passed ${s.lastSuccess.slice(0, 10)} (${s.daysSince} days ago)` : 'never passed'}${values.overdue !== undefined && s.overdue ? '  OVERDUE' : ''}`);
    }
    return attachResult(io, spec, { values, positionals }, result, values.overdue !== undefined && status.some((s) => s.overdue) ? EXIT.checkFailed : EXIT.ok);
  }
  throw usage(`unknown action "${action}": choose challenge, verify or status`);
}
