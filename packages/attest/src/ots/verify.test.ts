import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, toHex, utf8 } from '../bytes.js';
import { AttestError } from '../errors.js';
import { displayHash, merkleRoot, parseBlockHeader, serializeBlockHeader, targetFromBits } from './bitcoin.js';
import { chain } from './calendar.js';
import { HeadersFileSource, parseHeadersFile, type BlockHeaderSource } from './headers.js';
import { attestationPaths, parseTimestampFile, serializeTimestampFile, type Timestamp, type TimestampFile } from './timestamp.js';
import { applyOp } from './ops.js';
import { mineBlockCommittingTo } from './regtest.js';
import { verifyTimestampFile } from './verify.js';

const dir = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'opentimestamps');
const skip = existsSync(join(dir, 'block-358391.json')) ? false : `SKIPPED: ${dir} not found; set KEYGRADE_VECTORS_DIR to the shared vectors folder`;
// Figures for block 358391, as the vectors README and block-358391.json give them.
const HEADER_358391 = '02000000b96394585a281b7e5f438fd1c9ed492645a1fd61cb3802040000000000000000007ee445d23ad061af4a36b809501fab1ac4f2d7e7a739817dd0cbb7ec661b8a1e376755f58616186272def6';
const HASH_358391 = '000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319';
const TIME_358391 = 1432827678; // 2015-05-28T15:41:18Z

const source = (entries: Record<number, string>): BlockHeaderSource => HeadersFileSource.parse(JSON.stringify(entries));
const ots = (name: string): TimestampFile => parseTimestampFile(new Uint8Array(readFileSync(join(dir, `${name}.txt.ots`))));
const digestOf = (name: string): Uint8Array => sha256(readFileSync(join(dir, `${name}.txt`)));

/** Whether two proofs commit the same messages to the same attestations: every op gives the same result on the same message. */
function sameCommitments(a: Timestamp, b: Timestamp, msg: Uint8Array): boolean {
  if (a.branches.length !== b.branches.length) return false;
  return a.branches.every((x, i) => {
    const y = b.branches[i]!;
    if (x.kind === 'attestation' || y.kind === 'attestation') return isDeepStrictEqual(x, y);
    const next = applyOp(x.op, msg);
    return toHex(next) === toHex(applyOp(y.op, msg)) && sameCommitments(x.next, y.next, next);
  });
}

describe('OpenTimestamps verification against mainnet block 358391', { skip }, () => {
  it('the header figure is the one in block-358391.json, with its hash and proof of work', () => {
    const block = (JSON.parse(readFileSync(join(dir, 'block-358391.json'), 'utf8')) as { block: { header_hex: string; block_hash: string } }).block;
    assert.equal(block.header_hex, HEADER_358391);
    assert.equal(block.block_hash, HASH_358391);
    const h = parseBlockHeader(fromHex(HEADER_358391)!);
    assert.equal(displayHash(h.hash), HASH_358391);
    assert.equal(h.bits, 0x181686f5);
    assert.equal(h.time, TIME_358391);
  });
  it('hello-world.txt.ots verifies: existed before 2015-05-28T15:41:18Z', async () => {
    const v = await verifyTimestampFile(ots('hello-world'), source({ 358391: HEADER_358391 }), { digest: digestOf('hello-world') });
    assert.equal(v.result, 'verified', v.failure?.message);
    assert.equal(v.digestChecked, true);
    assert.deepEqual(v.attested, { height: 358391, time: TIME_358391, blockHash: HASH_358391 });
  });
  it('bad-stamp.txt.ots is rejected: its commitment is not the merkle root', async () => {
    const v = await verifyTimestampFile(ots('bad-stamp'), source({ 358391: HEADER_358391 }), { digest: digestOf('bad-stamp') });
    assert.equal(v.result, 'invalid');
    assert.equal(v.failure?.code, 'OTS_COMMITMENT_MISMATCH');
  });
  it('incomplete.txt.ots and merkle1.txt.ots are pending', async () => {
    for (const name of ['incomplete', 'merkle1']) {
      const v = await verifyTimestampFile(ots(name), source({ 358391: HEADER_358391 }), { digest: digestOf(name) });
      assert.equal(v.result, 'pending', name);
      assert.equal(v.failure?.code, 'OTS_PENDING');
      assert.ok(v.attestations.every((a) => a.outcome.status === 'pending'));
    }
  });
  it('unknown-notary.txt.ots has nothing Keygrade can verify', async () => {
    const v = await verifyTimestampFile(ots('unknown-notary'), source({}));
    assert.equal(v.result, 'unverified');
    assert.equal(v.failure?.code, 'OTS_NO_ATTESTATION');
  });
  it('a missing header, another digest, a broken proof of work, an easy target', async () => {
    const hello = ots('hello-world');
    assert.equal((await verifyTimestampFile(hello, source({}))).failure?.code, 'OTS_HEADER_MISSING');
    assert.equal((await verifyTimestampFile(hello, source({ 358391: HEADER_358391 }), { digest: digestOf('bad-stamp') })).failure?.code, 'OTS_DIGEST_MISMATCH');
    const h = parseBlockHeader(fromHex(HEADER_358391)!);
    const badNonce = toHex(serializeBlockHeader({ ...h, nonce: h.nonce + 1 }));
    assert.equal((await verifyTimestampFile(hello, source({ 358391: badNonce }))).failure?.code, 'OTS_POW_INVALID');
    const easy = toHex(serializeBlockHeader({ ...h, bits: 0x207fffff }));
    assert.equal((await verifyTimestampFile(hello, source({ 358391: easy }))).failure?.code, 'OTS_HEADER_INVALID');
  });
  it('changing any byte of hello-world.txt.ots fails with a specific reason, unless the proof still commits the same messages (fast-check)', async () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'hello-world.txt.ots')));
    const original = parseTimestampFile(bytes);
    const src = source({ 358391: HEADER_358391 });
    const digest = digestOf('hello-world');
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), async (i, x) => {
        const m = bytes.slice();
        m[i] = m[i]! ^ x;
        let f: TimestampFile;
        try {
          f = parseTimestampFile(m);
        } catch (e) {
          assert.ok(e instanceof AttestError && /^OTS_(MALFORMED|VERSION)$/.test(e.code), `byte ${i}: ${String(e)}`);
          return;
        }
        const v = await verifyTimestampFile(f, src, { digest });
        if (v.result === 'verified') {
          // Only a change that commits the same messages may still verify (see the next test).
          assert.ok(sameCommitments(original.timestamp, f.timestamp, original.digest), `byte ${i} ^ ${x} still verifies`);
          return;
        }
        assert.match(v.failure!.code, /^OTS_/);
      }),
      { numRuns: 1500 },
    );
  });
  it('swapping append and prepend where the Bitcoin merkle tree pairs a node with itself is the same proof, and verifies', async () => {
    // Byte 603 is an append (0xf0) of a sibling equal to the message itself: Bitcoin's merkle tree
    // pairs the last node of an odd level with itself, so prepend (0xf1) gives the same message.
    const bytes = new Uint8Array(readFileSync(join(dir, 'hello-world.txt.ots')));
    const original = parseTimestampFile(bytes);
    assert.equal(bytes[603], 0xf0);
    const m = bytes.slice();
    m[603] = 0xf1;
    const f = parseTimestampFile(m);
    assert.ok(sameCommitments(original.timestamp, f.timestamp, original.digest));
    assert.equal((await verifyTimestampFile(f, source({ 358391: HEADER_358391 }), { digest: digestOf('hello-world') })).result, 'verified');
    // Any other operand there is a different proof, and fails.
    m[605] = m[605]! ^ 1;
    const g = parseTimestampFile(m);
    assert.ok(!sameCommitments(original.timestamp, g.timestamp, original.digest));
    assert.notEqual((await verifyTimestampFile(g, source({ 358391: HEADER_358391 }), { digest: digestOf('hello-world') })).result, 'verified');
  });
});

describe('OpenTimestamps end to end with a synthetic regtest block', () => {
  const file = utf8('checkpoint: example.org/log\n42\n…\n');
  const digest = sha256(file);
  const nonce = new Uint8Array(16).fill(9);
  const commitment = sha256(Uint8Array.of(...digest, ...nonce));
  const block = mineBlockCommittingTo(commitment, 101, 1_800_000_000);
  const stamp: TimestampFile = { hashOp: 'sha256', digest, timestamp: chain([{ kind: 'append', arg: nonce }, { kind: 'sha256' }, ...block.path], [{ kind: 'bitcoin', height: 101 }]) };

  it('the path leads to the merkle root computed independently from the txids', () => {
    const [p] = attestationPaths(stamp.timestamp, digest);
    assert.deepEqual(p!.commitment, merkleRoot(block.txids));
    assert.deepEqual(parseBlockHeader(block.header).merkleRoot, merkleRoot(block.txids));
  });
  it('a stamp we create verifies after a round trip through the .ots format', async () => {
    const bytes = serializeTimestampFile(stamp);
    const v = await verifyTimestampFile(parseTimestampFile(bytes), source({ 101: toHex(block.header) }), { digest, network: 'regtest' });
    assert.equal(v.result, 'verified', v.failure?.message);
    assert.equal(v.attested?.time, 1_800_000_000);
    assert.equal(v.attested?.height, 101);
  });
  it('the same header is refused under mainnet rules (target easier than mainnet allows)', async () => {
    const v = await verifyTimestampFile(stamp, source({ 101: toHex(block.header) }), { digest });
    assert.equal(v.failure?.code, 'OTS_HEADER_INVALID');
  });
  it('a block committing to something else does not verify the stamp', async () => {
    const other = mineBlockCommittingTo(sha256(utf8('other')), 101, 1_800_000_000);
    const v = await verifyTimestampFile(stamp, source({ 101: toHex(other.header) }), { digest, network: 'regtest' });
    assert.equal(v.failure?.code, 'OTS_COMMITMENT_MISMATCH');
  });
});

describe('Bitcoin header rules', () => {
  it('compact targets decode as Bitcoin Core does (arith_uint256 SetCompact vectors)', () => {
    const cases: [number, bigint | undefined][] = [
      [0x01123456, 0x12n],
      [0x02123456, 0x1234n],
      [0x03123456, 0x123456n],
      [0x04123456, 0x12345600n],
      [0x05009234, 0x92340000n],
      [0x20123456, 0x123456n << 232n],
      [0x1d00ffff, 0xffffn << 208n],
      [0x00123456, undefined],
      [0x04923456, undefined],
      [0xff123456, undefined],
    ];
    for (const [bits, want] of cases) assert.equal(targetFromBits(bits), want, bits.toString(16));
  });
  it('headers files: object, array and NDJSON; duplicates and broken links refused', () => {
    const a = mineBlockCommittingTo(new Uint8Array(32), 1, 1);
    const b = mineBlockCommittingTo(new Uint8Array(32).fill(1), 2, 2, parseBlockHeader(a.header).hash);
    const [ha, hb] = [toHex(a.header), toHex(b.header)];
    assert.equal(parseHeadersFile(JSON.stringify({ 1: ha, 2: hb })).size, 2);
    assert.equal(parseHeadersFile(JSON.stringify([{ height: 1, header: ha }])).size, 1);
    assert.equal(parseHeadersFile(`{"height":1,"header":"${ha}"}\n{"height":2,"header":"${hb.toUpperCase()}"}\n`).size, 2);
    const codeOf = (text: string): string => {
      try {
        parseHeadersFile(text);
        return 'none';
      } catch (e) {
        return (e as AttestError).code;
      }
    };
    assert.equal(codeOf(JSON.stringify([{ height: 1, header: ha }, { height: 1, header: ha }])), 'OTS_HEADERS_FILE');
    assert.equal(codeOf(JSON.stringify({ 1: hb, 2: hb })), 'OTS_HEADERS_FILE');
    assert.equal(codeOf(JSON.stringify({ 1: ha.slice(2) })), 'OTS_HEADERS_FILE');
    assert.equal(codeOf('garbage'), 'OTS_HEADERS_FILE');
  });
});
