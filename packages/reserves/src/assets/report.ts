/**
 * The proof-of-assets report: every proof verified against the binding message and the UTXO
 * snapshot, the reserves per asset, and the solvency ratio per asset (reserves / liabilities from
 * the signed manifest) in exact integer arithmetic. Assets are never netted against each other; a
 * UTXO claimed twice counts once and is listed; assets without a verifier (everything but BTC)
 * are reported as "no asset proof", never guessed.
 */
import { Transaction } from '@scure/btc-signer';
import { toHex } from '../bytes.js';
import type { SignedManifest } from '../manifest.js';
import { verifyManifest, type ManifestCheck } from '../verify.js';
import { addressScript } from './address.js';
import { signatureVariant, verifyBip322, type ClaimedInput, type UtxoLookup } from './bip322.js';
import { verifyBip127 } from './bip127.js';
import { sameHashEitherOrder } from './bip127-file.js';
import { bytesOf, fromBase64, hexOf, outpointKey } from './encoding.js';
import { AssetsError, failure, type AssetFailure, type AssetFailureCode } from './errors.js';
import { verifyLegacy } from './legacy.js';
import { bindingMessage, bindingProblem, type Binding } from './message.js';
import type { AssetProof, ProofsFile } from './proofs.js';
import { decodeTx, inputKeys } from './tx.js';
import type { UtxoSnapshot } from './utxos.js';

/** Satoshis per bitcoin: UTXO amounts are in satoshis, manifest totals in the manifest's BTC base unit. */
const SAT_DECIMALS = 8;
/** Digits after the point of a printed ratio (truncated, never rounded up). */
export const RATIO_DECIMALS = 8;

/** One UTXO a proof counted, or did not count. */
export interface CountedUtxo {
  outpoint: string;
  amount: string;
  height: number;
  /** False when another proof counted it first, or it is above the snapshot height. */
  counted: boolean;
  note?: 'duplicate' | 'above snapshot height';
}

/** The outcome of one proof. */
export interface ProofOutcome {
  file: string;
  index: number;
  type: AssetProof['type'];
  variant?: string;
  address?: string;
  label?: string;
  valid: boolean;
  /** BIP-322's three states; other proofs are valid or invalid. */
  state: 'valid' | 'invalid' | 'inconclusive';
  failure?: AssetFailure;
  utxos: CountedUtxo[];
  /** Satoshis this proof added to the reserves. */
  amount: string;
}

/** Reserves and solvency of one manifest asset. */
export interface AssetSolvency {
  symbol: string;
  decimals: number;
  /** Liabilities in the asset's base units (the manifest total). */
  liabilities: string;
  status: 'proved' | 'no asset proof';
  /** Reserves in the asset's base units, or null without proofs. */
  reserves: string | null;
  /** reserves / liabilities, truncated to {@link RATIO_DECIMALS} digits; null when liabilities are 0 or without proofs. */
  ratio: string | null;
  /** reserves ≥ liabilities, exactly; null without proofs. */
  solvent: boolean | null;
  proofs: number;
}

/** The whole report. */
export interface AssetsReport {
  ok: boolean;
  message: string;
  snapshot: { file: string; height: number; blockHash: string; rows: number };
  manifest: ManifestCheck & { snapshotId: string; root: string };
  assets: AssetSolvency[];
  proofs: ProofOutcome[];
  /** Outpoints claimed by more than one proof (counted once). */
  duplicates: { outpoint: string; proofs: string[] }[];
}

/** What {@link verifyAssets} needs. */
export interface AssetsInput {
  manifest: SignedManifest;
  snapshot: UtxoSnapshot;
  proofs: ProofsFile[];
  /** The custodian's published Ed25519 key: the manifest must be signed by it. */
  publicKey?: Uint8Array;
}

/** The binding message of a manifest and a UTXO snapshot height. */
export function bindingOf(manifest: SignedManifest, height: number): Binding {
  return { snapshotId: manifest.snapshotId, root: manifest.root, height };
}

/**
 * The outpoints and scriptPubKeys the proofs refer to, so a large snapshot can be read keeping
 * only those rows. Proofs that do not decode add nothing (they fail later, with their reason).
 */
export function wantedBy(files: readonly ProofsFile[]): { outpoints: Set<string>; scripts: Set<string> } {
  const outpoints = new Set<string>();
  const scripts = new Set<string>();
  for (const f of files) {
    for (const p of f.proofs) {
      try {
        if (p.type === 'bip127') inputKeys(decodeTx(bytesOf(p.tx)), 1).forEach((k) => outpoints.add(k));
        else {
          const s = addressScript(p.address, f.network);
          if (typeof s === 'object') scripts.add(hexOf(s));
          const { variant, body } = signatureVariant(p.signature);
          const raw = p.type === 'bip322' && variant !== 'simple' ? fromBase64(body) : undefined;
          if (raw) extraInputs(raw, variant === 'pof').forEach((k) => outpoints.add(k));
        }
      } catch {
        // undecodable: reported when the proof is verified
      }
    }
  }
  return { outpoints, scripts };
}

function extraInputs(raw: Uint8Array, psbt: boolean): string[] {
  if (!psbt) return inputKeys(decodeTx(raw), 1);
  const p = Transaction.fromPSBT(raw, { allowUnknownOutputs: true, allowUnknownInputs: true, allowUnknownVersion: true, disableScriptCheck: true });
  const keys: string[] = [];
  for (let i = 1; i < p.inputsLength; i++) {
    const x = p.getInput(i);
    if (x.txid && x.index !== undefined) keys.push(outpointKey(x.txid, x.index));
  }
  return keys;
}

/** Verifies every proof and computes the per-asset solvency. Pure: no IO. */
export function verifyAssets(input: AssetsInput): AssetsReport {
  const { manifest, snapshot } = input;
  const btc = manifest.assets.find((a) => a.symbol === 'BTC');
  if (!btc) throw new AssetsError('ASSETS_BAD_MANIFEST', `the manifest lists no BTC (assets: ${manifest.assets.map((a) => a.symbol).join(', ')}); the proofs are Bitcoin proofs`);
  const binding = bindingOf(manifest, snapshot.height);
  const message = bindingMessage(binding);
  const lookup: UtxoLookup = (txid, vout) => {
    const key = outpointKey(txid, vout);
    const u = snapshot.byOutpoint.get(key);
    if (!u) return failure('UTXO_NOT_IN_SNAPSHOT', `${key} is not in the UTXO snapshot at height ${snapshot.height}`);
    if (u.height > snapshot.height) return failure('UTXO_ABOVE_HEIGHT', `${key} was created at height ${u.height}, above the snapshot height ${snapshot.height}`);
    return { amount: u.amount, script: bytesOf(u.script) };
  };
  const claimedBy = new Map<string, string>();
  const dup = new Map<string, string[]>();
  const outcomes: ProofOutcome[] = [];
  let reserves = 0n;
  for (const f of input.proofs) {
    f.proofs.forEach((p, index) => {
      const o = verifyOne(p, f, index, message, binding, lookup, snapshot);
      const who = `${f.file}#${index}`;
      let added = 0n;
      if (o.valid) {
        for (const u of o.utxos) {
          if (u.note === 'above snapshot height') continue;
          const first = claimedBy.get(u.outpoint);
          if (first !== undefined) {
            u.counted = false;
            u.note = 'duplicate';
            dup.set(u.outpoint, [...(dup.get(u.outpoint) ?? [first]), who]);
            continue;
          }
          claimedBy.set(u.outpoint, who);
          added += BigInt(u.amount);
        }
      }
      reserves += added;
      outcomes.push({ ...o, amount: added.toString() });
    });
  }
  const manifestCheck = verifyManifest(manifest, input.publicKey ? { publicKey: input.publicKey } : {});
  const anyProof = outcomes.length > 0;
  const assets = manifest.assets.map((a): AssetSolvency => {
    const liabilities = BigInt(a.total);
    if (a.symbol !== 'BTC' || !anyProof) return { symbol: a.symbol, decimals: a.decimals, liabilities: a.total, status: 'no asset proof', reserves: null, ratio: null, solvent: null, proofs: 0 };
    const s = solvency(reserves, SAT_DECIMALS, liabilities, a.decimals);
    return { symbol: a.symbol, decimals: a.decimals, liabilities: a.total, status: 'proved', reserves: s.reserves.toString(), ratio: s.ratio, solvent: s.solvent, proofs: outcomes.length };
  });
  const ok = manifestCheck.failure === undefined && outcomes.every((o) => o.valid) && assets.every((a) => a.solvent !== false);
  return {
    ok,
    message,
    snapshot: { file: snapshot.file, height: snapshot.height, blockHash: snapshot.blockHash, rows: snapshot.rows },
    manifest: { ...manifestCheck, snapshotId: manifest.snapshotId, root: manifest.root },
    assets,
    proofs: outcomes,
    duplicates: [...dup].map(([outpoint, proofs]) => ({ outpoint, proofs })),
  };
}

/**
 * Exact solvency of one asset: reserves (in units of 10^-reserveDecimals) against liabilities
 * (in units of 10^-liabilityDecimals), both brought to the finer unit before comparing.
 */
export function solvency(reserves: bigint, reserveDecimals: number, liabilities: bigint, liabilityDecimals: number): { reserves: bigint; ratio: string | null; solvent: boolean } {
  const scale = Math.max(reserveDecimals, liabilityDecimals);
  const r = reserves * 10n ** BigInt(scale - reserveDecimals);
  const l = liabilities * 10n ** BigInt(scale - liabilityDecimals);
  // Reserves in the asset's own base unit, truncated when the manifest's unit is coarser than a satoshi.
  const inAssetUnits = liabilityDecimals >= reserveDecimals ? r : reserves / 10n ** BigInt(reserveDecimals - liabilityDecimals);
  if (l === 0n) return { reserves: inAssetUnits, ratio: null, solvent: true };
  const q = (r * 10n ** BigInt(RATIO_DECIMALS)) / l;
  const unit = 10n ** BigInt(RATIO_DECIMALS);
  return { reserves: inAssetUnits, ratio: `${q / unit}.${(q % unit).toString().padStart(RATIO_DECIMALS, '0')}`, solvent: r >= l };
}

function verifyOne(p: AssetProof, f: ProofsFile, index: number, message: string, binding: Binding, lookup: UtxoLookup, snapshot: UtxoSnapshot): Omit<ProofOutcome, 'amount'> {
  const base = { file: f.file, index, type: p.type, ...(p.type !== 'bip127' ? { address: p.address } : {}), ...(p.label !== undefined ? { label: p.label } : {}) };
  const bad = (code: AssetFailureCode, text: string, state: 'invalid' | 'inconclusive' = 'invalid') => ({ ...base, valid: false, state, failure: failure(code, text), utxos: [] });
  const stated = p.message ?? f.message;
  if (stated !== undefined) {
    const why = bindingProblem(stated, binding);
    if (why) return bad('WRONG_MESSAGE', why);
  }
  if (f.blockHash !== undefined && !sameHashEitherOrder(bytesOf(f.blockHash), bytesOf(snapshot.blockHash))) {
    return bad('WRONG_BLOCK', `the proof file is for block ${f.blockHash}, but the UTXO snapshot is block ${snapshot.blockHash} (height ${snapshot.height})`);
  }
  if (p.type === 'bip127') {
    const r = verifyBip127(bytesOf(p.tx), message, lookup);
    if (!r.valid) return bad(r.failure!.code, r.failure!.message);
    return { ...base, valid: true, state: 'valid', utxos: r.claimed.map((c) => counted(c, snapshot)) };
  }
  const challenge = addressScript(p.address, f.network) as Uint8Array;
  if (p.type === 'legacy') {
    const why = verifyLegacy(challenge, message, p.signature);
    if (why) return bad(why.code, why.message, why.code === 'UNSUPPORTED_SCRIPT' ? 'inconclusive' : 'invalid');
    return { ...base, valid: true, state: 'valid', utxos: byAddress(challenge, snapshot) };
  }
  const r = verifyBip322(challenge, message, p.signature, lookup);
  const variant = r.variant ? { variant: r.variant } : {};
  if (r.state !== 'valid') return { ...bad(r.failure!.code, r.failure!.message, r.state), ...variant };
  // A proof of funds claims exactly its extra inputs; a plain signature claims the address's UTXOs.
  const utxos = r.claimed.length > 0 ? r.claimed.map((c) => counted(c, snapshot)) : byAddress(challenge, snapshot);
  return { ...base, ...variant, valid: true, state: 'valid', utxos };
}

function counted(c: ClaimedInput, snapshot: UtxoSnapshot): CountedUtxo {
  const key = `${c.txid}:${c.vout}`;
  return { outpoint: key, amount: c.amount.toString(), height: snapshot.byOutpoint.get(key)!.height, counted: true };
}

function byAddress(challenge: Uint8Array, snapshot: UtxoSnapshot): CountedUtxo[] {
  return (snapshot.byScript.get(toHex(challenge)) ?? []).map((u) =>
    u.height > snapshot.height ? { outpoint: u.outpoint, amount: u.amount.toString(), height: u.height, counted: false, note: 'above snapshot height' as const } : { outpoint: u.outpoint, amount: u.amount.toString(), height: u.height, counted: true },
  );
}
