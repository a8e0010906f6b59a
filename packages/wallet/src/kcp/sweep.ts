/**
 * Key-compromise sweep (issue 8, item 6; CCSS 1.05 key compromise policy): an unsigned PSBT v0
 * that moves every UTXO of the compromised wallet to one address of a new, independent wallet.
 * Each input carries witness_utxo, its witness/redeem script and the BIP 32 derivations
 * (PSBT_IN_BIP32_DERIVATION, or PSBT_IN_TAP_BIP32_DERIVATION and the internal key for tr()), so
 * hardware signers can recognise and sign it. The fee is feerate × the estimated vsize
 * (../psbt/vsize.ts); the sweep is refused when the fee eats the total or leaves dust.
 */
import { base64 } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { bytesEqual, fromHex, toHex } from '../bytes.js';
import { innerScript, outputScript, scriptAddress, type Network } from '../descriptor/derive.js';
import { HARDENED, type KeyExpr } from '../descriptor/keys.js';
import { keysOf, type Descriptor, type DescNode } from '../descriptor/parse.js';
import { ceilDiv, formatBtc, parseDecimal } from '../psbt/amount.js';
import { PsbtError } from '../psbt/errors.js';
import { estimateVsize, inputWeight, isSegwit } from '../psbt/vsize.js';
import { walletBranches, type WalletBranch } from '../psbt/wallet-match.js';
import { sharedKeyMaterial } from './independence.js';
import type { SweepUtxo } from './utxos.js';

export interface SweepOptions {
  from: Descriptor;
  to: Descriptor;
  utxos: readonly SweepUtxo[];
  /** sat/vB as a decimal string ("12", "3.5"). */
  feerate: string;
  network?: Network;
  /** Receive index of the destination; default: the first whose script is not among the UTXOs. */
  index?: number;
  /** How far to derive when a UTXO has no index (default 1000 per branch). */
  gapLimit?: number;
}

export interface SweepResult {
  psbt: string;
  destination: { address: string | undefined; script: string; index: number };
  inputs: { outpoint: string; sats: string; branch: number; index: number }[];
  total: string;
  fee: string;
  amount: string;
  vsizeEstimate: number;
  feerate: string;
}

/** Dust thresholds at Bitcoin Core's 3 sat/vB dust relay fee, by output type. */
function dustLimit(script: Uint8Array): bigint {
  if (script.length === 22 && script[0] === 0) return 294n;
  if (script.length === 34 && (script[0] === 0 || script[0] === 0x51)) return 330n;
  if (script.length === 23 && script[0] === 0xa9) return 540n;
  return 546n;
}

const refuse = (msg: string) => new PsbtError('SWEEP_REFUSED', msg);

function supported(n: DescNode): boolean {
  switch (n.type) {
    case 'wpkh':
      return true;
    case 'sh':
      return n.inner.type === 'wpkh' || (n.inner.type === 'wsh' && ['multi', 'sortedmulti', 'pk', 'pkh'].includes(n.inner.inner.type));
    case 'wsh':
      return ['multi', 'sortedmulti', 'pk', 'pkh'].includes(n.inner.type);
    case 'tr':
      return n.tree === undefined;
    default:
      return false;
  }
}

/** The BIP 32 origin of key `k` at child `index`: master fingerprint (as a number) and full path. */
function origin(k: KeyExpr, index: number): { fingerprint: number; path: number[] } | undefined {
  if (!k.xkey) return undefined;
  const child = k.wildcard === 'none' ? [] : [index + (k.wildcard === 'hardened' ? HARDENED : 0)];
  return { fingerprint: k.origin ? parseInt(k.origin.fingerprint, 16) : k.xkey.fingerprint, path: [...(k.origin?.path ?? []), ...(k.path as number[]), ...child] };
}

/**
 * Builds the sweep PSBT.
 * @example buildSweep({ from, to, utxos: parseUtxos(csv, 'utxos.csv'), feerate: '5' }).psbt
 */
export function buildSweep(o: SweepOptions): SweepResult {
  const network = o.network ?? 'mainnet';
  const shared = sharedKeyMaterial(o.from, o.to);
  if (shared.length > 0) throw refuse(`the destination wallet shares key material with the compromised wallet, so the sweep would not protect the funds:\n  ${shared.join('\n  ')}`);
  if (!supported(o.from.root)) throw refuse('the sweep builder supports wpkh, sh(wpkh), wsh/sh(wsh) of multi, sortedmulti, pk or pkh, and tr(KEY) without script leaves; sign other wallets\' sweeps with their own software');
  const fee = parseDecimal(o.feerate, 3);
  if (!fee || fee.num === 0n) throw refuse(`--feerate ${JSON.stringify(o.feerate)} must be a positive number of sat/vB (at most 3 decimals)`);
  const gap = o.gapLimit ?? 1000;

  // Locate every UTXO on a branch of the compromised wallet.
  const branches = walletBranches(o.from);
  const ranged = keysOf(o.from.root).some((k) => k.wildcard !== 'none');
  const found = new Map<SweepUtxo, { b: WalletBranch; branch: number; index: number }>();
  const scriptAt = (b: WalletBranch, i: number) => outputScript(b.node, b.deriver, i, network);
  for (const u of o.utxos) {
    if (u.index === undefined) continue;
    const bi = u.branch ?? 0;
    const b = branches[bi];
    if (!b) throw refuse(`${u.where}: branch ${bi} does not exist (the wallet has ${branches.length})`);
    if (!bytesEqual(scriptAt(b, ranged ? u.index : 0), u.script)) throw refuse(`${u.where}: script_pubkey is not the compromised wallet's at branch ${bi}, index ${u.index}`);
    found.set(u, { b, branch: bi, index: ranged ? u.index : 0 });
  }
  const open = new Map<string, SweepUtxo[]>();
  for (const u of o.utxos) if (!found.has(u)) open.set(toHex(u.script), [...(open.get(toHex(u.script)) ?? []), u]);
  for (let i = 0; open.size > 0 && i < (ranged ? gap : 1); i++) {
    branches.forEach((b, bi) => {
      const hit = open.get(toHex(scriptAt(b, i)));
      if (!hit) return;
      for (const u of hit) if (u.branch === undefined || u.branch === bi) found.set(u, { b, branch: bi, index: i });
      open.delete(toHex(scriptAt(b, i)));
    });
  }
  const lost = o.utxos.find((u) => !found.has(u));
  if (lost) throw refuse(`${lost.where}: script_pubkey ${toHex(lost.script)} is not derived from the compromised wallet within the first ${gap} indices of its ${branches.length} branch${branches.length === 1 ? '' : 'es'} (give branch and index, or a larger --gap-limit)`);

  // Destination: a receive address of the new wallet.
  const dest = walletBranches(o.to)[0]!;
  const destRanged = keysOf(o.to.root).some((k) => k.wildcard !== 'none');
  const inUse = new Set(o.utxos.map((u) => toHex(u.script)));
  let index = o.index ?? 0;
  if (o.index === undefined && destRanged) while (inUse.has(toHex(outputScript(dest.node, dest.deriver, index, network))) && index < gap) index++;
  const destScript = outputScript(dest.node, dest.deriver, destRanged ? index : 0, network);

  const total = o.utxos.reduce((s, u) => s + u.sats, 0n);
  const weights = o.utxos.map((u) => inputWeight(found.get(u)!.b.node, found.get(u)!.b.deriver, found.get(u)!.index));
  const vsize = estimateVsize(weights, [destScript], isSegwit(o.from.root));
  const feeSats = ceilDiv(fee.num * BigInt(vsize), fee.den);
  if (feeSats >= total) throw refuse(`the fee (${formatBtc(feeSats)} BTC = ${o.feerate} sat/vB × ~${vsize} vB) is not less than the total of the UTXOs (${formatBtc(total)} BTC)`);
  const amount = total - feeSats;
  if (amount < dustLimit(destScript)) throw refuse(`after the fee (${formatBtc(feeSats)} BTC) only ${amount} sat remain, below the dust limit of ${dustLimit(destScript)} sat for this output type`);

  const tx = new Transaction({ version: 2, lockTime: 0 });
  for (const u of o.utxos) {
    const { b, index: i } = found.get(u)!;
    tx.addInput({ txid: fromHex(u.txid), index: u.vout, sequence: 0xfffffffd, witnessUtxo: { script: u.script, amount: u.sats }, ...inputFields(b, i) });
  }
  tx.addOutput({ script: destScript, amount });
  return {
    psbt: base64.encode(tx.toPSBT(0)),
    destination: { address: scriptAddress(destScript, network), script: toHex(destScript), index: destRanged ? index : 0 },
    inputs: o.utxos.map((u) => ({ outpoint: `${u.txid}:${u.vout}`, sats: u.sats.toString(), branch: found.get(u)!.branch, index: found.get(u)!.index })),
    total: formatBtc(total),
    fee: formatBtc(feeSats),
    amount: formatBtc(amount),
    vsizeEstimate: vsize,
    feerate: o.feerate,
  };
}

/** witnessScript / redeemScript / derivations of one input at child `i` of branch `b`. */
function inputFields(b: WalletBranch, i: number) {
  const n = b.node;
  const keys = keysOf(n);
  if (n.type === 'tr') {
    const internal = b.deriver.pub(n.key, i, true);
    const der = origin(n.key, i);
    return { tapInternalKey: internal, ...(der ? { tapBip32Derivation: [[internal, { hashes: [], der }]] as [Uint8Array, { hashes: Uint8Array[]; der: { fingerprint: number; path: number[] } }][] } : {}) };
  }
  const bip32Derivation = keys.flatMap((k) => {
    const der = origin(k, i);
    return der ? [[b.deriver.pub(k, i, false), der] as [Uint8Array, { fingerprint: number; path: number[] }]] : [];
  });
  const fields: { witnessScript?: Uint8Array; redeemScript?: Uint8Array; bip32Derivation?: typeof bip32Derivation } = bip32Derivation.length ? { bip32Derivation } : {};
  if (n.type === 'wsh') fields.witnessScript = innerScript(n.inner, b.deriver, i, false);
  if (n.type === 'sh') {
    fields.redeemScript = outputScript(n.inner, b.deriver, i, 'mainnet');
    if (n.inner.type === 'wsh') fields.witnessScript = innerScript(n.inner.inner, b.deriver, i, false);
  }
  return fields;
}
