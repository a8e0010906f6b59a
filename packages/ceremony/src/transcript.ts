/**
 * Ceremony transcripts: the signed record of one key ceremony (CCSS 1.01; Level II asks for a run
 * book with sign-offs by different parties). Stored as RFC 8785 canonical JSON plus a newline, so
 * the file has exactly one byte form and its SHA-256 identifies it as evidence.
 *
 * Shape: { "transcript": TranscriptBody, "signoffs": SignOff[] }. Each sign-off is Ed25519 over
 * "keygrade-ceremony-signoff/v1\n" || JCS({ transcript, signoff: <the sign-off without its signature> }),
 * so sign-offs are independent of each other and can be added in any order.
 */
import { canonicalJson } from '@keygrade/tlog';
import { fromHex, isHex, toHex } from './bytes.js';
import type { CeremonyResult, Construction, TranscriptSource } from './ceremony.js';
import { CeremonyError } from './errors.js';
import { ed25519PublicKey, keyId, signedBytes, signHex, verifyHex } from './signing.js';

export const TRANSCRIPT_FORMAT = 'keygrade-ceremony-transcript/v1';
export const SIGNOFF_DOMAIN = 'keygrade-ceremony-signoff/v1';
/** Roles a sign-off can carry. */
export const ROLES = ['operator', 'witness', 'keyholder', 'auditor', 'approver'] as const;
export type Role = (typeof ROLES)[number];

/** What Keygrade ran: version, the SHA-256 of its installed files, and the install check. */
export interface SoftwareRecord {
  name: 'keygrade';
  version: string;
  /** SHA-256 of the canonical JSON of the installed files' path → SHA-256 map (see `./node`). */
  sha256: string;
  files: number;
  /** verified: a trusted signed release manifest matched; no-manifest: none installed; failed: it did not match. */
  installCheck: 'verified' | 'no-manifest' | 'failed' | 'skipped';
  runtime: string;
}

export interface Participant {
  name: string;
  role: string;
}

export interface TranscriptBody {
  format: typeof TRANSCRIPT_FORMAT;
  ceremonyId: string;
  purpose: string;
  software: SoftwareRecord;
  startedAt: string;
  finishedAt: string;
  participants: Participant[];
  construction: Construction;
  sources: TranscriptSource[];
  entropy: { keyBits: number; creditedBits: number; physicalBits: number };
  result: CeremonyResult;
  /** Present when the secret was also written encrypted: the file's SHA-256 and format. */
  encryptedBackup?: { sha256: string; format: string };
  warnings: string[];
}

export interface SignOff {
  role: Role;
  name: string;
  publicKey: string;
  keyId: string;
  signedAt: string;
  statement: string;
  signature: string;
}

export interface Transcript {
  transcript: TranscriptBody;
  signoffs: SignOff[];
}

/** The default statement of each role. */
export const STATEMENTS: Record<Role, string> = {
  operator: 'I ran this key ceremony as recorded in this transcript.',
  witness: 'I witnessed this key ceremony and confirm this transcript.',
  keyholder: 'I hold the secret generated in this ceremony and confirm its public keys.',
  auditor: 'I reviewed this transcript against the ceremony run book.',
  approver: 'I approve this key ceremony.',
};

function message(body: TranscriptBody, s: Omit<SignOff, 'signature'>): Uint8Array {
  return signedBytes(SIGNOFF_DOMAIN, { transcript: body, signoff: { role: s.role, name: s.name, publicKey: s.publicKey, keyId: s.keyId, signedAt: s.signedAt, statement: s.statement } });
}

/** Adds a sign-off by the holder of `secretKey`; refuses a second sign-off by the same key. */
export function signTranscript(t: Transcript, secretKey: Uint8Array, who: { role: Role; name: string; signedAt: string; statement?: string }): Transcript {
  if (!ROLES.includes(who.role)) throw new CeremonyError('TRANSCRIPT_KEY', `role must be one of ${ROLES.join(', ')} (got "${who.role}")`);
  if (who.name.trim() === '') throw new CeremonyError('TRANSCRIPT_KEY', 'a sign-off needs the signer\'s name');
  const pub = ed25519PublicKey(secretKey);
  const publicKey = toHex(pub);
  const prior = t.signoffs.find((s) => s.publicKey === publicKey);
  if (prior) throw new CeremonyError('TRANSCRIPT_KEY', `this key (${keyId(pub)}) already signed this transcript as ${prior.role} "${prior.name}"; each party signs with their own key`);
  const unsigned = { role: who.role, name: who.name.trim(), publicKey, keyId: keyId(pub), signedAt: who.signedAt, statement: who.statement ?? STATEMENTS[who.role] };
  return { transcript: t.transcript, signoffs: [...t.signoffs, { ...unsigned, signature: signHex(message(t.transcript, unsigned), secretKey) }] };
}

/** The file form: canonical JSON and one newline. */
export function serializeTranscript(t: Transcript): string {
  return `${canonicalJson(t)}\n`;
}

/**
 * Parses a transcript file defensively (it travels between parties): strict UTF-8, JSON, the
 * canonical byte form, then every structural problem with its field path.
 */
export function parseTranscript(bytes: Uint8Array): Transcript {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CeremonyError('TRANSCRIPT_INVALID', 'the transcript is not valid UTF-8');
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CeremonyError('TRANSCRIPT_INVALID', `the transcript is not JSON: ${(e as Error).message}`);
  }
  const problems = structureProblems(v);
  if (problems.length > 0) throw new CeremonyError('TRANSCRIPT_INVALID', `the transcript is malformed (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems: problems.map(([path, m]) => ({ path, message: m })) });
  if (serializeTranscript(v as Transcript) !== text) {
    throw new CeremonyError('TRANSCRIPT_INVALID', 'the transcript is not in its canonical form (RFC 8785 JSON and one newline): it was edited or reformatted after signing');
  }
  return v as Transcript;
}

type Check = [path: string, message: string];

function structureProblems(v: unknown): Check[] {
  const p: Check[] = [];
  const obj = (x: unknown, path: string): x is Record<string, unknown> => {
    const ok = typeof x === 'object' && x !== null && !Array.isArray(x);
    if (!ok) p.push([path, 'expected an object']);
    return ok;
  };
  const str = (o: Record<string, unknown>, k: string, path: string, test?: (s: string) => boolean, what = 'a string') => {
    if (typeof o[k] !== 'string' || (test && !test(o[k]))) p.push([`${path}.${k}`, `expected ${what}`]);
  };
  const num = (o: Record<string, unknown>, k: string, path: string) => {
    if (typeof o[k] !== 'number') p.push([`${path}.${k}`, 'expected a number']);
  };
  const arr = (o: Record<string, unknown>, k: string, path: string): unknown[] => {
    if (!Array.isArray(o[k])) {
      p.push([`${path}.${k}`, 'expected an array']);
      return [];
    }
    return o[k];
  };
  const iso = (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\dT/.test(s);
  if (!obj(v, '')) return p;
  const b = v.transcript;
  if (obj(b, 'transcript')) {
    if (b.format !== TRANSCRIPT_FORMAT) p.push(['transcript.format', `expected "${TRANSCRIPT_FORMAT}"`]);
    str(b, 'ceremonyId', 'transcript', (s) => /^[0-9a-f-]{36}$/.test(s), 'a UUID');
    str(b, 'purpose', 'transcript');
    str(b, 'startedAt', 'transcript', iso, 'an ISO 8601 time');
    str(b, 'finishedAt', 'transcript', iso, 'an ISO 8601 time');
    if (obj(b.software, 'transcript.software')) {
      str(b.software, 'version', 'transcript.software');
      str(b.software, 'sha256', 'transcript.software', (s) => isHex(s, 32), '64 lowercase hex digits');
      num(b.software, 'files', 'transcript.software');
    }
    arr(b, 'participants', 'transcript').forEach((x, i) => {
      if (obj(x, `transcript.participants[${i}]`)) {
        str(x, 'name', `transcript.participants[${i}]`);
        str(x, 'role', `transcript.participants[${i}]`);
      }
    });
    if (obj(b.construction, 'transcript.construction')) {
      str(b.construction, 'mode', 'transcript.construction', (s) => ['keygrade', 'seedsigner', 'glacier'].includes(s), 'keygrade, seedsigner or glacier');
      arr(b.construction, 'order', 'transcript.construction');
    }
    const sources = arr(b, 'sources', 'transcript');
    if (sources.length === 0) p.push(['transcript.sources', 'expected at least one source']);
    sources.forEach((x, i) => {
      const path = `transcript.sources[${i}]`;
      if (!obj(x, path)) return;
      str(x, 'kind', path, (s) => ['os', 'dice', 'cards', 'file'].includes(s), 'os, dice, cards or file');
      str(x, 'salt', path, (s) => isHex(s, 32), '64 lowercase hex digits');
      str(x, 'commitment', path, (s) => isHex(s, 32), '64 lowercase hex digits');
      num(x, 'entropyBits', path);
      if (typeof x.passed !== 'boolean') p.push([`${path}.passed`, 'expected true or false']);
      arr(x, 'checks', path);
    });
    if (obj(b.entropy, 'transcript.entropy')) for (const k of ['keyBits', 'creditedBits', 'physicalBits']) num(b.entropy, k, 'transcript.entropy');
    if (obj(b.result, 'transcript.result')) {
      str(b.result, 'masterFingerprint', 'transcript.result', (s) => isHex(s, 4), '8 lowercase hex digits');
      str(b.result, 'network', 'transcript.result', (s) => s === 'main' || s === 'test', 'main or test');
      if (b.result.words !== 12 && b.result.words !== 24) p.push(['transcript.result.words', 'expected 12 or 24']);
      arr(b.result, 'accounts', 'transcript.result').forEach((x, i) => {
        const path = `transcript.result.accounts[${i}]`;
        if (!obj(x, path)) return;
        for (const k of ['script', 'path', 'xpub', 'descriptorKey']) str(x, k, path);
        num(x, 'account', path);
      });
    }
    arr(b, 'warnings', 'transcript');
  }
  arr(v, 'signoffs', '').forEach((x, i) => {
    const path = `signoffs[${i}]`;
    if (!obj(x, path)) return;
    str(x, 'role', path, (s) => (ROLES as readonly string[]).includes(s), ROLES.join(', '));
    str(x, 'name', path);
    str(x, 'publicKey', path, (s) => isHex(s, 32), '64 lowercase hex digits');
    str(x, 'keyId', path, (s) => isHex(s, 8), '16 lowercase hex digits');
    str(x, 'signedAt', path, iso, 'an ISO 8601 time');
    str(x, 'statement', path);
    str(x, 'signature', path, (s) => isHex(s, 64), '128 lowercase hex digits');
  });
  return p.map(([path, m]) => [path.replace(/^\./, ''), m]);
}

/** The verdict on one sign-off. */
export interface SignOffCheck {
  role: Role;
  name: string;
  keyId: string;
  valid: boolean;
  /** True when the key is among those the verifier said it trusts (undefined: none given). */
  trusted?: boolean;
}

export interface TranscriptVerdict {
  signoffs: SignOffCheck[];
  /** Distinct keys with a valid sign-off. */
  distinctSigners: number;
  problems: string[];
  warnings: string[];
  ok: boolean;
}

/**
 * Checks every sign-off and the transcript's internal consistency: valid signatures, key ids that
 * match their keys, an operator sign-off, each key at most once, sources that passed their health
 * tests, and at least `requireSignoffs` valid sign-offs (CCSS 1.01 Level II: different parties).
 */
export function verifyTranscript(t: Transcript, options: { requireSignoffs?: number; trustedKeys?: readonly string[] } = {}): TranscriptVerdict {
  const problems: string[] = [];
  const warnings = [...t.transcript.warnings];
  const trusted = options.trustedKeys ? new Set(options.trustedKeys) : undefined;
  const seen = new Set<string>();
  const signoffs = t.signoffs.map((s, i): SignOffCheck => {
    const { signature, ...unsigned } = s;
    const idOk = keyId(fromHex(s.publicKey)) === s.keyId;
    const valid = idOk && verifyHex(message(t.transcript, unsigned), signature, s.publicKey);
    if (!idOk) problems.push(`sign-off ${i + 1} (${s.name}): keyId ${s.keyId} is not the id of its public key`);
    else if (!valid) problems.push(`sign-off ${i + 1} (${s.role} "${s.name}", key ${s.keyId}): the signature does not verify — the transcript or the sign-off was changed after signing`);
    if (seen.has(s.publicKey)) problems.push(`sign-off ${i + 1} (${s.name}): key ${s.keyId} signed more than once; each party signs with their own key`);
    seen.add(s.publicKey);
    const check: SignOffCheck = { role: s.role, name: s.name, keyId: s.keyId, valid };
    if (trusted) {
      check.trusted = trusted.has(s.publicKey);
      if (!check.trusted) problems.push(`sign-off ${i + 1} (${s.name}): key ${s.keyId} is not among the trusted keys given`);
    }
    return check;
  });
  const validKeys = new Set(t.signoffs.filter((_, i) => signoffs[i]!.valid).map((s) => s.publicKey));
  if (!signoffs.some((s) => s.valid && s.role === 'operator')) problems.push('no valid operator sign-off');
  const need = options.requireSignoffs ?? 1;
  if (validKeys.size < need) problems.push(`${validKeys.size} valid sign-off${validKeys.size === 1 ? '' : 's'} by different keys; ${need} required`);
  const body = t.transcript;
  for (const [i, s] of body.sources.entries()) if (!s.passed) problems.push(`source ${i + 1} (${s.kind}) did not pass its health tests`);
  if (Date.parse(body.finishedAt) < Date.parse(body.startedAt)) problems.push('finishedAt is before startedAt');
  if (new Set(body.sources.map((s) => s.kind)).size < 2) warnings.push('one entropy source only: CCSS 1.01 asks for at least two combined sources');
  if (body.software.installCheck !== 'verified') warnings.push(`the software was not verified against a signed release manifest when the ceremony ran (${body.software.installCheck})`);
  return { signoffs, distinctSigners: validKeys.size, problems, warnings: [...new Set(warnings)], ok: problems.length === 0 };
}
