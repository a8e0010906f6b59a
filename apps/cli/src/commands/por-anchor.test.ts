import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chain, fromHex, serializeTimestampFile, toHex } from '@keygrade/attest';
import { mineBlockCommittingTo } from '@keygrade/attest/testing';
import { keygrade, tempDir, write } from '../test/harness.js';

/** A snapshot, alice's proof, and an .ots of the manifest hash (or of `stamped`) in a synthetic regtest block at height 120. */
async function snapshot(stamped?: string): Promise<{ dir: string; manifestHash: string }> {
  const dir = tempDir();
  assert.equal((await keygrade(['por', 'keygen'], { cwd: dir })).code, 0);
  write(dir, 'accounts.csv', 'id,BTC\nalice,1.5\nbob,2\n');
  const b = await keygrade(['por', 'build', 'accounts.csv', '--assets', 'BTC:8', '-o', 'snap', '--json'], { cwd: dir });
  assert.equal(b.code, 0, b.stderr);
  const { manifestHash } = JSON.parse(b.stdout) as { manifestHash: string };
  const p = await keygrade(['por', 'proof', 'snap', 'alice'], { cwd: dir });
  write(dir, 'alice.json', p.stdout);
  const digest = fromHex(stamped ?? manifestHash)!;
  const block = mineBlockCommittingTo(digest, 120, 1_790_000_000);
  writeFileSync(join(dir, 'manifest.ots'), serializeTimestampFile({ hashOp: 'sha256', digest, timestamp: chain(block.path, [{ kind: 'bitcoin', height: 120 }]) }));
  write(dir, 'headers.json', JSON.stringify({ 120: toHex(block.header) }));
  return { dir, manifestHash };
}

const ARGS = ['por', 'verify-proof', 'alice.json', '--manifest', 'snap/manifest.json'];
const ANCHOR = ['--ots', 'manifest.ots', '--headers', 'headers.json', '--network', 'regtest'];

describe('keygrade por verify-proof --ots: the manifest anchor', () => {
  it('verifies the inclusion proof and the manifest hash timestamped in a block (exit 0)', async () => {
    const { dir, manifestHash } = await snapshot();
    const r = await keygrade([...ARGS, ...ANCHOR], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /VALID: account "alice" is included/);
    assert.match(r.stdout, new RegExp(`Anchor: VERIFIED: manifest\\.ots — the sha256 digest ${manifestHash} existed before 2026-09-21T\\d\\d:\\d\\d:\\d\\dZ \\(Bitcoin block 120, `));
    const j = await keygrade([...ARGS, ...ANCHOR, '--json'], { cwd: dir });
    const out = JSON.parse(j.stdout) as { valid: boolean; anchor: { result: string; block: { height: number }; digestMatches: boolean } };
    assert.equal(j.code, 0);
    assert.deepEqual([out.valid, out.anchor.result, out.anchor.block.height, out.anchor.digestMatches], [true, 'verified', 120, true]);
    // Without --ots the anchor is reported as unchecked, and the proof alone decides.
    const plain = await keygrade([...ARGS, '--json'], { cwd: dir });
    assert.equal(plain.code, 0);
    assert.equal((JSON.parse(plain.stdout) as { anchor: string }).anchor, 'unchecked');
    assert.match((await keygrade(ARGS, { cwd: dir })).stdout, /Anchor: not checked/);
  });

  it('an anchor of another digest, or a block without the proof of work the network asks, is exit 1', async () => {
    const other = await snapshot('ab'.repeat(32));
    const r = await keygrade([...ARGS, ...ANCHOR, '--json'], { cwd: other.dir });
    assert.equal(r.code, 1, r.stdout);
    const out = JSON.parse(r.stdout) as { valid: boolean; anchor: { result: string; digestMatches: boolean } };
    assert.equal(out.valid, true, 'the inclusion proof itself is fine');
    assert.notEqual(out.anchor.result, 'verified');
    const { dir } = await snapshot();
    const mainnet = await keygrade([...ARGS, '--ots', 'manifest.ots', '--headers', 'headers.json'], { cwd: dir });
    assert.equal(mainnet.code, 1, 'a regtest block has no mainnet proof of work');
    assert.match(mainnet.stdout, /Anchor: (INVALID|NOT VERIFIED)/);
  });

  it('--ots needs --headers (and the reverse); an unreadable .ots is exit 2', async () => {
    const { dir } = await snapshot();
    for (const extra of [['--ots', 'manifest.ots'], ['--headers', 'headers.json']]) {
      const r = await keygrade([...ARGS, ...extra], { cwd: dir });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--ots and --headers go together/);
    }
    write(dir, 'junk.ots', 'not a proof');
    assert.equal((await keygrade([...ARGS, '--ots', 'junk.ots', '--headers', 'headers.json'], { cwd: dir })).code, 2);
  });
});
