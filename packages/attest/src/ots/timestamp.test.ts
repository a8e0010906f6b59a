import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../bytes.js';
import { AttestError } from '../errors.js';
import { Reader, Writer } from './codec.js';
import { applyOp } from './ops.js';
import { attestationPaths, OTS_MAGIC, parseTimestampFile, serializeTimestampFile } from './timestamp.js';

const dir = join(process.env.KEYGRADE_VECTORS_DIR ?? '/work/shared/vectors', 'opentimestamps');
const skip = existsSync(join(dir, 'block-358391.json')) ? false : `SKIPPED: ${dir} not found; set KEYGRADE_VECTORS_DIR to the shared vectors folder`;
const NAMES = ['hello-world', 'bad-stamp', 'incomplete', 'unknown-notary', 'merkle1'];
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof AttestError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('OpenTimestamps format: example proofs ($KEYGRADE_VECTORS_DIR/opentimestamps)', { skip }, () => {
  const expected = (): Record<string, { file_sha256: string; attestations: { kind: string; commitment_hex: string; height?: number; calendar_uri?: string; tag_hex?: string; payload_hex?: string }[] }> =>
    (JSON.parse(readFileSync(join(dir, 'block-358391.json'), 'utf8')) as { examples: never }).examples;
  for (const [i, name] of NAMES.entries()) {
    it(`vector ${i} ${name}.txt.ots: digest, attestations and commitments as listed; serialises back byte for byte`, () => {
      const bytes = new Uint8Array(readFileSync(join(dir, `${name}.txt.ots`)));
      const f = parseTimestampFile(bytes);
      assert.equal(f.hashOp, 'sha256');
      assert.equal(toHex(f.digest), toHex(sha256(readFileSync(join(dir, `${name}.txt`)))));
      const want = expected()[`${name}.txt`]!;
      assert.equal(toHex(f.digest), want.file_sha256);
      const got = attestationPaths(f.timestamp, f.digest).map((p) => {
        const a = p.attestation;
        const base = { kind: a.kind, commitment_hex: toHex(p.commitment) };
        if (a.kind === 'bitcoin') return { ...base, height: a.height };
        if (a.kind === 'pending') return { ...base, calendar_uri: a.uri };
        return { ...base, tag_hex: toHex(a.tag), payload_hex: toHex(a.payload) };
      });
      assert.deepEqual(got, want.attestations);
      assert.deepEqual(serializeTimestampFile(f), bytes);
    });
  }
});

describe('OpenTimestamps format: defensive parsing', () => {
  const minimal = (): Uint8Array => new Writer().bytes(OTS_MAGIC).varuint(1).byte(0x08).bytes(new Uint8Array(32)).byte(0x00).bytes(Uint8Array.of(5, 0x88, 0x96, 0x0d, 0x73, 0xd7, 0x19, 0x01)).varbytes(Uint8Array.of(7)).finish();
  it('a minimal proof parses', () => {
    const f = parseTimestampFile(minimal());
    assert.deepEqual(f.timestamp.branches, [{ kind: 'attestation', attestation: { kind: 'bitcoin', height: 7 } }]);
  });
  it('refuses bad magic, other versions, truncation, trailing bytes, unknown tags', () => {
    const m = minimal();
    assert.equal(code(() => parseTimestampFile(m.slice(1))), 'OTS_MALFORMED');
    const v2 = m.slice();
    v2[OTS_MAGIC.length] = 2;
    assert.equal(code(() => parseTimestampFile(v2)), 'OTS_VERSION');
    assert.equal(code(() => parseTimestampFile(m.slice(0, m.length - 1))), 'OTS_MALFORMED');
    assert.equal(code(() => parseTimestampFile(Uint8Array.of(...m, 0))), 'OTS_MALFORMED');
    const tag = m.slice();
    tag[OTS_MAGIC.length + 2 + 32] = 0x42;
    assert.equal(code(() => parseTimestampFile(tag)), 'OTS_MALFORMED');
  });
  it('varuints are minimal and safe', () => {
    assert.equal(new Reader(Uint8Array.of(0xac, 0x02)).varuint('n'), 300);
    assert.deepEqual(new Writer().varuint(300).finish(), Uint8Array.of(0xac, 0x02));
    assert.equal(code(() => new Reader(Uint8Array.of(0x80, 0x00)).varuint('n')), 'OTS_MALFORMED');
    assert.equal(code(() => new Reader(new Uint8Array(9).fill(0xff)).varuint('n')), 'OTS_MALFORMED');
  });
  it('calendar URIs are restricted to safe characters', () => {
    const w = new Writer().bytes(OTS_MAGIC).varuint(1).byte(0x08).bytes(new Uint8Array(32)).byte(0x00).bytes(Uint8Array.of(0x83, 0xdf, 0xe3, 0x0d, 0x2e, 0xf9, 0x0c, 0x8e));
    const head = w.finish();
    const uri = (s: string): Uint8Array => Uint8Array.of(...head, ...new Writer().varbytes(new Writer().varbytes(new TextEncoder().encode(s)).finish()).finish());
    assert.equal(parseTimestampFile(uri('https://a.example/x')).timestamp.branches.length, 1);
    assert.equal(code(() => parseTimestampFile(uri('https://a.example/?q=1'))), 'OTS_MALFORMED');
  });
  it('operations follow the reference limits', () => {
    assert.equal(code(() => applyOp({ kind: 'reverse' }, new Uint8Array())), 'OTS_OP_FAILED');
    assert.equal(code(() => applyOp({ kind: 'append', arg: new Uint8Array(4000) }, new Uint8Array(100))), 'OTS_OP_FAILED');
    assert.equal(new TextDecoder().decode(applyOp({ kind: 'hexlify' }, Uint8Array.of(0xab, 0x01))), 'ab01');
    assert.deepEqual(applyOp({ kind: 'reverse' }, Uint8Array.of(1, 2, 3)), Uint8Array.of(3, 2, 1));
    assert.equal(toHex(applyOp({ kind: 'ripemd160' }, new Uint8Array())), '9c1185a5c5e9fc54612808977ee8f548b2258d31');
    assert.equal(toHex(applyOp({ kind: 'sha1' }, new TextEncoder().encode('abc'))), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.equal(toHex(applyOp({ kind: 'keccak256' }, new Uint8Array())), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });
});
