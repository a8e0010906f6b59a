import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { base64 } from '@scure/base';
import { TlogError } from './errors.js';
import {
  addSignatureLines,
  formatKeyId,
  generateSigner,
  isValidKeyName,
  keyId,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  splitNote,
  type NoteVerifier,
} from './note.js';
import { fromHex, NO_VECTORS, readJson, tlogCode, toHex, vectorsDir } from './test-util.js';

interface Example {
  id: string;
  vkey: string;
  skey?: string;
  key_name: string;
  key_id_hex: string;
  public_key_hex: string;
  private_seed_hex?: string;
  text: string;
  signed_note?: string;
  signature_line: string;
  signed_note_two_signers?: string;
}
interface Negative {
  input: string;
  kind: string;
  expect: string;
}
interface Examples {
  examples: Example[];
  negative_cases_from_go_tests: Negative[];
}

function examples(): Examples | undefined {
  const d = vectorsDir();
  return d ? (readJson(join(d, 'signed-note', 'signed-note-examples.json')) as Examples) : undefined;
}

function byId(x: Examples, id: string): Example {
  const e = x.examples.find((e) => e.id === id);
  assert.ok(e, id);
  return e;
}

test('signed-note examples: verifier keys parse to the listed name, key ID and public key', (t) => {
  const x = examples();
  if (!x) return t.skip(NO_VECTORS);
  assert.equal(x.examples.length, 3);
  for (const e of x.examples) {
    const v = parseVerifierKey(e.vkey);
    assert.equal(v.name, e.key_name, e.id);
    assert.equal(formatKeyId(v.keyId), e.key_id_hex, e.id);
    assert.equal(toHex(v.publicKey), e.public_key_hex, e.id);
    assert.equal(keyId(e.key_name, 1, fromHex(e.public_key_hex)), v.keyId, e.id);
  }
});

test('signed-note examples: each signed note opens with its key, text byte-exact', (t) => {
  const x = examples();
  if (!x) return t.skip(NO_VECTORS);
  for (const e of x.examples.filter((e) => e.signed_note)) {
    const opened = openNote(e.signed_note!, [parseVerifierKey(e.vkey)]);
    assert.equal(opened.text, e.text, e.id);
    assert.equal(opened.verified.length, 1);
    assert.equal(`${opened.verified[0]!.line}\n`, e.signature_line);
    // The same note given as bytes.
    assert.equal(openNote(new TextEncoder().encode(e.signed_note!), [parseVerifierKey(e.vkey)]).text, e.text);
  }
});

test('signed-note examples: the PeterNeumann skey signs the note byte for byte, and generateSigner rebuilds both keys', (t) => {
  const x = examples();
  if (!x) return t.skip(NO_VECTORS);
  const e = byId(x, 'go-sumdb-note-PeterNeumann');
  const s = parseSignerKey(e.skey!);
  assert.equal(s.vkey, e.vkey);
  assert.equal(signNote(e.text, [s]), e.signed_note);
  assert.deepEqual(generateSigner(e.key_name, fromHex(e.private_seed_hex!)), { skey: e.skey, vkey: e.vkey });
});

test('signed-note examples: a second signer is verified only when its key is known', (t) => {
  const x = examples();
  if (!x) return t.skip(NO_VECTORS);
  const peter = parseVerifierKey(byId(x, 'go-sumdb-note-PeterNeumann').vkey);
  const e = byId(x, 'go-sumdb-note-EnochRoot-second-signer');
  const enoch = parseVerifierKey(e.vkey);
  const note = e.signed_note_two_signers!;
  const one = openNote(note, [peter]);
  assert.deepEqual([one.verified.length, one.unverified.length], [1, 1]);
  assert.equal(one.unverified[0]!.name, 'EnochRoot');
  const both = openNote(note, [peter, enoch]);
  assert.deepEqual(both.verified.map((s) => s.name), ['PeterNeumann', 'EnochRoot']);
  assert.throws(() => openNote(note, []), tlogCode('TLOG_NOTE_UNVERIFIED'));
});

test('signed-note negative cases from the Go tests', (t) => {
  const x = examples();
  if (!x) return t.skip(NO_VECTORS);
  const [badLength, badAlg] = x.negative_cases_from_go_tests;
  assert.throws(() => parseVerifierKey(badLength!.input), tlogCode('TLOG_KEY_INVALID'));
  assert.throws(() => parseVerifierKey(badAlg!.input), tlogCode('TLOG_KEY_ALGORITHM'));
  const e = byId(x, 'go-sumdb-note-PeterNeumann');
  // Any substring, and any single-byte increment, of the vkey and the skey is refused.
  for (const [key, parse] of [
    [e.vkey, parseVerifierKey],
    [e.skey!, parseSignerKey],
  ] as const) {
    for (let i = 0; i < key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        assert.throws(() => parse(key.slice(i, j)), TlogError, `substring ${i}..${j}`);
      }
      const bumped = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      assert.throws(() => parse(bumped), TlogError, `increment at ${i}`);
    }
  }
  const v = parseVerifierKey(e.vkey);
  const many = e.text + '\n' + e.signature_line.repeat(101);
  assert.throws(() => openNote(many, [v]), tlogCode('TLOG_NOTE_TOO_LARGE'));
  assert.equal(openNote(e.text + '\n' + e.signature_line.repeat(100), [v]).verified.length, 1);
  const line = e.signature_line;
  const corrupted = e.text + '\n' + line.slice(0, 60) + 'ABCD' + line.slice(60);
  assert.throws(() => openNote(corrupted, [v]), (err: unknown) => tlogCode('TLOG_NOTE_BAD_SIGNATURE')(err) && /PeterNeumann\+c74f20a3/.test((err as Error).message));
});

// Deterministic keys for the tests below.
const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const alice = parseSignerKey(generateSigner('alice.example/log', seed(1)).skey);
const bob = parseSignerKey(generateSigner('bob.example/w', seed(2)).skey);
const aliceV = parseVerifierKey(alice.vkey);
const bobV = parseVerifierKey(bob.vkey);

test('property: sign then open round trips for any valid text and signer set', () => {
  const textArb = fc
    .array(fc.string({ unit: fc.constantFrom('a', 'é', '—', ' ', '+', '\n', '€', '😀') }), { maxLength: 5 })
    .map((lines) => lines.join('\n') + '\n');
  fc.assert(
    fc.property(textArb, fc.subarray([alice, bob], { minLength: 1 }), (text, signers) => {
      const note = signNote(text, signers);
      const opened = openNote(note, [aliceV, bobV]);
      assert.equal(opened.text, text);
      assert.deepEqual(opened.verified.map((s) => s.name), signers.map((s) => s.name));
      assert.deepEqual(splitNote(note).text, text);
    }),
  );
});

test('verifiers ignore unknown keys, including keys that share only the name or only the ID', () => {
  const note = signNote('hello\n', [alice]);
  const sameName: NoteVerifier = { name: alice.name, keyId: (alice.keyId + 1) >>> 0, verify: () => true };
  const sameId: NoteVerifier = { name: 'other.example', keyId: alice.keyId, verify: () => true };
  assert.throws(() => openNote(note, [sameName, sameId, bobV]), tlogCode('TLOG_NOTE_UNVERIFIED'));
  assert.throws(() => openNote(note, [aliceV, aliceV]), tlogCode('TLOG_KEY_AMBIGUOUS'));
  // A bad signature by a known key rejects the note even when another known key verifies.
  const wrong = `hello\n\n${signNote('other\n', [bob]).split('\n\n')[1]}${signNote('hello\n', [alice]).split('\n\n')[1]}`;
  assert.throws(() => openNote(wrong, [aliceV, bobV]), tlogCode('TLOG_NOTE_BAD_SIGNATURE'));
  assert.equal(openNote(wrong, [aliceV]).verified.length, 1);
});

test('malformed notes are refused', () => {
  const good = signNote('a\nb\n', [alice]);
  const sig = good.slice(good.indexOf('\u2014'));
  const cases: [string | Uint8Array, string][] = [
    ['a\nb\n' + sig, 'no blank line'],
    ['a\n\n', 'no signatures'],
    [good.slice(0, -1), 'last line without newline'],
    ['a\tb\n\n' + sig, 'tab'],
    ['a\r\n\n' + sig, 'carriage return'],
    ['a\ud800\n\n' + sig, 'lone surrogate'],
    [Uint8Array.of(0x61, 0xff, 0x0a, 0x0a, ...new TextEncoder().encode(sig)), 'invalid UTF-8'],
    ['a\n\n- alice.example/log AAAAAAA=\n', 'hyphen instead of em dash'],
    ['a\n\n\u2014alice.example/log AAAAAAA=\n', 'no space after the dash'],
    ['a\n\n\u2014 alice.example/log\n', 'no signature'],
    ['a\n\n\u2014 alice+x AAAAAAA=\n', 'plus in the key name'],
    ['a\n\n\u2014 alice.example/log AAAAAAA\n', 'bad base64'],
    ['a\n\n\u2014 alice.example/log AAAAAA==\n', 'signature of 4 bytes'],
    ['a\n\n\u2014 alice.example/log AAAAAAA= x\n', 'extra field'],
    [good + '\n', 'trailing blank line'],
  ];
  for (const [note, why] of cases) assert.throws(() => openNote(note, [aliceV]), tlogCode('TLOG_NOTE_MALFORMED'), why);
  assert.throws(() => openNote(good, [aliceV], { maxBytes: good.length - 10 }), tlogCode('TLOG_NOTE_TOO_LARGE'));
  assert.throws(() => openNote(new TextEncoder().encode(good), [aliceV], { maxBytes: 10 }), tlogCode('TLOG_NOTE_TOO_LARGE'));
  for (const text of ['no newline', 'a\u0000\n', 'a\ud800\n', '']) assert.throws(() => signNote(text, [alice]), tlogCode('TLOG_NOTE_MALFORMED'), JSON.stringify(text));
  assert.throws(() => signNote('a\n', []), tlogCode('TLOG_NOTE_MALFORMED'));
});

test('key names and key strings', () => {
  for (const ok of ['example.com/foo', 'PeterNeumann', 'é', 'a/b-c_d']) assert.ok(isValidKeyName(ok), ok);
  for (const bad of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2003b', 'a\nb', 'a\u0085b', 'a\u0001b', '\ud800']) assert.ok(!isValidKeyName(bad), JSON.stringify(bad));
  assert.throws(() => generateSigner('a b'), tlogCode('TLOG_KEY_INVALID'));
  assert.throws(() => generateSigner('ok', new Uint8Array(31)), tlogCode('TLOG_KEY_INVALID'));
  const { skey, vkey } = generateSigner('fresh.example/log');
  assert.equal(parseSignerKey(skey).vkey, vkey);
  assert.notEqual(generateSigner('fresh.example/log').skey, skey, 'fresh randomness');
  // Upper-case hex key IDs are not the canonical form.
  assert.throws(() => parseVerifierKey(alice.vkey.replace(/\+([0-9a-f]{8})\+/, (_, h: string) => `+${h.toUpperCase()}+`)), tlogCode('TLOG_KEY_INVALID'));
  // A vkey whose 32 bytes are not a curve point is refused when parsed.
  const notAPoint = new Uint8Array(32).fill(0xff);
  const id = formatKeyId(keyId('x', 1, notAPoint));
  assert.throws(() => parseVerifierKey(`x+${id}+${base64.encode(Uint8Array.of(1, ...notAPoint))}`), tlogCode('TLOG_KEY_INVALID'));
});

test('addSignatureLines appends new keys once and keeps the note valid', () => {
  const note = signNote('x\n', [alice]);
  const bobLine = signNote('x\n', [bob]).split('\n\n')[1]!;
  const both = addSignatureLines(note, [bobLine, bobLine, note.split('\n\n')[1]!]);
  assert.equal(both, signNote('x\n', [alice, bob]));
  assert.equal(openNote(both, [aliceV, bobV]).verified.length, 2);
  assert.throws(() => addSignatureLines(note, ['not a line']), tlogCode('TLOG_NOTE_MALFORMED'));
});
