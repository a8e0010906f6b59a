import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import { formatCheckpoint, signCheckpoint } from './checkpoint.js';
import {
  cosignatureTimestamp,
  cosignCheckpoint,
  generateWitnessKey,
  openCosignedCheckpoint,
  parseAnyVerifierKey,
  parseWitnessSignerKey,
  parseWitnessVerifierKey,
  verifyCosignature,
} from './cosignature.js';
import { addSignatureLines, generateSigner, openNote, parseSignerKey, parseVerifierKey } from './note.js';
import { tlogCode } from './test-util.js';

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const log = parseSignerKey(generateSigner('log.example/a', seed(1)).skey);
const logV = parseVerifierKey(log.vkey);
const w1 = parseWitnessSignerKey(generateWitnessKey('w1.example', seed(2)).skey);
const w2 = parseWitnessSignerKey(generateWitnessKey('w2.example', seed(3)).skey);
const w1V = parseWitnessVerifierKey(w1.vkey);
const w2V = parseWitnessVerifierKey(w2.vkey);
const cp = { origin: 'log.example/a', size: 20852163, root: base64.decode('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=') };
const text = formatCheckpoint(cp);

test('witness keys use type 0x04 in the key ID and the vkey', () => {
  const pub = ed25519.getPublicKey(seed(2));
  const h = sha256(Uint8Array.of(...new TextEncoder().encode('w1.example\n'), 0x04, ...pub));
  assert.equal(w1.keyId, ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0);
  assert.deepEqual(base64.decode(w1.vkey.split('+')[2]!), Uint8Array.of(0x04, ...pub));
  assert.equal(w1V.vkey, w1.vkey);
  assert.equal(parseAnyVerifierKey(w1.vkey).type, 0x04);
  assert.equal(parseAnyVerifierKey(log.vkey).type, 0x01);
  // A witness key is not a note key and vice versa.
  assert.throws(() => parseVerifierKey(w1.vkey), tlogCode('TLOG_KEY_ALGORITHM'));
  assert.throws(() => parseWitnessVerifierKey(log.vkey), tlogCode('TLOG_KEY_ALGORITHM'));
  assert.throws(() => parseSignerKey(generateWitnessKey('w', seed(4)).skey), tlogCode('TLOG_KEY_ALGORITHM'));
});

test('a cosignature is key ID || big-endian time || Ed25519 over "cosignature/v1\\ntime <t>\\n" + checkpoint', () => {
  const t = 1679315147;
  const line = cosignCheckpoint(text, w1, t);
  assert.ok(line.startsWith('\u2014 w1.example ') && line.endsWith('\n'));
  const raw = base64.decode(line.slice('\u2014 w1.example '.length, -1));
  assert.equal(raw.length, 4 + 8 + 64);
  assert.equal(new DataView(raw.buffer).getUint32(0), w1.keyId);
  assert.equal(new DataView(raw.buffer).getBigUint64(4), BigInt(t));
  const msg = new TextEncoder().encode(`cosignature/v1\ntime ${t}\n${text}`);
  assert.ok(ed25519.verify(raw.subarray(12), msg, w1.publicKey, { zip215: false }));
  assert.equal(verifyCosignature(text, line, w1V), t);
  assert.equal(cosignatureTimestamp(raw.subarray(4)), t);
});

test('property: cosign/verify round trip; a changed time, checkpoint or witness is rejected', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), fc.maxSafeNat(), fc.nat(), (t, t2, size) => {
      const line = cosignCheckpoint(text, w1, t);
      assert.equal(verifyCosignature(text, line, w1V), t);
      // Re-encode the same signature under another timestamp.
      const raw = base64.decode(line.slice('\u2014 w1.example '.length, -1));
      fc.pre(t2 !== t);
      new DataView(raw.buffer).setBigUint64(4, BigInt(t2));
      const moved = `\u2014 w1.example ${base64.encode(raw)}\n`;
      assert.throws(() => verifyCosignature(text, moved, w1V), tlogCode('TLOG_COSIGNATURE_INVALID'));
      fc.pre(size !== cp.size);
      assert.throws(() => verifyCosignature(formatCheckpoint({ ...cp, size }), line, w1V), tlogCode('TLOG_COSIGNATURE_INVALID'));
      assert.throws(() => verifyCosignature(text, line, w2V), tlogCode('TLOG_COSIGNATURE_INVALID'));
    }),
    { numRuns: 30 },
  );
});

test('malformed cosignatures and times', () => {
  assert.throws(() => cosignCheckpoint('not a checkpoint\n', w1, 1), tlogCode('TLOG_CHECKPOINT_MALFORMED'));
  assert.throws(() => cosignCheckpoint(text, w1, -1), tlogCode('TLOG_COSIGNATURE_MALFORMED'));
  assert.throws(() => cosignCheckpoint(text, w1, 2 ** 53), tlogCode('TLOG_COSIGNATURE_MALFORMED'));
  assert.throws(() => verifyCosignature(text, 'garbage', w1V), tlogCode('TLOG_COSIGNATURE_MALFORMED'));
  const short = `\u2014 w1.example ${base64.encode(Uint8Array.of(...u32(w1.keyId), ...new Uint8Array(71)))}\n`;
  assert.throws(() => verifyCosignature(text, short, w1V), tlogCode('TLOG_COSIGNATURE_MALFORMED'));
  const far = new Uint8Array(72);
  far.fill(0xff, 0, 8);
  assert.throws(() => cosignatureTimestamp(far), tlogCode('TLOG_COSIGNATURE_MALFORMED'));
});

function u32(x: number): number[] {
  return [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
}

test('cosigned checkpoints: log signature, witness quorum, origin', () => {
  const signed = signCheckpoint(cp, [log]);
  const full = addSignatureLines(signed, [cosignCheckpoint(text, w1, 100), cosignCheckpoint(text, w2, 200)]);
  // As note verifiers, witness keys check cosignatures inside openNote.
  assert.deepEqual(openNote(full, [logV, w1V, w2V]).verified.map((s) => s.name), ['log.example/a', 'w1.example', 'w2.example']);
  const ok = openCosignedCheckpoint(full, { log: logV, witnesses: [w1V, w2V], origin: cp.origin });
  assert.deepEqual(ok.cosignatures.map((c) => [c.name, c.timestamp]), [
    ['w1.example', 100],
    ['w2.example', 200],
  ]);
  assert.equal(ok.checkpoint.size, cp.size);
  const one = addSignatureLines(signed, [cosignCheckpoint(text, w1, 100)]);
  assert.throws(() => openCosignedCheckpoint(one, { log: logV, witnesses: [w1V, w2V] }), tlogCode('TLOG_COSIGNATURE_QUORUM'));
  assert.equal(openCosignedCheckpoint(one, { log: logV, witnesses: [w1V, w2V], quorum: 1 }).cosignatures.length, 1);
  assert.throws(() => openCosignedCheckpoint(one, { log: logV, witnesses: [w1V], quorum: 2 }), tlogCode('TLOG_INVALID_ARGUMENT'));
  // Witness signatures alone do not stand in for the log's.
  const witnessOnly = `${text}\n${cosignCheckpoint(text, w1, 1)}`;
  assert.throws(() => openCosignedCheckpoint(witnessOnly, { log: logV, witnesses: [w1V], quorum: 1 }), tlogCode('TLOG_LOG_SIGNATURE_MISSING'));
  assert.throws(() => openCosignedCheckpoint(full, { log: logV, origin: 'other' }), tlogCode('TLOG_CHECKPOINT_ORIGIN'));
  // A cosignature for another checkpoint, by a known witness, rejects the note.
  const other = formatCheckpoint({ ...cp, size: cp.size + 1 });
  const mixed = addSignatureLines(signed, [cosignCheckpoint(other, w1, 100)]);
  assert.throws(() => openCosignedCheckpoint(mixed, { log: logV, witnesses: [w1V], quorum: 0 }), tlogCode('TLOG_NOTE_BAD_SIGNATURE'));
});
