import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chain, serializeTimestampFile, toHex } from '@keygrade/attest';
import { mineBlockCommittingTo } from '@keygrade/attest/testing';
import { createHash } from 'node:crypto';
import { keygrade, tempDir, write } from '../test/harness.js';

const vectors = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'opentimestamps');
const skip = existsSync(join(vectors, 'hello-world.txt.ots')) ? false : `SKIPPED: ${vectors} not found; set KEYGRADE_VECTORS_DIR to the shared vectors folder`;
// Block 358391, as block-358391.json in the vectors folder gives it.
const HEADER_358391 = '02000000b96394585a281b7e5f438fd1c9ed492645a1fd61cb3802040000000000000000007ee445d23ad061af4a36b809501fab1ac4f2d7e7a739817dd0cbb7ec661b8a1e376755f58616186272def6';

describe('keygrade ots', () => {
  it('info and verify have help with examples', async () => {
    for (const cmd of ['info', 'verify']) {
      const r = await keygrade(['ots', cmd, '--help'], { cwd: tempDir() });
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Examples:\n {2}\$ keygrade ots/);
    }
  });

  describe('with the OpenTimestamps examples', { skip }, () => {
    const vec = (n: string): string => join(vectors, n);
    const headers = (): string => {
      const dir = tempDir();
      write(dir, 'headers.json', JSON.stringify({ 358391: HEADER_358391 }));
      return dir;
    };
    it('ots info prints the digest, the operations and the attestation', async () => {
      const r = await keygrade(['ots', 'info', vec('hello-world.txt.ots')], { cwd: tempDir() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^File sha256 digest: 03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340/);
      assert.match(r.stdout, /verify Bitcoin block header attestation at height 358391 \(commitment 007ee445d23ad061af4a36b809501fab1ac4f2d7e7a739817dd0cbb7ec661b8a\)/);
      const j = await keygrade(['ots', 'info', vec('merkle1.txt.ots'), '--json'], { cwd: tempDir() });
      assert.equal((JSON.parse(j.stdout) as { hashOp: string }).hashOp, 'sha256');
    });
    it('hello-world verifies with --file (exit 0)', async () => {
      const r = await keygrade(['ots', 'verify', vec('hello-world.txt.ots'), '--headers', 'headers.json', '--file', vec('hello-world.txt')], { cwd: headers() });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^VERIFIED: .* existed before 2015-05-28T15:41:18Z \(Bitcoin block 358391, 000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319\)/);
      assert.match(r.stdout, /digest: matches the data you gave/);
    });
    it('bad-stamp is INVALID, incomplete is PENDING, a wrong --digest is INVALID (exit 1)', async () => {
      const dir = headers();
      const bad = await keygrade(['ots', 'verify', vec('bad-stamp.txt.ots'), '--headers', 'headers.json', '--json'], { cwd: dir });
      assert.equal(bad.code, 1);
      assert.equal((JSON.parse(bad.stdout) as { failure: { code: string } }).failure.code, 'OTS_COMMITMENT_MISMATCH');
      const pending = await keygrade(['ots', 'verify', vec('incomplete.txt.ots'), '--headers', 'headers.json'], { cwd: dir });
      assert.equal(pending.code, 1);
      assert.match(pending.stdout, /^PENDING \(OTS_PENDING\)/);
      const other = await keygrade(['ots', 'verify', vec('hello-world.txt.ots'), '--headers', 'headers.json', '--digest', '00'.repeat(32)], { cwd: dir });
      assert.equal(other.code, 1);
      assert.match(other.stdout, /OTS_DIGEST_MISMATCH/);
    });
    it('malformed inputs exit 2', async () => {
      const dir = headers();
      write(dir, 'broken.ots', 'not a proof');
      assert.equal((await keygrade(['ots', 'verify', 'broken.ots', '--headers', 'headers.json'], { cwd: dir })).code, 2);
      write(dir, 'bad-headers.json', '{"1": "00"}');
      assert.equal((await keygrade(['ots', 'verify', vec('hello-world.txt.ots'), '--headers', 'bad-headers.json'], { cwd: dir })).code, 2);
      assert.equal((await keygrade(['ots', 'verify', vec('hello-world.txt.ots')], { cwd: dir })).code, 2);
      assert.equal((await keygrade(['ots', 'info', 'missing.ots'], { cwd: dir })).code, 2);
    });
  });

  it('verifies a stamp in a synthetic regtest block with --network regtest', async () => {
    const dir = tempDir();
    write(dir, 'data.txt', 'hello regtest\n');
    const digest = new Uint8Array(createHash('sha256').update(readFileSync(join(dir, 'data.txt'))).digest());
    const block = mineBlockCommittingTo(digest, 7, 1_800_000_000);
    writeFileSync(join(dir, 'data.txt.ots'), serializeTimestampFile({ hashOp: 'sha256', digest, timestamp: chain(block.path, [{ kind: 'bitcoin', height: 7 }]) }));
    write(dir, 'headers.ndjson', `${JSON.stringify({ height: 7, header: toHex(block.header) })}\n`);
    const ok = await keygrade(['ots', 'verify', 'data.txt.ots', '--headers', 'headers.ndjson', '--file', 'data.txt', '--network', 'regtest'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const mainnet = await keygrade(['ots', 'verify', 'data.txt.ots', '--headers', 'headers.ndjson', '--file', 'data.txt'], { cwd: dir });
    assert.equal(mainnet.code, 1);
    assert.match(mainnet.stdout, /OTS_HEADER_INVALID/);
  });
});
