import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { base64 } from '@scure/base';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import { generateSigner, openNote, parseSignerKey, parseVerifierKey } from './note.js';
import { tlogCode } from './test-util.js';

// Figures from the example in C2SP tlog-checkpoint.
const SPEC_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

test('the tlog-checkpoint example body parses and formats back byte for byte', () => {
  const cp = parseCheckpoint(SPEC_TEXT);
  assert.equal(cp.origin, 'example.com/behind-the-sofa');
  assert.equal(cp.size, 20852163);
  assert.deepEqual(cp.root, base64.decode('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='));
  assert.deepEqual(cp.extensions, []);
  assert.equal(formatCheckpoint(cp), SPEC_TEXT);
});

const originArb = fc.stringMatching(/^[a-z0-9./_-]{1,40}$/);
const cpArb = fc.record({
  origin: originArb,
  size: fc.maxSafeNat(),
  root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  extensions: fc.array(fc.stringMatching(/^[ -~]{1,30}$/), { maxLength: 3 }),
});

test('property: format and parse round trip', () => {
  fc.assert(
    fc.property(cpArb, (cp) => {
      const text = formatCheckpoint(cp);
      assert.deepEqual(parseCheckpoint(text), { ...cp }); // fc.record objects have a null prototype
      assert.equal(formatCheckpoint(parseCheckpoint(text)), text);
    }),
  );
});

test('parseCheckpoint is strict', () => {
  const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  const cases: [string, string][] = [
    [`o\n01\n${root}\n`, 'leading zero'],
    [`o\n-1\n${root}\n`, 'negative'],
    [`o\n+1\n${root}\n`, 'plus sign'],
    [`o\n1.0\n${root}\n`, 'decimal point'],
    [`o\n 1\n${root}\n`, 'space'],
    [`o\n9007199254740992\n${root}\n`, 'beyond 2^53 - 1'],
    [`o\n1\n${root.slice(0, -4)}\n`, 'short root'],
    [`o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n`, 'non-canonical base64'],
    [`o\n1\n${root}`, 'no final newline'],
    [`\n1\n${root}\n`, 'empty origin'],
    [`o\n1\n${root}\n\n`, 'empty extension line'],
    [`o\n1\n`, 'two lines'],
    [`o\n1\n${root}\nx\u0007\n`, 'control character'],
  ];
  for (const [text, why] of cases) assert.throws(() => parseCheckpoint(text), tlogCode('TLOG_CHECKPOINT_MALFORMED'), why);
  assert.equal(parseCheckpoint(`o\n0\n${root}\n`).size, 0);
  assert.equal(parseCheckpoint(`o\n9007199254740991\n${root}\n`).size, Number.MAX_SAFE_INTEGER);
  // Parsing only requires a non-empty origin; formatting ours also refuses spaces and '+'.
  assert.equal(parseCheckpoint(`a log+x\n1\n${root}\n`).origin, 'a log+x');
  assert.throws(() => formatCheckpoint({ origin: 'a log', size: 1, root: new Uint8Array(32) }), tlogCode('TLOG_CHECKPOINT_MALFORMED'));
  assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, root: new Uint8Array(32), extensions: ['a\nb'] }), tlogCode('TLOG_CHECKPOINT_MALFORMED'));
  assert.throws(() => formatCheckpoint({ origin: 'o', size: -1, root: new Uint8Array(32) }), tlogCode('TLOG_INVALID_ARGUMENT'));
  assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, root: new Uint8Array(31) }), tlogCode('TLOG_HASH_LENGTH'));
});

test('signCheckpoint / openCheckpoint, with the origin check', () => {
  const log = parseSignerKey(generateSigner('log.example/a', new Uint8Array(32).fill(9)).skey);
  const v = parseVerifierKey(log.vkey);
  const cp = { origin: 'log.example/a', size: 42, root: new Uint8Array(32).fill(3) };
  const signed = signCheckpoint(cp, [log]);
  assert.equal(openNote(signed, [v]).text, formatCheckpoint(cp));
  const opened = openCheckpoint(signed, [v], { origin: 'log.example/a' });
  assert.equal(opened.checkpoint.size, 42);
  assert.deepEqual(opened.checkpoint.root, cp.root);
  assert.equal(opened.text, formatCheckpoint(cp));
  assert.throws(() => openCheckpoint(signed, [v], { origin: 'log.example/b' }), tlogCode('TLOG_CHECKPOINT_ORIGIN'));
  assert.throws(() => openCheckpoint(signed.replace('\n42\n', '\n43\n'), [v]), tlogCode('TLOG_NOTE_BAD_SIGNATURE'));
  // A valid note whose text is not a checkpoint.
  assert.throws(() => openCheckpoint(signNoteText('hello\n', log), [v]), tlogCode('TLOG_CHECKPOINT_MALFORMED'));
});

function signNoteText(text: string, signer: ReturnType<typeof parseSignerKey>): string {
  return `${text}\n\u2014 ${signer.name} ${base64.encode(Uint8Array.of(...u32(signer.keyId), ...signer.sign(new TextEncoder().encode(text))))}\n`;
}

function u32(x: number): number[] {
  return [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
}
