/**
 * The proofs file: the custodian's asset proofs for one snapshot, as JSON.
 *
 *   {
 *     "scheme": "keygrade-por-assets/v1",
 *     "asset": "BTC",                       // optional, the only asset verified today
 *     "network": "bitcoin",                 // optional: bitcoin | testnet | signet | regtest
 *     "message": "keygrade-por-v1 …",       // optional: the message the proofs say they sign
 *     "proofs": [
 *       { "type": "bip322", "address": "bc1q…", "signature": "smp…" | "ful…" | "pof…" },
 *       { "type": "legacy", "address": "1…",   "signature": "<base64 of 65 bytes>" },
 *       { "type": "bip127", "tx": "<hex of the signed proof-of-reserves transaction>" }
 *     ]
 *   }
 *
 * Each proof may carry a "label" (shown in the report) and its own "message". Parsed
 * defensively: unknown fields are refused and every problem is reported with its field path.
 */
import { Reader } from '../schema.js';
import { addressScript, NETWORKS, type BitcoinNetwork } from './address.js';
import { AssetsError } from './errors.js';

/** The proofs file format this version reads. */
export const PROOFS_SCHEME = 'keygrade-por-assets/v1';

/** One asset proof. */
export type AssetProof =
  | { type: 'bip322'; address: string; signature: string; label?: string; message?: string }
  | { type: 'legacy'; address: string; signature: string; label?: string; message?: string }
  | { type: 'bip127'; tx: string; label?: string; message?: string };

/** A read proofs file. */
export interface ProofsFile {
  file: string;
  asset: string;
  network: BitcoinNetwork;
  message?: string;
  /** The block the proofs are for (a BIP-127 proof file's `block_hash`, hex as written): it must be the UTXO snapshot's. */
  blockHash?: string;
  proofs: AssetProof[];
}

const TYPES = ['bip322', 'legacy', 'bip127'];

/** Reads an untrusted value as a proofs file; throws ASSETS_BAD_PROOFS naming every bad field. */
export function parseProofsFile(value: unknown, file: string): ProofsFile {
  const r = new Reader(file);
  const o = r.object(value, '', ['scheme', 'asset?', 'network?', 'message?', 'proofs']);
  let network: BitcoinNetwork = 'bitcoin';
  if (o) {
    if (o.scheme !== PROOFS_SCHEME) r.problem('scheme', `must be "${PROOFS_SCHEME}"`);
    if (o.asset !== undefined && o.asset !== 'BTC') r.problem('asset', 'only "BTC" proofs are verified (other assets are reported as "no asset proof")');
    if (o.network !== undefined) {
      if (typeof o.network === 'string' && (NETWORKS as readonly string[]).includes(o.network)) network = o.network as BitcoinNetwork;
      else r.problem('network', `must be one of ${NETWORKS.join(', ')}`);
    }
    if (o.message !== undefined) r.string(o.message, 'message');
    const list = r.array(o.proofs, 'proofs', 100_000);
    list?.forEach((p, i) => readProof(r, p, `proofs[${i}]`, network));
  }
  if (r.problems.length > 0) throw new AssetsError('ASSETS_BAD_PROOFS', `${file} is not a valid Keygrade asset proofs file`, { problems: r.problems });
  const v = value as Omit<ProofsFile, 'file' | 'network' | 'asset'> & { asset?: string };
  return { file, asset: v.asset ?? 'BTC', network, ...(v.message !== undefined ? { message: v.message } : {}), proofs: v.proofs };
}

function readProof(r: Reader, p: unknown, path: string, network: BitcoinNetwork): void {
  const type = typeof p === 'object' && p !== null ? (p as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    r.problem(`${path}.type`, `must be one of ${TYPES.join(', ')}`);
    return;
  }
  const x = r.object(p, path, type === 'bip127' ? ['type', 'tx', 'label?', 'message?'] : ['type', 'address', 'signature', 'label?', 'message?']);
  if (!x) return;
  if (x.label !== undefined) r.string(x.label, `${path}.label`);
  if (x.message !== undefined) r.string(x.message, `${path}.message`);
  if (type === 'bip127') {
    if (typeof x.tx !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(x.tx) || x.tx.length > 8_000_000) r.problem(`${path}.tx`, 'must be the transaction in lowercase hex');
    return;
  }
  const address = r.string(x.address, `${path}.address`);
  if (address !== undefined) {
    const s = addressScript(address, network);
    if (typeof s === 'string') r.problem(`${path}.address`, s);
  }
  const sig = r.string(x.signature, `${path}.signature`);
  if (sig !== undefined && (sig.length === 0 || sig.length > 4_000_000)) r.problem(`${path}.signature`, 'must be a non-empty base64 signature');
}
