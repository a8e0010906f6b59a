/**
 * NIST CAVP DRBG response files (`.rsp`, CAVS 14.x, SP 800-90A): parse them and run every COUNT
 * the way CAVP does — Instantiate, an optional Reseed, Generate twice, compare the second output.
 *
 * Pure: takes file text, does no IO. The file is untrusted input: every line is checked, and all
 * problems are reported together with their line numbers before anything runs.
 */
import type { Problem } from '@keygrade/errors';
import { hexToBytes, bytesToHex } from '@noble/hashes/utils.js';
import { instantiateDrbg, type DrbgPlatform } from './drbg/drbg.js';
import { HASHES } from './drbg/hashes.js';
import type { DrbgCipher, DrbgHash, DrbgSpec } from './drbg/types.js';
import { RandomnessError } from './errors.js';

/** The DRBG mechanisms a CAVP response file can hold. */
export type CavpMechanism = 'HMAC_DRBG' | 'Hash_DRBG' | 'CTR_DRBG' | 'Dual_EC_DRBG';

/** One `Name = value` line of a COUNT block. */
export interface CavpField {
  name: string;
  value: string;
  line: number;
}

/** One COUNT block. */
export interface CavpVector {
  count: number;
  line: number;
  fields: CavpField[];
}

/** A `[function]` header with its `[Name = value]` parameters and the COUNT blocks under them. */
export interface CavpSection {
  line: number;
  /** e.g. `SHA-256`, `AES-256 use df`, `3KeyTDEA no df`, `P-256, SHA-256`. */
  function: string;
  params: Record<string, string>;
  /** The line of each parameter header. */
  paramLines: Record<string, number>;
  vectors: CavpVector[];
}

/** A parsed response file. */
export interface CavpFile {
  mechanism: CavpMechanism;
  sections: CavpSection[];
}

/** What CAVP asks of one COUNT, decoded. */
export interface DrbgTestCase {
  count: number;
  line: number;
  entropyInput: Uint8Array;
  nonce: Uint8Array;
  personalizationString: Uint8Array;
  /** pr_false files: the Reseed call between Instantiate and the two Generate calls. */
  reseed?: { entropyInput: Uint8Array; additionalInput: Uint8Array };
  /** The two Generate calls; with prediction resistance each carries the entropy of its reseed. */
  generate: [{ additionalInput: Uint8Array; entropyInputPR?: Uint8Array }, { additionalInput: Uint8Array; entropyInputPR?: Uint8Array }];
  returnedBits: Uint8Array;
  returnedBitsLen: number;
}

/** The outcome of one section. */
export interface CavpSectionReport {
  line: number;
  mechanism: CavpMechanism;
  function: string;
  /** The DRBG run, e.g. `HMAC_DRBG SHA-256`; absent when skipped. */
  spec?: DrbgSpec;
  predictionResistance: boolean;
  /** True when the COUNTs reseed between Instantiate and Generate (pr_false files). */
  reseed: boolean;
  params: Record<string, string>;
  vectors: number;
  passed: number;
  failed: number;
  skipped: number;
  /** e.g. `unsupported: 3KeyTDEA` */
  skipReason?: string;
  failures: { count: number; line: number; reason: string }[];
}

/** The outcome of one file. */
export interface CavpFileReport {
  mechanism: CavpMechanism;
  sections: CavpSectionReport[];
  totals: { sections: number; vectors: number; passed: number; failed: number; skipped: number };
}

export interface CavpRunOptions {
  /** The file name, used in messages and to tell the mechanism when the file does not say. */
  fileName?: string;
  /** Called after each vector with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
  platform?: DrbgPlatform;
}

const MECHANISMS: readonly CavpMechanism[] = ['HMAC_DRBG', 'Hash_DRBG', 'CTR_DRBG', 'Dual_EC_DRBG'];
const LENGTH_PARAMS = ['EntropyInputLen', 'NonceLen', 'PersonalizationStringLen', 'AdditionalInputLen', 'ReturnedBitsLen'] as const;
/** Each known field and the section parameter that gives its length in bits. */
const FIELD_LENGTH: Readonly<Record<string, (typeof LENGTH_PARAMS)[number]>> = {
  EntropyInput: 'EntropyInputLen',
  Nonce: 'NonceLen',
  PersonalizationString: 'PersonalizationStringLen',
  AdditionalInput: 'AdditionalInputLen',
  EntropyInputReseed: 'EntropyInputLen',
  AdditionalInputReseed: 'AdditionalInputLen',
  EntropyInputPR: 'EntropyInputLen',
  ReturnedBits: 'ReturnedBitsLen',
};

function parseError(fileName: string | undefined, problems: Problem[]): RandomnessError {
  const shown = problems.slice(0, 25);
  const more = problems.length > shown.length ? ` (first ${shown.length} shown)` : '';
  return new RandomnessError('CAVP_PARSE', `${fileName ?? 'CAVP file'}: ${problems.length} problem${problems.length === 1 ? '' : 's'}${more}`, { problems: shown });
}

/** Which mechanism a file holds: its `# <mechanism> options:` comment, else its file name. */
function detectMechanism(text: string, fileName: string | undefined): CavpMechanism | undefined {
  const m = /^#\s*(HMAC_DRBG|Hash_DRBG|CTR_DRBG|Dual_EC_DRBG)\s+options\b/im.exec(text);
  if (m) return MECHANISMS.find((x) => x.toLowerCase() === m[1]!.toLowerCase());
  const base = fileName?.split(/[\\/]/).pop() ?? '';
  const f = /(HMAC|Hash|CTR|Dual_EC)_DRBG/i.exec(base);
  if (f) return MECHANISMS.find((x) => x.toLowerCase() === `${f[1]!}_drbg`.toLowerCase());
  return undefined;
}

/**
 * Parses a CAVP DRBG response file (CRLF or LF). Throws CAVP_PARSE listing every malformed line.
 */
export function parseCavpDrbg(text: string, options: { fileName?: string } = {}): CavpFile {
  const file = options.fileName;
  const problems: Problem[] = [];
  const at = (line: number, message: string) => problems.push({ file, line, message });
  const sections: CavpSection[] = [];
  let section: CavpSection | undefined;
  let vector: CavpVector | undefined;
  const lines = text.split(/\r?\n|\r/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return;
    const header = /^\[(.*)\]$/.exec(s);
    if (header) {
      const body = header[1]!.trim();
      const eq = body.indexOf('=');
      if (eq < 0) {
        if (body === '') return void at(line, 'empty section header "[]"');
        section = { line, function: body, params: {}, paramLines: {}, vectors: [] };
        sections.push(section);
        vector = undefined;
        return;
      }
      const key = body.slice(0, eq).trim();
      const value = body.slice(eq + 1).trim();
      if (!section) return void at(line, `parameter [${key} = …] before any [function] header such as [SHA-256] or [AES-256 use df]`);
      if (section.vectors.length > 0) {
        // New parameters after COUNT blocks start a new section of the same function.
        section = { line, function: section.function, params: { ...section.params }, paramLines: { ...section.paramLines }, vectors: [] };
        sections.push(section);
        vector = undefined;
      }
      section.params[key] = value;
      section.paramLines[key] = line;
      return;
    }
    const kv = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(s);
    if (!kv) return void at(line, `unrecognised line "${s.length > 40 ? `${s.slice(0, 40)}…` : s}" (expected [header], COUNT = n, Name = value or # comment)`);
    const [, name, value] = kv as unknown as [string, string, string];
    if (name === 'COUNT') {
      if (!section) return void at(line, 'COUNT before any [function] header');
      if (!/^\d+$/.test(value)) return void at(line, `COUNT must be a whole number (got "${value}")`);
      vector = { count: Number(value), line, fields: [] };
      section.vectors.push(vector);
      return;
    }
    if (!vector) return void at(line, `${name} outside a COUNT block`);
    vector.fields.push({ name, value, line });
  });
  const mechanism = detectMechanism(text, file);
  if (!mechanism) {
    problems.push({ file, line: 1, message: 'cannot tell the DRBG mechanism: no "# HMAC_DRBG options" (or Hash_DRBG, CTR_DRBG, Dual_EC_DRBG) comment, and the file name does not say' });
  }
  if (sections.length === 0 && problems.length === 0) problems.push({ file, line: 1, message: 'no [section] headers: this is not a CAVP DRBG response file' });
  if (problems.length > 0) throw parseError(file, problems);
  return { mechanism: mechanism!, sections };
}

/** The DRBG a section asks for, or why it is unsupported. */
export function sectionSpec(mechanism: CavpMechanism, fn: string): DrbgSpec | { unsupported: string } {
  if (mechanism === 'Dual_EC_DRBG') return { unsupported: 'unsupported: Dual_EC_DRBG (withdrawn in SP 800-90A rev1)' };
  if (mechanism === 'HMAC_DRBG' || mechanism === 'Hash_DRBG') {
    return Object.hasOwn(HASHES, fn) ? { mechanism, hash: fn as DrbgHash } : { unsupported: `unsupported: ${fn}` };
  }
  const m = /^(AES-(?:128|192|256))\s+(use|no)\s+df$/i.exec(fn);
  if (!m) return { unsupported: `unsupported: ${fn}` };
  return { mechanism: 'CTR_DRBG', cipher: m[1]!.toUpperCase() as DrbgCipher, derivationFunction: m[2]!.toLowerCase() === 'use' };
}

/** Decodes the COUNT blocks of a supported section, adding located problems for anything malformed. */
function decodeSection(sec: CavpSection, file: string | undefined, problems: Problem[]): { pr: boolean; cases: DrbgTestCase[] } {
  const at = (line: number, message: string) => problems.push({ file, line, message });
  const prText = sec.params.PredictionResistance;
  let pr = false;
  const paramLine = (p: string) => sec.paramLines[p] ?? sec.line;
  if (prText === undefined) at(sec.line, `section [${sec.function}] has no [PredictionResistance = True|False]`);
  else if (/^true$/i.test(prText)) pr = true;
  else if (!/^false$/i.test(prText)) at(paramLine('PredictionResistance'), `[PredictionResistance = ${prText}] must be True or False`);
  const lens: Partial<Record<(typeof LENGTH_PARAMS)[number], number>> = {};
  for (const p of LENGTH_PARAMS) {
    const v = sec.params[p];
    if (v === undefined) at(sec.line, `section [${sec.function}] has no [${p} = …]`);
    else if (!/^\d+$/.test(v)) at(paramLine(p), `[${p} = ${v}] must be a whole number of bits`);
    else lens[p] = Number(v);
  }
  const cases: DrbgTestCase[] = [];
  for (const v of sec.vectors) {
    const before = problems.length;
    const got: Record<string, { bytes: Uint8Array; line: number }[]> = {};
    const seen: Record<string, number> = {};
    for (const f of v.fields) {
      const lenParam = FIELD_LENGTH[f.name];
      if (!lenParam) {
        at(f.line, `unknown field "${f.name}" in COUNT = ${v.count}`);
        continue;
      }
      seen[f.name] = (seen[f.name] ?? 0) + 1;
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(f.value)) {
        at(f.line, `${f.name} must be hexadecimal with an even number of digits`);
        continue;
      }
      const bytes = hexToBytes(f.value);
      const want = lens[lenParam];
      if (want !== undefined && bytes.length * 8 !== want) at(f.line, `${f.name} is ${bytes.length * 8} bits but [${lenParam} = ${want}]`);
      (got[f.name] ??= []).push({ bytes, line: f.line });
    }
    const need = (name: string, n: number): void => {
      const have = seen[name] ?? 0;
      if (have !== n) at(v.line, `COUNT = ${v.count}: expected ${n === 1 ? 'one' : n === 2 ? 'two' : 'no'} ${name} line${n === 1 ? '' : 's'}, found ${have}`);
    };
    for (const name of ['EntropyInput', 'Nonce', 'PersonalizationString', 'ReturnedBits']) need(name, 1);
    need('AdditionalInput', 2);
    const reseed = seen.EntropyInputReseed !== undefined || seen.AdditionalInputReseed !== undefined;
    if (pr) {
      need('EntropyInputPR', 2);
      if (reseed) at(v.line, `COUNT = ${v.count}: reseed fields in a prediction-resistance section`);
    } else {
      need('EntropyInputPR', 0);
      if (reseed) {
        need('EntropyInputReseed', 1);
        need('AdditionalInputReseed', 1);
      }
    }
    if (problems.length > before) continue;
    const one = (name: string) => got[name]![0]!.bytes;
    const two = (name: string, i: 0 | 1) => got[name]![i]!.bytes;
    cases.push({
      count: v.count,
      line: v.line,
      entropyInput: one('EntropyInput'),
      nonce: one('Nonce'),
      personalizationString: one('PersonalizationString'),
      ...(reseed ? { reseed: { entropyInput: one('EntropyInputReseed'), additionalInput: one('AdditionalInputReseed') } } : {}),
      generate: pr
        ? [
            { additionalInput: two('AdditionalInput', 0), entropyInputPR: two('EntropyInputPR', 0) },
            { additionalInput: two('AdditionalInput', 1), entropyInputPR: two('EntropyInputPR', 1) },
          ]
        : [{ additionalInput: two('AdditionalInput', 0) }, { additionalInput: two('AdditionalInput', 1) }],
      returnedBits: one('ReturnedBits'),
      returnedBitsLen: lens.ReturnedBitsLen ?? 0,
    });
  }
  return { pr, cases };
}

/**
 * Runs one COUNT exactly as CAVP specifies and returns the second Generate output:
 * Instantiate (with the prediction-resistance flag when the section has it), Reseed when the
 * COUNT has reseed fields, then Generate twice with the given additional inputs (each first
 * reseeding from EntropyInputPR under prediction resistance).
 */
export function runDrbgTestCase(spec: DrbgSpec, pr: boolean, c: DrbgTestCase, platform: DrbgPlatform = {}): Uint8Array {
  const prEntropy = c.generate.map((g) => g.entropyInputPR).filter((x): x is Uint8Array => x !== undefined);
  const source = () => {
    const next = prEntropy.shift();
    if (!next) throw new RandomnessError('DRBG_ENTROPY_SOURCE_FAILED', `COUNT = ${c.count}: more entropy requested than the vector provides`);
    return next;
  };
  const drbg = instantiateDrbg(
    spec,
    {
      entropyInput: c.entropyInput,
      nonce: c.nonce,
      personalizationString: c.personalizationString,
      predictionResistance: pr,
      ...(pr ? { entropySource: source } : {}),
    },
    platform,
  );
  try {
    if (c.reseed) drbg.reseed(c.reseed);
    drbg.generate(c.returnedBitsLen, { additionalInput: c.generate[0].additionalInput, predictionResistance: pr });
    return drbg.generate(c.returnedBitsLen, { additionalInput: c.generate[1].additionalInput, predictionResistance: pr });
  } finally {
    drbg.uninstantiate();
  }
}

/**
 * Parses and runs a CAVP DRBG response file. Sections for mechanisms Keygrade does not offer
 * (3-key TDEA, Dual_EC_DRBG, unknown names) are reported as skipped, not failed. Throws
 * CAVP_PARSE, with every problem located by line, when the file is malformed.
 */
export function runCavpDrbg(text: string, options: CavpRunOptions = {}): CavpFileReport {
  const file = options.fileName;
  const parsed = parseCavpDrbg(text, { fileName: file });
  const problems: Problem[] = [];
  const plan = parsed.sections.map((sec) => {
    const spec = sectionSpec(parsed.mechanism, sec.function);
    if ('unsupported' in spec) return { sec, spec: undefined, skip: spec.unsupported, pr: /^true$/i.test(sec.params.PredictionResistance ?? ''), cases: [] as DrbgTestCase[] };
    const { pr, cases } = decodeSection(sec, file, problems);
    return { sec, spec, skip: undefined, pr, cases };
  });
  if (problems.length > 0) throw parseError(file, problems);
  const total = plan.reduce((n, p) => n + (p.spec ? p.cases.length : 0), 0);
  let done = 0;
  const sections = plan.map(({ sec, spec, skip, pr, cases }): CavpSectionReport => {
    const base = {
      line: sec.line,
      mechanism: parsed.mechanism,
      function: sec.function,
      predictionResistance: pr,
      reseed: spec ? cases.some((c) => c.reseed !== undefined) : sec.vectors.some((v) => v.fields.some((f) => f.name === 'EntropyInputReseed')),
      params: sec.params,
      vectors: sec.vectors.length,
    };
    if (!spec) return { ...base, passed: 0, failed: 0, skipped: sec.vectors.length, skipReason: skip, failures: [] };
    const failures: CavpSectionReport['failures'] = [];
    for (const c of cases) {
      let reason: string | undefined;
      try {
        const got = runDrbgTestCase(spec, pr, c, options.platform);
        if (bytesToHex(got) !== bytesToHex(c.returnedBits)) reason = `ReturnedBits differ: expected ${bytesToHex(c.returnedBits)}, got ${bytesToHex(got)}`;
      } catch (e) {
        if (!(e instanceof RandomnessError)) throw e;
        reason = `${e.code}: ${e.message}`;
      }
      if (reason) failures.push({ count: c.count, line: c.line, reason });
      options.onProgress?.(++done, total);
    }
    return { ...base, spec, passed: cases.length - failures.length, failed: failures.length, skipped: 0, failures };
  });
  const sum = (k: 'vectors' | 'passed' | 'failed' | 'skipped') => sections.reduce((n, s) => n + s[k], 0);
  return {
    mechanism: parsed.mechanism,
    sections,
    totals: { sections: sections.length, vectors: sum('vectors'), passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') },
  };
}
