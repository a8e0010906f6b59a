import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WireType, type BinaryWriter } from '@bufbuild/protobuf/wire';
import { toHex, utf8 } from '../bytes.js';
import { bindingMessage, looksLikeBip127File, parseBip127File, parseUtxoSnapshot, verifyAssets, type ProofsFile } from './index.js';
import { bytesOf, reversed } from './encoding.js';
import { decodeTx } from './tx.js';
import { bip127File, key, manifest, pay, signBip127, txid, type Bip127FileFields } from './test-fixtures.js';

const HEIGHT = 850_000;
const BLOCK = '00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054';
const M = manifest(4n * 10n ** 8n); // 4 BTC of liabilities: the proofs below cover 4.6
const MSG = bindingMessage({ snapshotId: M.snapshotId, root: M.root, height: HEIGHT });
const MAINNET = 0xd9b4bef9;

const alice = key('alice');
const ms = [key('ms1'), key('ms2'), key('ms3')];
const wpkh = pay.wpkh(alice);
const trMulti = pay.trMulti(2, ms);
const SNAPSHOT = parseUtxoSnapshot(
  [
    `# height=${HEIGHT} blockhash=${BLOCK}`,
    'outpoint,amount,script_pubkey,height',
    `${txid('w1')}:0,300000000,${toHex(wpkh.script)},849000`,
    `${txid('w2')}:1,100000000,${toHex(wpkh.script)},849500`,
    `${txid('t1')}:2,60000000,${toHex(trMulti.script)},820000`,
  ].join('\n'),
  'utxos.csv',
);

const coinW1 = { txid: txid('w1'), vout: 0, amount: 3n * 10n ** 8n, payment: wpkh, keys: [alice] };
const coinW2 = { txid: txid('w2'), vout: 1, amount: 10n ** 8n, payment: wpkh, keys: [alice] };
const coinT1 = { txid: txid('t1'), vout: 2, amount: 6n * 10n ** 7n, payment: trMulti, keys: [ms[0]!, ms[2]!] };
const TX1 = signBip127(MSG, [coinW1, coinW2]);
const TX2 = signBip127(MSG, [coinT1]);

/** A good file: two proof transactions with their output metadata, mainnet, the snapshot's block. */
function fields(over: Partial<Bip127FileFields> = {}): Bip127FileFields {
  return {
    version: 1,
    magic: MAINNET,
    message: MSG,
    blockHash: bytesOf(BLOCK),
    proofs: [
      { tx: TX1, outputs: [{ txid: bytesOf(txid('w1')), vout: 0 }, { txid: reversed(bytesOf(txid('w2'))), vout: 1 }] },
      { tx: TX2, outputs: [{ txid: bytesOf(txid('t1')), vout: 2, blockHash: new Uint8Array(32).fill(9) }] },
    ],
    ...over,
  };
}

const report = (file: ProofsFile) => verifyAssets({ manifest: M, snapshot: SNAPSHOT, proofs: [file] });

/** The problems of a file that does not parse, as `path: message`. */
function problems(bytes: Uint8Array): string[] {
  try {
    parseBip127File(bytes, 'reserves.proof');
  } catch (e) {
    const err = e as Error & { code?: string; problems?: { path: string; message: string }[] };
    assert.equal(err.code, 'ASSETS_BAD_PROOFS', err.message);
    return (err.problems ?? []).map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('BIP-127 proof files (protobuf ProofOfReserves)', () => {
  it('reads the proofs, network, message and block; the report counts them like JSON bip127 proofs', () => {
    const f = parseBip127File(bip127File(fields()), 'reserves.proof');
    assert.deepEqual([f.network, f.message, f.blockHash, f.proofs.length], ['bitcoin', MSG, BLOCK, 2]);
    assert.deepEqual(f.proofs[0], { type: 'bip127', tx: TX1, label: 'final_proofs[0]' });
    const r = report(f);
    assert.equal(r.ok, true, JSON.stringify(r.proofs.map((p) => p.failure)));
    assert.equal(r.assets[0]!.reserves, (4n * 10n ** 8n + 6n * 10n ** 7n).toString());
    assert.deepEqual(r.proofs.map((p) => p.utxos.length), [2, 1]);
  });

  it('the block hash may be written in either byte order; another block fails every proof (WRONG_BLOCK)', () => {
    assert.equal(report(parseBip127File(bip127File(fields({ blockHash: reversed(bytesOf(BLOCK)) })), 'x.proof')).ok, true);
    const other = report(parseBip127File(bip127File(fields({ blockHash: new Uint8Array(32).fill(1) })), 'x.proof'));
    assert.equal(other.ok, false);
    assert.deepEqual(other.proofs.map((p) => p.failure?.code), ['WRONG_BLOCK', 'WRONG_BLOCK']);
    assert.match(other.proofs[0]!.failure!.message, new RegExp(BLOCK));
    // Without a block hash (proto3 leaves it out when empty), the message's height binds the block.
    const noBlock = fields();
    delete noBlock.blockHash;
    assert.equal(report(parseBip127File(bip127File(noBlock), 'x.proof')).ok, true);
  });

  it('a file for another snapshot fails: its message names other data, and its commitments too', () => {
    const otherMsg = bindingMessage({ snapshotId: M.snapshotId, root: M.root, height: HEIGHT - 1 });
    const r = report(parseBip127File(bip127File(fields({ message: otherMsg, proofs: [{ tx: signBip127(otherMsg, [coinW1]) }] })), 'x.proof'));
    assert.equal(r.proofs[0]!.failure?.code, 'WRONG_MESSAGE');
  });

  it('networks by magic: testnet3, testnet4, signet, regtest; 0 (unset) is mainnet; others are refused', () => {
    const net = (magic: number) => parseBip127File(bip127File(fields({ magic })), 'x.proof').network;
    assert.deepEqual([0x0709110b, 0x283f161c, 0x40cf030a, 0xdab5bffa, 0].map(net), ['testnet', 'testnet', 'signet', 'regtest', 'bitcoin']);
    assert.match(problems(bip127File(fields({ magic: 0x12345678 })))[0]!, /^network_magic: 0x12345678 is not a known Bitcoin network/);
  });

  it('refuses malformed files, naming the field', () => {
    const good = bip127File(fields());
    assert.match(problems(good.subarray(0, good.length - 5))[0]!, /^bytes: not a protobuf message/);
    assert.deepEqual(problems(bip127File(fields({ version: 2 }))), ['version: is 2; this verifier reads version 1 (and 0, unset)']);
    assert.deepEqual(problems(bip127File(fields({ message: '' }))), ['message: is missing: the file must state the commitment message its proofs sign']);
    assert.deepEqual(problems(bip127File(fields({ proofs: [] }))), ['final_proofs: holds no proof transaction']);
    assert.deepEqual(problems(bip127File(fields({ blockHash: new Uint8Array(31) }))), ['block_hash: has 31 bytes, not 32']);
    const stray = fields();
    stray.proofs[1]!.outputs = [{ txid: bytesOf(txid('w1')), vout: 0 }];
    assert.deepEqual(problems(bip127File(stray)), [`final_proofs[1].output_metadata[0]: names ${txid('w1')}:0, which the proof transaction does not claim`]);
    const wrongVout = fields();
    wrongVout.proofs[0]!.outputs = [{ txid: bytesOf(txid('w1')), vout: 1 }];
    assert.equal(problems(bip127File(wrongVout)).length, 1);
    // The message as a varint, and invalid UTF-8 in it.
    assert.deepEqual(problems(bip127File({ proofs: [], extra: (w) => w.tag(3, WireType.Varint).uint32(5) })), ['message: has wire type 0, not length-delimited (2)']);
    assert.deepEqual(problems(bip127File({ proofs: [], extra: (w) => w.tag(3, WireType.LengthDelimited).bytes(Uint8Array.of(0xc3, 0x28)) })), ['message: is not valid UTF-8']);
    const shortTxid = fields();
    shortTxid.proofs[0]!.outputs = [{ txid: new Uint8Array(20), vout: 0 }];
    assert.deepEqual(problems(bip127File(shortTxid)), ['final_proofs[0].output_metadata[0].txid: has 20 bytes, not 32']);
  });

  it('skips pending_proofs and unknown fields (proto3), keeps the last value of a repeated scalar', () => {
    const extra = (w: BinaryWriter) => {
      w.tag(6, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('type.example/x').tag(2, WireType.LengthDelimited).bytes(utf8('state')).join();
      w.tag(99, WireType.Varint).uint32(7);
      w.tag(100, WireType.Bit64).fixed64(1n);
    };
    const f = parseBip127File(bip127File(fields({ extra })), 'x.proof');
    assert.equal(f.proofs.length, 2);
    const twice = parseBip127File(bip127File(fields({ magic: 0x0709110b, extra: (w) => w.tag(2, WireType.Varint).uint32(MAINNET) })), 'x.proof');
    assert.equal(twice.network, 'bitcoin');
  });

  it('tells JSON from protobuf by the first byte', () => {
    assert.equal(looksLikeBip127File(utf8('\ufeff \n{"scheme":1}')), false);
    assert.equal(looksLikeBip127File(utf8('{}')), false);
    assert.equal(looksLikeBip127File(bip127File(fields())), true);
    assert.equal(looksLikeBip127File(new Uint8Array(0)), false);
  });

  it('property: any bytes either parse or fail with ASSETS_BAD_PROOFS, never another error', () => {
    const good = bip127File(fields());
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const b = good.slice();
        b[i]! ^= x;
        return b;
      })), (bytes) => {
        try {
          const f = parseBip127File(bytes, 'fuzz.proof');
          // What parses is well formed: each proof transaction is hex, the network known.
          for (const p of f.proofs) assert.ok(p.type === 'bip127' && /^(?:[0-9a-f]{2})+$/.test(p.tx));
          report(f); // never throws on a parsed file
        } catch (e) {
          assert.equal((e as { code?: string }).code, 'ASSETS_BAD_PROOFS', (e as Error).stack);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the proof transactions are the ones given (decoded back)', () => {
    const f = parseBip127File(bip127File(fields()), 'x.proof');
    const p = f.proofs[1]!;
    assert.ok(p.type === 'bip127');
    assert.equal(decodeTx(bytesOf(p.tx)).inputs.length, 2);
  });
});
