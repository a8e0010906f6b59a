/**
 * Test-only: a 2-of-3 wsh(sortedmulti) wallet from the fixed test seeds (never real keys) and
 * PSBTs spending from it, built with @scure/btc-signer's own payment builders so the checks
 * under test (our descriptor derivation) meet an independent implementation.
 */
import { HDKey } from '@scure/bip32';
import { NETWORK, p2ms, p2wpkh, p2wsh, Transaction } from '@scure/btc-signer';
import { base64 } from '@scure/base';
import { compareBytes, sha256 } from '../bytes.js';

const H = 0x80000000;
const ACCOUNT_PATH = [48 + H, H, H, 2 + H];

export interface TestAccount {
  root: HDKey;
  account: HDKey;
  fingerprint: string;
  fingerprintNum: number;
  xpub: string;
}

/** The BIP 48 account (m/48'/0'/0'/2') of the seed `seedByte` × 32, with its private keys. */
export function testAccount(seedByte: number): TestAccount {
  const root = HDKey.fromMasterSeed(new Uint8Array(32).fill(seedByte));
  const account = root.derive("m/48'/0'/0'/2'");
  return { root, account, fingerprint: root.fingerprint.toString(16).padStart(8, '0'), fingerprintNum: root.fingerprint, xpub: account.publicExtendedKey };
}

/** `wsh(sortedmulti(m, [fp/48h/0h/0h/2h]xpub/<0;1>/*, …))` over the accounts. */
export function multisigDescriptor(accounts: TestAccount[], m = 2): string {
  return `wsh(sortedmulti(${m},${accounts.map((a) => `[${a.fingerprint}/48h/0h/0h/2h]${a.xpub}/<0;1>/*`).join(',')}))`;
}

/** Script, witness script and BIP 32 derivations of the multisig at branch/index. */
export function multisigOutput(accounts: TestAccount[], branch: number, index: number, m = 2) {
  const keys = accounts.map((a) => ({ a, pub: a.account.deriveChild(branch).deriveChild(index).publicKey! }));
  const sorted = [...keys].sort((x, y) => compareBytes(x.pub, y.pub));
  const pay = p2wsh(p2ms(m, sorted.map((k) => k.pub)));
  return {
    script: pay.script,
    witnessScript: pay.witnessScript!,
    address: pay.address!,
    bip32Derivation: keys.map((k) => [k.pub, { fingerprint: k.a.fingerprintNum, path: [...ACCOUNT_PATH, branch, index] }] as [Uint8Array, { fingerprint: number; path: number[] }]),
    privateKeys: keys.map((k) => k.a.account.deriveChild(branch).deriveChild(index).privateKey!),
  };
}

/** A mainnet P2WPKH address of a seed that is not part of the wallet (a counterparty). */
export function externalAddress(seedByte: number, index = 0): string {
  return p2wpkh(HDKey.fromMasterSeed(new Uint8Array(32).fill(seedByte)).derive(`m/84'/0'/0'/0/${index}`).publicKey!, NETWORK).address!;
}

export interface SpendSpec {
  inputs: { branch: number; index: number; sats: bigint }[];
  outputs: ({ address: string; sats: bigint } | { change: number; sats: bigint; branch?: number; bip32?: 'omit' | 'wrong-path' })[];
  /** Input indices whose witness_utxo is left out. */
  omitUtxo?: number[];
  psbtVersion?: 0 | 2;
}

/** Builds an unsigned spend from the wallet as a btc-signer Transaction. */
export function buildSpendTx(accounts: TestAccount[], spec: SpendSpec): Transaction {
  const tx = new Transaction({ allowUnknownOutputs: true });
  spec.inputs.forEach((inp, i) => {
    const w = multisigOutput(accounts, inp.branch, inp.index);
    const txid = sha256(new TextEncoder().encode(`prev ${i} ${inp.branch}/${inp.index}`));
    tx.addInput({
      txid,
      index: i,
      ...(spec.omitUtxo?.includes(i) ? {} : { witnessUtxo: { script: w.script, amount: inp.sats } }),
      witnessScript: w.witnessScript,
      bip32Derivation: w.bip32Derivation,
    });
  });
  for (const o of spec.outputs) {
    if ('address' in o) tx.addOutputAddress(o.address, o.sats, NETWORK);
    else {
      const w = multisigOutput(accounts, o.branch ?? 1, o.change);
      const ders = o.bip32 === 'wrong-path' ? w.bip32Derivation.map(([p, d]) => [p, { ...d, path: [...d.path.slice(0, -1), d.path.at(-1)! + 1] }] as [Uint8Array, { fingerprint: number; path: number[] }]) : w.bip32Derivation;
      tx.addOutput({ script: w.script, amount: o.sats, witnessScript: w.witnessScript, ...(o.bip32 === 'omit' ? {} : { bip32Derivation: ders }) });
    }
  }
  return tx;
}

/** Builds an unsigned spend as base64 PSBT (v0 by default, v2 on request). */
export function buildSpend(accounts: TestAccount[], spec: SpendSpec): string {
  return base64.encode(buildSpendTx(accounts, spec).toPSBT(spec.psbtVersion ?? 0));
}
