import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { base64 } from '@scure/base';
import { formatTlogProof, parseTlogProof, TLOG_PROOF_HEADER, verifyTlogProof } from './bundle.js';
import { signCheckpoint } from './checkpoint.js';
import { cosignCheckpoint, generateWitnessKey, parseWitnessSignerKey } from './cosignature.js';
import { leafHash } from './hash.js';
import { addSignatureLines, generateSigner, parseSignerKey } from './note.js';
import { MemoryTree } from './prove.js';
import { tlogCode } from './test-util.js';

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const logKeys = generateSigner('log.example/audit', seed(1));
const log = parseSignerKey(logKeys.skey);
const w = [generateWitnessKey('w1.example', seed(2)), generateWitnessKey('w2.example', seed(3)), generateWitnessKey('w3.example', seed(4))];
const ws = w.map((k) => parseWitnessSignerKey(k.skey));

const entries = Array.from({ length: 37 }, (_, i) => new TextEncoder().encode(`{"i":${i}}`));
const tree = new MemoryTree();
tree.appendAll(entries.map(leafHash));

/** A signed checkpoint of the whole tree, cosigned by the given witnesses. */
function checkpoint(cosigners = ws, size = tree.size): string {
  const cp = { origin: 'log.example/audit', size, root: tree.root(size) };
  const signed = signCheckpoint(cp, [log]);
  const text = signed.slice(0, signed.lastIndexOf('\n\n') + 1);
  return addSignatureLines(signed, cosigners.map((s, i) => cosignCheckpoint(text, s, 1700000000 + i)));
}

function proofFor(index: number, extra?: Uint8Array): string {
  return formatTlogProof({ index, proof: tree.inclusionProof(index), checkpoint: checkpoint(), ...(extra ? { extra } : {}) });
}

test('the file layout of C2SP tlog-proof', () => {
  const text = proofFor(5, Uint8Array.of(1, 2, 3));
  const lines = text.split('\n');
  assert.equal(lines[0], TLOG_PROOF_HEADER);
  assert.equal(lines[1], 'extra AQID');
  assert.equal(lines[2], 'index 5');
  const p = tree.inclusionProof(5);
  assert.deepEqual(lines.slice(3, 3 + p.length), p.map((h) => base64.encode(h)));
  assert.equal(lines[3 + p.length], '');
  assert.equal(lines.slice(4 + p.length).join('\n'), checkpoint());
  assert.ok(!proofFor(5).includes('extra'));
});

test('property: format and parse round trip', () => {
  fc.assert(
    fc.property(fc.nat(36), fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }), { nil: undefined }), (index, extra) => {
      const p = { index, proof: tree.inclusionProof(index), checkpoint: checkpoint(), ...(extra ? { extra } : {}) };
      assert.deepEqual(parseTlogProof(formatTlogProof(p)), p);
    }),
    { numRuns: 20 },
  );
});

test('verifyTlogProof: log signature, witness quorum and inclusion of the entry', () => {
  const text = proofFor(12);
  const witnessKeys = w.map((k) => k.vkey);
  const ok = verifyTlogProof(text, entries[12]!, { logKey: logKeys.vkey, witnessKeys });
  assert.equal(ok.index, 12);
  assert.equal(ok.checkpoint.size, 37);
  assert.deepEqual(ok.leafHash, leafHash(entries[12]!));
  assert.deepEqual(ok.witnesses.map((x) => [x.name, x.timestamp]), [
    ['w1.example', 1700000000],
    ['w2.example', 1700000001],
    ['w3.example', 1700000002],
  ]);
  assert.throws(() => verifyTlogProof(text, entries[13]!, { logKey: logKeys.vkey }), tlogCode('TLOG_ROOT_MISMATCH'));
  assert.throws(() => verifyTlogProof(text.replace('index 12', 'index 13'), entries[13]!, { logKey: logKeys.vkey }), tlogCode('TLOG_ROOT_MISMATCH'));
  assert.throws(() => verifyTlogProof(text.replace('index 12', 'index 37'), entries[12]!, { logKey: logKeys.vkey }), tlogCode('TLOG_INDEX_OUT_OF_RANGE'));
  assert.throws(() => verifyTlogProof(text, entries[12]!, { logKey: generateSigner('log.example/audit', seed(9)).vkey }), tlogCode('TLOG_NOTE_UNVERIFIED'));
  assert.throws(() => verifyTlogProof(text, entries[12]!, { logKey: logKeys.vkey, origin: 'elsewhere' }), tlogCode('TLOG_CHECKPOINT_ORIGIN'));
  const two = formatTlogProof({ index: 12, proof: tree.inclusionProof(12), checkpoint: checkpoint(ws.slice(0, 2)) });
  assert.throws(() => verifyTlogProof(two, entries[12]!, { logKey: logKeys.vkey, witnessKeys }), tlogCode('TLOG_COSIGNATURE_QUORUM'));
  assert.equal(verifyTlogProof(two, entries[12]!, { logKey: logKeys.vkey, witnessKeys, witnessQuorum: 2 }).witnesses.length, 2);
  // A proof against an earlier checkpoint of the same log.
  const old = formatTlogProof({ index: 3, proof: tree.inclusionProof(3, 9), checkpoint: checkpoint([], 9) });
  assert.equal(verifyTlogProof(old, entries[3]!, { logKey: logKeys.vkey }).checkpoint.size, 9);
});

test('parseTlogProof is strict', () => {
  const good = proofFor(5);
  const cases: [string, string][] = [
    [good.replace(TLOG_PROOF_HEADER, 'c2sp.org/tlog-proof@v2'), 'header'],
    [good.replace('index 5', 'index 05'), 'leading zero'],
    [good.replace('index 5', 'index  5'), 'double space'],
    [good.replace('index 5', 'idx 5'), 'index keyword'],
    [good.replace('index 5\n', 'index 5\nAAAA\n'), 'short hash'],
    [good.replace('index 5\n', 'index 5\n!!!\n'), 'bad base64'],
    [good.replace(`${TLOG_PROOF_HEADER}\n`, `${TLOG_PROOF_HEADER}\nextra \n`), 'empty extra'],
    [good.replace(`${TLOG_PROOF_HEADER}\n`, `${TLOG_PROOF_HEADER}\nextra ***\n`), 'bad extra'],
    [good.slice(0, good.indexOf('\n\n')), 'no checkpoint'],
    [good.slice(0, good.lastIndexOf('\n\n') + 2), 'checkpoint without signatures'],
    [`${good.slice(0, good.indexOf('\n\n') + 2)}hello\n`, 'checkpoint not a note'],
  ];
  for (const [text, why] of cases) assert.throws(() => parseTlogProof(text), tlogCode('TLOG_PROOF_MALFORMED'), why);
  assert.throws(() => formatTlogProof({ index: 1, proof: [new Uint8Array(31)], checkpoint: checkpoint() }), tlogCode('TLOG_HASH_LENGTH'));
  assert.throws(() => formatTlogProof({ index: 1, proof: [], checkpoint: 'no\n' }), tlogCode('TLOG_PROOF_MALFORMED'));
});
