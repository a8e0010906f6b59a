/**
 * For tests and demos (no bitcoind needed): a synthetic regtest-style block that carries an OpenTimestamps commitment, the
 * way calendars anchor them: a coinbase-like transaction with an OP_RETURN output holding the
 * 32-byte commitment, two more transactions, the merkle tree, and an 80-byte header mined at
 * regtest difficulty (nBits 207fffff) so the proof of work holds.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex } from '../bytes.js';
import { hash256, merkleRoot, parseBlockHeader, serializeBlockHeader, targetFromBits, hashToBigInt } from './bitcoin.js';
import type { Op } from './ops.js';

export interface SyntheticBlock {
  readonly height: number;
  readonly header: Uint8Array;
  /** Operations from the commitment to the block's merkle root. */
  readonly path: readonly Op[];
  readonly txids: readonly Uint8Array[];
}

const hex = (s: string): Uint8Array => fromHex(s.replace(/\s+/g, ''))!;

/** Builds and mines a block at `height` whose coinbase commits to `commitment`. */
export function mineBlockCommittingTo(commitment: Uint8Array, height: number, time: number, prevHash: Uint8Array = new Uint8Array(32)): SyntheticBlock {
  const heightPush = Uint8Array.of(0x03, height & 0xff, (height >> 8) & 0xff, (height >> 16) & 0xff); // BIP 34
  const prefix = concatBytes(
    hex('01000000 01'), // version 1, one input
    new Uint8Array(32), hex('ffffffff'), // null prevout
    Uint8Array.of(heightPush.length), heightPush, hex('ffffffff'), // scriptSig, sequence
    hex('02'), // two outputs
    hex('00f2052a01000000 01 51'), // 50 BTC to OP_TRUE
    hex('0000000000000000 22 6a 20'), // 0 to OP_RETURN <32 bytes>
  );
  const suffix = hex('00000000'); // locktime
  const coinbaseTxid = hash256(concatBytes(prefix, commitment, suffix));
  const tx1 = sha256(Uint8Array.of(1));
  const tx2 = sha256(Uint8Array.of(2));
  const txids = [coinbaseTxid, tx1, tx2];
  const right = hash256(concatBytes(tx2, tx2)); // odd level: the last is paired with itself
  const path: Op[] = [
    { kind: 'prepend', arg: prefix },
    { kind: 'append', arg: suffix },
    { kind: 'sha256' },
    { kind: 'sha256' },
    { kind: 'append', arg: tx1 },
    { kind: 'sha256' },
    { kind: 'sha256' },
    { kind: 'append', arg: right },
    { kind: 'sha256' },
    { kind: 'sha256' },
  ];
  const bits = 0x207fffff;
  const target = targetFromBits(bits)!;
  const fields = { version: 0x20000000, prevHash, merkleRoot: merkleRoot(txids), time, bits, nonce: 0 };
  for (;;) {
    const header = serializeBlockHeader(fields);
    if (hashToBigInt(parseBlockHeader(header).hash) <= target) return { height, header, path, txids };
    fields.nonce++;
  }
}
