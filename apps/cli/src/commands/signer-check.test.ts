import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HDKey } from '@scure/bip32';
import { keygrade, tempDir, write } from '../test/harness.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const seed = sha256(utf8('keygrade cli signer seed'));
const path = "m/84'/1'/0'/0/7";
const d = HDKey.fromMasterSeed(seed).derive(path).privateKey!;
const digests = Array.from({ length: 16 }, (_, i) => sha256(utf8(`cli digest ${i}`)));
const der = (compact: Uint8Array) => bytesToHex(secp256k1.Signature.fromBytes(compact).toBytes('der'));

/** Bitcoin Core-style grinding (counter 1, 2, … as LE32 extra data until r < 2^255). */
function ground(z: Uint8Array): Uint8Array {
  let sig = secp256k1.sign(z, d, { prehash: false });
  for (let c = 1; sig[0]! >= 0x80; c++) {
    const e = new Uint8Array(32);
    new DataView(e.buffer).setUint32(0, c, true);
    sig = secp256k1.sign(z, d, { prehash: false, extraEntropy: e });
  }
  return sig;
}

function file(sign: (z: Uint8Array) => Uint8Array): string {
  return JSON.stringify({ seed: bytesToHex(seed), paths: [path], signatures: digests.map((z, i) => ({ id: `s${i}`, digest: bytesToHex(z), signature: der(sign(z)) })) });
}

describe('keygrade signer check', () => {
  it('low-R grinding passes (exit 0) and is named; --expect rfc6979 fails it (exit 1)', async () => {
    const dir = tempDir();
    write(dir, 'core.json', file(ground));
    const r = await keygrade(['signer', 'check', 'core.json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^OK: low-r-grinding \(16 signatures; expected deterministic\)/);
    assert.match(r.stdout, /Bitcoin Core's grinding/);
    assert.match(r.stdout, /s\d+ {2}low-r \(counter \d+; bitcoin-core\) {2}key m\/84'\/1'\/0'\/0\/7/);
    assert.equal((await keygrade(['signer', 'check', 'core.json', '--expect', 'rfc6979'], { cwd: dir })).code, 1);
  });

  it('random nonces fail (exit 1); --json carries every verdict', async () => {
    const dir = tempDir();
    write(dir, 'random.json', file((z) => secp256k1.sign(z, d, { prehash: false, extraEntropy: true })));
    const r = await keygrade(['signer', 'check', 'random.json', '--json'], { cwd: dir });
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as { scheme: string; pass: boolean; signatures: { scheme: string }[] };
    assert.equal(j.scheme, 'random-or-unknown');
    assert.equal(j.pass, false);
    assert.deepEqual(new Set(j.signatures.map((s) => s.scheme)), new Set(['unknown']));
  });

  it('CSV with --seed/--path; malformed input exits 2 naming the line', async () => {
    const dir = tempDir();
    const z = digests[0]!;
    write(dir, 'a.csv', `id,digest,signature\nx,${bytesToHex(z)},${der(secp256k1.sign(z, d, { prehash: false }))}\n`);
    const ok = await keygrade(['signer', 'check', 'a.csv', '--seed', bytesToHex(seed), '--path', path], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    write(dir, 'b.csv', 'id,digest,signature\nx,00,3006020101020101\n');
    const bad = await keygrade(['signer', 'check', 'b.csv', '--seed', bytesToHex(seed), '--path', path], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /b\.csv:2: digest must be 32 bytes of hex/);
  });
});
