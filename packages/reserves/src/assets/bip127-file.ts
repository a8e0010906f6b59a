/**
 * The BIP-127 proof file: a Protocol Buffers (proto3) `ProofOfReserves` message that packages
 * several proof-of-reserves transactions with their commitment message, network and block.
 *
 *   ProofOfReserves { uint32 version = 1; uint32 network_magic = 2; string message = 3;
 *                     bytes block_hash = 4; repeated FinalProof final_proofs = 5;
 *                     repeated google.protobuf.Any pending_proofs = 6; }
 *   FinalProof      { bytes proof_tx = 1; repeated OutputMeta output_metadata = 2; }
 *   OutputMeta      { bytes txid = 1; uint32 vout = 2; bytes block_hash = 3; }
 *
 * The wire format is read with @bufbuild/protobuf's conformance-tested reader; this module only
 * maps fields. Read as a proofs file of `bip127` proofs (one per final proof), so the same checks
 * and report apply. The file's block hash must name the UTXO snapshot's block (checked in the
 * report); every output named in the metadata must be an input the proof transaction claims.
 * The BIP does not say in which byte order hashes are written: a block hash or txid matches in
 * either order (a 32-byte hash and its reverse cannot both name different real objects).
 * `pending_proofs` (construction state) and unknown fields are skipped, as proto3 requires.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { bytesEqual, toHex } from '../bytes.js';
import type { BitcoinNetwork } from './address.js';
import { reversed } from './encoding.js';
import { AssetsError } from './errors.js';
import type { ProofsFile } from './proofs.js';
import { decodeTx } from './tx.js';

/** The network magic values (message start bytes read as a little-endian uint32) and the networks they name. */
export const NETWORK_MAGIC: ReadonlyMap<number, BitcoinNetwork> = new Map([
  [0xd9b4bef9, 'bitcoin'],
  [0x0709110b, 'testnet'], // testnet3
  [0x283f161c, 'testnet'], // testnet4 (same addresses)
  [0x40cf030a, 'signet'],
  [0xdab5bffa, 'regtest'],
]);

/** The proof-file versions this verifier reads (0 is proto3's "not set"). */
const VERSIONS = [0, 1];
const MAX_PROOFS = 100_000;
const MAX_TX_BYTES = 4_000_000;

interface OutputMeta {
  txid: Uint8Array;
  vout: number;
}
interface FinalProof {
  tx: Uint8Array;
  outputs: OutputMeta[];
}

type Problem = { path: string; message: string };

/** Whether `bytes` are not JSON (whose first byte after an optional UTF-8 BOM and whitespace is `{`). */
export function looksLikeBip127File(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return i < bytes.length && bytes[i] !== 0x7b;
}

/** Reads a BIP-127 proof file; throws ASSETS_BAD_PROOFS naming the field (and proof) at fault. */
export function parseBip127File(bytes: Uint8Array, file: string): ProofsFile {
  const problems: Problem[] = [];
  let version = 0;
  let magic = 0;
  let message = '';
  let blockHash: Uint8Array = new Uint8Array(0);
  const proofs: FinalProof[] = [];
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [field, wire] = r.tag();
      const want = (w: WireType, name: string) => {
        if (wire !== w) throw new FieldError(name, `has wire type ${wire}, not ${w === WireType.Varint ? 'varint (0)' : 'length-delimited (2)'}`);
      };
      switch (field) {
        case 1:
          want(WireType.Varint, 'version');
          version = r.uint32();
          break;
        case 2:
          want(WireType.Varint, 'network_magic');
          magic = r.uint32();
          break;
        case 3:
          want(WireType.LengthDelimited, 'message');
          message = readString(r, 'message');
          break;
        case 4:
          want(WireType.LengthDelimited, 'block_hash');
          blockHash = r.bytes();
          break;
        case 5:
          want(WireType.LengthDelimited, `final_proofs[${proofs.length}]`);
          if (proofs.length >= MAX_PROOFS) throw new FieldError('final_proofs', `more than ${MAX_PROOFS.toLocaleString('en-US')} proofs`);
          proofs.push(readFinalProof(r.bytes(), `final_proofs[${proofs.length}]`));
          break;
        default:
          r.skip(wire, field); // pending_proofs (6) and fields of later versions
      }
    }
  } catch (e) {
    const where = e instanceof FieldError ? e.path : 'bytes';
    const why = e instanceof FieldError ? e.message : `not a protobuf message (${(e as Error).message})`;
    throw bad(file, [{ path: where, message: why }]);
  }
  if (!VERSIONS.includes(version)) problems.push({ path: 'version', message: `is ${version}; this verifier reads version 1 (and 0, unset)` });
  const network = magic === 0 ? 'bitcoin' : NETWORK_MAGIC.get(magic);
  if (network === undefined) problems.push({ path: 'network_magic', message: `0x${magic.toString(16).padStart(8, '0')} is not a known Bitcoin network (mainnet 0xd9b4bef9, testnet 0x0709110b, signet 0x40cf030a, regtest 0xdab5bffa)` });
  if (message === '') problems.push({ path: 'message', message: 'is missing: the file must state the commitment message its proofs sign' });
  if (blockHash.length !== 0 && blockHash.length !== 32) problems.push({ path: 'block_hash', message: `has ${blockHash.length} bytes, not 32` });
  if (proofs.length === 0) problems.push({ path: 'final_proofs', message: 'holds no proof transaction' });
  proofs.forEach((p, i) => checkMetadata(p, `final_proofs[${i}]`, problems));
  if (problems.length > 0) throw bad(file, problems);
  return {
    file,
    asset: 'BTC',
    network: network!,
    message,
    ...(blockHash.length === 32 ? { blockHash: toHex(blockHash) } : {}),
    proofs: proofs.map((p, i) => ({ type: 'bip127' as const, tx: toHex(p.tx), label: `final_proofs[${i}]` })),
  };
}

/** Whether a hash from a BIP-127 file names `hex` (a display-order hash) in either byte order. */
export function sameHashEitherOrder(fromFile: Uint8Array, display: Uint8Array): boolean {
  return bytesEqual(fromFile, display) || bytesEqual(reversed(fromFile), display);
}

class FieldError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function bad(file: string, problems: Problem[]): AssetsError {
  return new AssetsError('ASSETS_BAD_PROOFS', `${file} is not a valid BIP-127 proof file`, { problems: problems.map((p) => ({ file, ...p })) });
}

function readString(r: BinaryReader, path: string): string {
  try {
    return r.string(true);
  } catch {
    throw new FieldError(path, 'is not valid UTF-8');
  }
}

function readFinalProof(bytes: Uint8Array, path: string): FinalProof {
  const r = new BinaryReader(bytes);
  let tx: Uint8Array = new Uint8Array(0);
  const outputs: OutputMeta[] = [];
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if ((field === 1 || field === 2) && wire !== WireType.LengthDelimited) throw new FieldError(`${path}.${field === 1 ? 'proof_tx' : 'output_metadata'}`, `has wire type ${wire}, not length-delimited (2)`);
    if (field === 1) {
      tx = r.bytes();
      if (tx.length > MAX_TX_BYTES) throw new FieldError(`${path}.proof_tx`, `has ${tx.length} bytes, more than a transaction can (${MAX_TX_BYTES.toLocaleString('en-US')})`);
    } else if (field === 2) outputs.push(readOutputMeta(r.bytes(), `${path}.output_metadata[${outputs.length}]`));
    else r.skip(wire, field);
  }
  if (tx.length === 0) throw new FieldError(`${path}.proof_tx`, 'is missing');
  return { tx, outputs };
}

function readOutputMeta(bytes: Uint8Array, path: string): OutputMeta {
  const r = new BinaryReader(bytes);
  let txid: Uint8Array = new Uint8Array(0);
  let vout = 0;
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1) {
      if (wire !== WireType.LengthDelimited) throw new FieldError(`${path}.txid`, `has wire type ${wire}, not length-delimited (2)`);
      txid = r.bytes();
    } else if (field === 2) {
      if (wire !== WireType.Varint) throw new FieldError(`${path}.vout`, `has wire type ${wire}, not varint (0)`);
      vout = r.uint32();
    } else r.skip(wire, field); // block_hash (3): where the output was created; the UTXO snapshot's height is what counts
  }
  if (txid.length !== 32) throw new FieldError(`${path}.txid`, `has ${txid.length} bytes, not 32`);
  return { txid, vout };
}

/** Every output the metadata names must be a claimed input of the proof transaction. */
function checkMetadata(p: FinalProof, path: string, problems: Problem[]): void {
  if (p.outputs.length === 0) return;
  let inputs: { txid: Uint8Array; index: number }[];
  try {
    inputs = decodeTx(p.tx).inputs.slice(1);
  } catch {
    return; // the proof itself fails with BAD_ENCODING in the report
  }
  p.outputs.forEach((o, j) => {
    if (!inputs.some((i) => i.index === o.vout && sameHashEitherOrder(o.txid, i.txid))) {
      problems.push({ path: `${path}.output_metadata[${j}]`, message: `names ${toHex(o.txid)}:${o.vout}, which the proof transaction does not claim` });
    }
  });
}
