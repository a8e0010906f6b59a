import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCavpDrbg, runCavpDrbg } from './cavp.js';
import { RandomnessError } from './errors.js';
import { nodeAes } from './node.js';

/** One pr_false HMAC_DRBG SHA-1 COUNT (pr_false/HMAC_DRBG.rsp, CAVS 14.3) and one CTR_DRBG AES-128 no df COUNT (no_reseed/CTR_DRBG.rsp). */
const HMAC_PR_FALSE = [
  '# CAVS 14.3',
  '# HMAC_DRBG options: SHA-1 :: SHA-224 :: SHA-256 :: SHA-384 :: SHA-512 :: SHA-512/224 :: SHA-512/256',
  '',
  '[SHA-1]',
  '[PredictionResistance = False]',
  '[EntropyInputLen = 128]',
  '[NonceLen = 64]',
  '[PersonalizationStringLen = 0]',
  '[AdditionalInputLen = 0]',
  '[ReturnedBitsLen = 640]',
  '',
  'COUNT = 0',
  'EntropyInput = 79349bbf7cdda5799557866621c91383',
  'Nonce = 1146733abf8c35c8',
  'PersonalizationString = ',
  'EntropyInputReseed = c7215b5b96c48e9b338c74e3e99dfedf',
  'AdditionalInputReseed = ',
  'AdditionalInput = ',
  'AdditionalInput = ',
  'ReturnedBits = c6a16ab8d420706f0f34ab7fec5adca9d8ca3a133e159ca6ac43c6f8a2be22834a4c0a0affb10d7194f1c1a5cf7322ec1ae0964ed4bf122746e087fdb5b3e91b3493d5bb98faed49e85f130fc8a459b7',
  '',
];

const CTR_NO_DF = [
  '# CTR_DRBG options: 3KeyTDEA use df :: AES-128 use df :: AES-192 use df :: AES-256 use df :: 3KeyTDEA no df :: AES-128 no df :: AES-192 no df :: AES-256 no df',
  '',
  '[3KeyTDEA no df]',
  '[PredictionResistance = False]',
  '[EntropyInputLen = 232]',
  '[NonceLen = 0]',
  '[PersonalizationStringLen = 0]',
  '[AdditionalInputLen = 0]',
  '[ReturnedBitsLen = 256]',
  '',
  'COUNT = 0',
  'EntropyInput = 00',
  'Nonce = ',
  'PersonalizationString = ',
  'AdditionalInput = ',
  'AdditionalInput = ',
  'ReturnedBits = 00',
  '',
  '[AES-128 no df]',
  '[PredictionResistance = False]',
  '[EntropyInputLen = 256]',
  '[NonceLen = 0]',
  '[PersonalizationStringLen = 0]',
  '[AdditionalInputLen = 0]',
  '[ReturnedBitsLen = 512]',
  '',
  'COUNT = 0',
  'EntropyInput = ce50f33da5d4c1d3d4004eb35244b7f2cd7f2e5076fbf6780a7ff634b249a5fc',
  'Nonce = ',
  'PersonalizationString = ',
  'AdditionalInput = ',
  'AdditionalInput = ',
  'ReturnedBits = 6545c0529d372443b392ceb3ae3a99a30f963eaf313280f1d1a1e87f9db373d361e75d18018266499cccd64d9bbb8de0185f213383080faddec46bae1f784e5a',
  '',
];

const crlf = (lines: string[]) => lines.join('\r\n');

function parseProblems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof RandomnessError, String(e));
    assert.equal(e.code, 'CAVP_PARSE');
    return e.problems.map((p) => `${p.line}: ${p.message}`);
  }
  assert.fail('expected CAVP_PARSE');
}

describe('CAVP DRBG response files: parsing', () => {
  it('parses CRLF files: sections, parameters, COUNT blocks and empty values', () => {
    const f = parseCavpDrbg(crlf(HMAC_PR_FALSE));
    assert.equal(f.mechanism, 'HMAC_DRBG');
    assert.equal(f.sections.length, 1);
    const s = f.sections[0]!;
    assert.deepEqual([s.line, s.function, s.params.EntropyInputLen, s.params.PredictionResistance], [4, 'SHA-1', '128', 'False']);
    assert.equal(s.vectors[0]!.fields.length, 8);
    assert.deepEqual(s.vectors[0]!.fields[2], { name: 'PersonalizationString', value: '', line: 15 });
  });
  it('runs a pr_false COUNT (Instantiate, Reseed, Generate ×2) and passes it', () => {
    const r = runCavpDrbg(crlf(HMAC_PR_FALSE));
    assert.deepEqual(r.totals, { sections: 1, vectors: 1, passed: 1, failed: 0, skipped: 0 });
    assert.equal(r.sections[0]!.reseed, true);
  });
  it('reports a wrong ReturnedBits as a failure with its line, not as an error', () => {
    const bad = HMAC_PR_FALSE.map((l) => (l.startsWith('ReturnedBits') ? l.replace(/7$/, '8') : l));
    const r = runCavpDrbg(crlf(bad));
    assert.deepEqual(r.totals, { sections: 1, vectors: 1, passed: 0, failed: 1, skipped: 0 });
    assert.equal(r.sections[0]!.failures[0]!.line, 12);
    assert.match(r.sections[0]!.failures[0]!.reason, /ReturnedBits differ/);
  });
  it('skips 3-key TDEA and Dual_EC sections as unsupported without crashing', () => {
    const r = runCavpDrbg(CTR_NO_DF.join('\n'), { platform: { aes: nodeAes } });
    assert.deepEqual(r.totals, { sections: 2, vectors: 2, passed: 1, failed: 0, skipped: 1 });
    assert.equal(r.sections[0]!.skipReason, 'unsupported: 3KeyTDEA no df');
    const dual = ['# Dual_EC_DRBG options: P-256, SHA-256', '[P-256, SHA-256]', '[PredictionResistance = False]', '', 'COUNT = 0', 'EntropyInput = 00', 'ReturnedBits = 00'].join('\n');
    const d = runCavpDrbg(dual);
    assert.equal(d.mechanism, 'Dual_EC_DRBG');
    assert.deepEqual(d.totals, { sections: 1, vectors: 1, passed: 0, failed: 0, skipped: 1 });
    assert.match(d.sections[0]!.skipReason!, /Dual_EC_DRBG.*withdrawn/);
  });
  it('tells the mechanism from the file name when the file has no options comment', () => {
    const text = HMAC_PR_FALSE.filter((l) => !l.startsWith('# HMAC')).join('\n');
    assert.equal(parseCavpDrbg(text, { fileName: 'vectors/Hash_DRBG.rsp' }).mechanism, 'Hash_DRBG');
    assert.deepEqual(parseProblems(() => parseCavpDrbg(text, { fileName: 'drbg.rsp' })), ['1: cannot tell the DRBG mechanism: no "# HMAC_DRBG options" (or Hash_DRBG, CTR_DRBG, Dual_EC_DRBG) comment, and the file name does not say']);
  });
  it('starts a new section when parameters follow COUNT blocks', () => {
    const twice = [...HMAC_PR_FALSE, ...HMAC_PR_FALSE.slice(4)];
    const f = parseCavpDrbg(twice.join('\n'));
    assert.deepEqual(f.sections.map((s) => [s.function, s.line]), [['SHA-1', 4], ['SHA-1', 22]]);
  });
  it('reports every malformed line with its line number', () => {
    const lines = [...HMAC_PR_FALSE];
    lines[8] = '[AdditionalInputLen = lots]';
    lines[12] = 'EntropyInput = 79349bbf7cdda5799557866621c9138';
    lines[13] = 'Nonce = 1146733abf8c35';
    lines[14] = 'Personalisation = ';
    lines.splice(20, 0, 'this is not a field');
    assert.deepEqual(parseProblems(() => runCavpDrbg(lines.join('\n'))), ['21: unrecognised line "this is not a field" (expected [header], COUNT = n, Name = value or # comment)']);
    lines.splice(20, 1);
    assert.deepEqual(parseProblems(() => runCavpDrbg(lines.join('\n'))), [
      '9: [AdditionalInputLen = lots] must be a whole number of bits',
      '13: EntropyInput must be hexadecimal with an even number of digits',
      '14: Nonce is 56 bits but [NonceLen = 64]',
      '15: unknown field "Personalisation" in COUNT = 0',
      '12: COUNT = 0: expected one PersonalizationString line, found 0',
    ]);
  });
  it('refuses lines outside their place and files that are not CAVP files', () => {
    assert.deepEqual(parseProblems(() => parseCavpDrbg('# HMAC_DRBG options: SHA-1\nEntropyInput = 00\n')), ['2: EntropyInput outside a COUNT block']);
    assert.deepEqual(parseProblems(() => parseCavpDrbg('# HMAC_DRBG options: SHA-1\n[NonceLen = 0]\nCOUNT = 0\n')), [
      '2: parameter [NonceLen = …] before any [function] header such as [SHA-256] or [AES-256 use df]',
      '3: COUNT before any [function] header',
    ]);
    assert.deepEqual(parseProblems(() => parseCavpDrbg('# HMAC_DRBG options: SHA-1\n')), ['1: no [section] headers: this is not a CAVP DRBG response file']);
    const noPr = HMAC_PR_FALSE.filter((l) => !l.startsWith('[Prediction'));
    assert.deepEqual(parseProblems(() => runCavpDrbg(noPr.join('\n'))), ['4: section [SHA-1] has no [PredictionResistance = True|False]']);
  });
});

/** Expected results per file of $KEYGRADE_VECTORS_DIR/cavp-drbg (README: CAVS 14.3). */
const EXPECTED: Record<string, { sections: number; vectors: number; passed: number; skipped: number }> = {
  'HMAC_DRBG.rsp': { sections: 112, vectors: 1680, passed: 1680, skipped: 0 },
  'Hash_DRBG.rsp': { sections: 112, vectors: 1680, passed: 1680, skipped: 0 },
  // 3-key TDEA (2 of the 8 variants) is not offered: 2 × 16 sections × 15 COUNTs skipped.
  'CTR_DRBG.rsp': { sections: 128, vectors: 1920, passed: 1440, skipped: 480 },
};

function vectorDir(): { dir?: string; reason?: string } {
  const root = process.env.KEYGRADE_VECTORS_DIR;
  if (!root) return { reason: 'KEYGRADE_VECTORS_DIR not set: the full CAVP DRBG run needs the vector files' };
  const dir = join(root, 'cavp-drbg');
  if (!existsSync(join(dir, 'pr_true', 'HMAC_DRBG.rsp'))) return { reason: `KEYGRADE_VECTORS_DIR has no CAVP DRBG files in ${dir}` };
  return { dir };
}

const vectors = vectorDir();
describe('every NIST CAVP DRBG vector (no_reseed, pr_false, pr_true)', { skip: vectors.dir ? false : vectors.reason }, () => {
  for (const set of ['no_reseed', 'pr_false', 'pr_true']) {
    for (const [name, want] of Object.entries(EXPECTED)) {
      it(`${set}/${name}: zero failures`, () => {
        const path = join(vectors.dir!, set, name);
        const text = readFileSync(path, 'utf8');
        // CTR_DRBG runs twice: with the portable AES and with node:crypto.
        for (const platform of name.startsWith('CTR') ? [{}, { aes: nodeAes }] : [{}]) {
          const r = runCavpDrbg(text, { fileName: path, platform });
          const failures = r.sections.flatMap((s) => s.failures.map((f) => `${s.function} line ${f.line}: ${f.reason}`));
          assert.deepEqual(failures, []);
          assert.deepEqual(r.totals, { ...want, failed: 0 });
          assert.ok(r.sections.every((s) => s.predictionResistance === (set === 'pr_true') && s.reseed === (set === 'pr_false')));
          assert.ok(r.sections.filter((s) => s.skipped > 0).every((s) => s.skipReason?.startsWith('unsupported: 3KeyTDEA')));
        }
      });
    }
  }
});
