/**
 * Address reuse in a wallet's transaction history (CCSS 2020 1.2.x "deterministic wallet: a new
 * address per transaction"; reuse links payments and, with a spent key, exposes the public key
 * to every later receipt). Reads the transaction lines of `keygrade sigs scan`, in chronological
 * order, and reports every scriptPubKey that received more than once, or received after it was
 * spent from, with the txids. Pure: lines in, report out.
 */
import { RawTx } from '@scure/btc-signer';
import { fromHex, sha256d, toHex } from '../bytes.js';
import { scriptAddress, type Network } from '../descriptor/derive.js';
import { WalletError } from '../errors.js';
import { parseLine } from '../sigs/extract.js';

/** Where a wallet script came from in its descriptor. */
export interface OwnScript {
  /** Multipath alternative (0 receive, 1 change, usually). */
  path: number;
  index: number;
}

export interface Receipt {
  txid: string;
  vout: number;
  amount: string;
  line: number;
}

export interface Spend {
  txid: string;
  vin: number;
  /** The output it spent. */
  outpoint: string;
  line: number;
}

export interface AddressReuse {
  scriptPubKey: string;
  address: string | undefined;
  /** The descriptor position, when a descriptor says which scripts are the wallet's. */
  derivation: OwnScript | undefined;
  /** received-more-than-once: two or more outputs pay it; received-after-spend: an output pays it after an input spent from it. */
  reasons: ('received-more-than-once' | 'received-after-spend')[];
  receipts: Receipt[];
  spends: Spend[];
}

export interface ReuseReport {
  transactions: number;
  /** Distinct scripts (of the wallet, when a descriptor is given) that received at least once. */
  addresses: number;
  receipts: number;
  findings: AddressReuse[];
}

interface Track {
  receipts: Receipt[];
  spends: Spend[];
  afterSpend: boolean;
}

/**
 * Streaming address-reuse analysis: feed lines in chronological order, then `report()`.
 * `ours` limits it to the wallet's scripts (hex → derivation); without it every output counts.
 */
export class ReuseTracker {
  private readonly scripts = new Map<string, Track>();
  /** Outpoints of tracked outputs → their script, to see which inputs spend from a tracked script. */
  private readonly outpoints = new Map<string, string>();
  transactions = 0;

  constructor(
    private readonly ours?: ReadonlyMap<string, OwnScript>,
    private readonly network: Network = 'mainnet',
  ) {}

  /** Adds one history line (`#` comments and blank lines are skipped). */
  add(line: string, file: string, lineNo: number): void {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const where = `${file}:${lineNo}`;
    const { raw, prevouts } = parseLine(line, where);
    let tx: ReturnType<typeof RawTx.decode>;
    try {
      tx = RawTx.decode(raw);
    } catch (e) {
      throw new WalletError('SIGS_INPUT', `${where}: not a transaction: ${(e as Error).message}`);
    }
    if (prevouts && prevouts.length !== tx.inputs.length) throw new WalletError('SIGS_INPUT', `${where}: ${prevouts.length} prevouts for ${tx.inputs.length} inputs`);
    this.transactions++;
    const txid = toHex(sha256d(RawTx.encode({ ...tx, segwitFlag: false, witnesses: undefined })).reverse());
    tx.inputs.forEach((input, vin) => {
      const prevTxid = toHex(input.txid);
      if (input.index === 0xffffffff && /^0+$/.test(prevTxid)) return; // coinbase
      const outpoint = `${prevTxid}:${input.index}`;
      const given = prevouts?.[vin];
      const script = given ? toHex(given.script) : this.outpoints.get(outpoint);
      if (script === undefined || !this.tracked(script)) return;
      this.track(script).spends.push({ txid, vin, outpoint, line: lineNo });
    });
    tx.outputs.forEach((o, vout) => {
      const script = toHex(o.script);
      if (!this.tracked(script)) return;
      const t = this.track(script);
      if (t.spends.length > 0) t.afterSpend = true;
      t.receipts.push({ txid, vout, amount: o.amount.toString(), line: lineNo });
      this.outpoints.set(`${txid}:${vout}`, script);
    });
  }

  private tracked(script: string): boolean {
    return this.ours === undefined || this.ours.has(script);
  }

  private track(script: string): Track {
    let t = this.scripts.get(script);
    if (!t) this.scripts.set(script, (t = { receipts: [], spends: [], afterSpend: false }));
    return t;
  }

  /** Every reused script, in order of first receipt. */
  report(): ReuseReport {
    const findings: AddressReuse[] = [];
    let receipts = 0;
    let addresses = 0;
    for (const [script, t] of this.scripts) {
      receipts += t.receipts.length;
      if (t.receipts.length > 0) addresses++;
      const reasons: AddressReuse['reasons'] = [];
      if (t.receipts.length > 1) reasons.push('received-more-than-once');
      if (t.afterSpend) reasons.push('received-after-spend');
      if (reasons.length === 0) continue;
      findings.push({ scriptPubKey: script, address: scriptAddress(fromHex(script), this.network), derivation: this.ours?.get(script), reasons, receipts: t.receipts, spends: t.spends });
    }
    findings.sort((a, b) => a.receipts[0]!.line - b.receipts[0]!.line || a.receipts[0]!.vout - b.receipts[0]!.vout);
    return { transactions: this.transactions, addresses, receipts, findings };
  }
}

/** The address-reuse report of in-memory history lines. */
export function findAddressReuse(lines: readonly string[], opts: { file?: string; ours?: ReadonlyMap<string, OwnScript>; network?: Network } = {}): ReuseReport {
  const t = new ReuseTracker(opts.ours, opts.network);
  lines.forEach((l, i) => t.add(l, opts.file ?? '<input>', i + 1));
  return t.report();
}
