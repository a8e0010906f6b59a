/**
 * From ceremony entropy to wallet material: BIP-39 mnemonic and seed, BIP-32 account keys on the
 * BIP 48 (multisig), 49, 84 and 86 paths, SLIP-132 encodings, and the few Bitcoin encodings the
 * public vectors check (WIF, P2WPKH, P2SH-P2WSH multisig). Primitives from @scure/bip32,
 * @scure/bip39, @scure/base and @noble/hashes only.
 */
import { HDKey } from '@scure/bip32';
import { entropyToMnemonic, mnemonicToEntropy, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { bech32, createBase58check } from '@scure/base';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { concat } from './bytes.js';
import { CeremonyError } from './errors.js';

const b58c = createBase58check(sha256);

export type Network = 'main' | 'test';

/** The account scripts a ceremony derives keys for, with their BIP path and SLIP-132 version. */
export const SCRIPTS = {
  /** BIP 48 script type 2: native segwit multisig, m/48'/coin'/account'/2'. */
  'p2wsh-multi': { purpose: 48, scriptType: 2, slip132: { main: 0x02aa7ed3, test: 0x02575483 }, slip132Name: { main: 'Zpub', test: 'Vpub' } },
  /** BIP 48 script type 1: nested segwit multisig, m/48'/coin'/account'/1'. */
  'p2sh-p2wsh-multi': { purpose: 48, scriptType: 1, slip132: { main: 0x0295b43f, test: 0x024289ef }, slip132Name: { main: 'Ypub', test: 'Upub' } },
  /** BIP 84: native segwit single-sig, m/84'/coin'/account'. */
  p2wpkh: { purpose: 84, scriptType: undefined, slip132: { main: 0x04b24746, test: 0x045f1cf6 }, slip132Name: { main: 'zpub', test: 'vpub' } },
  /** BIP 49: nested segwit single-sig, m/49'/coin'/account'. */
  'p2sh-p2wpkh': { purpose: 49, scriptType: undefined, slip132: { main: 0x049d7cb2, test: 0x044a5262 }, slip132Name: { main: 'ypub', test: 'upub' } },
  /** BIP 86: taproot single-sig (key path), m/86'/coin'/account'. No SLIP-132 version exists. */
  p2tr: { purpose: 86, scriptType: undefined, slip132: undefined, slip132Name: undefined },
} as const;
export type ScriptKind = keyof typeof SCRIPTS;
export const SCRIPT_KINDS = Object.keys(SCRIPTS) as ScriptKind[];

/** BIP-32 serialization versions (xprv/xpub, tprv/tpub). */
const VERSIONS = { main: { private: 0x0488ade4, public: 0x0488b21e }, test: { private: 0x04358394, public: 0x043587cf } } as const;

/** One derived account: its path and public keys, never private material. */
export interface AccountKey {
  script: ScriptKind;
  network: Network;
  account: number;
  /** e.g. `m/48'/0'/0'/2'`. */
  path: string;
  /** Standard BIP-32 serialization (xpub or tpub). */
  xpub: string;
  /** SLIP-132 serialization (Zpub, zpub, …) where one exists. */
  slip132?: string;
  /** Key expression for an output descriptor (BIP 380): `[fingerprint/48h/0h/0h/2h]xpub…`. */
  descriptorKey: string;
  /** First receive address (…/0/0), for single-sig scripts with a simple encoding. */
  firstAddress?: string;
}

/** The BIP 44-style path of an account: m/purpose'/coin'/account'[/scriptType']. */
export function accountPath(script: ScriptKind, network: Network, account: number): string {
  if (!Number.isInteger(account) || account < 0 || account >= 2 ** 31) throw new CeremonyError('CEREMONY_DERIVATION', `account must be an integer from 0 to 2^31 − 1 (got ${account})`);
  const s = SCRIPTS[script];
  const coin = network === 'main' ? 0 : 1;
  return `m/${s.purpose}'/${coin}'/${account}'${s.scriptType !== undefined ? `/${s.scriptType}'` : ''}`;
}

/** BIP-39 English mnemonic of 16 or 32 bytes of entropy (12 or 24 words). */
export function mnemonicOf(entropy: Uint8Array): string {
  if (entropy.length !== 16 && entropy.length !== 32) throw new CeremonyError('CEREMONY_DERIVATION', `BIP-39 entropy here is 16 or 32 bytes (got ${entropy.length})`);
  return entropyToMnemonic(entropy, wordlist);
}

/** Normalizes typed words (case, runs of spaces) and checks the BIP-39 checksum. */
export function parseMnemonic(text: string): { mnemonic: string; entropy: Uint8Array } {
  const words = text.normalize('NFKD').trim().toLowerCase().split(/\s+/).filter(Boolean);
  const unknown = words.findIndex((w) => !wordlist.includes(w));
  if (unknown >= 0) throw new CeremonyError('CEREMONY_DERIVATION', `word ${unknown + 1} ("${words[unknown]}") is not in the BIP-39 English list`);
  const mnemonic = words.join(' ');
  if (![12, 15, 18, 21, 24].includes(words.length)) throw new CeremonyError('CEREMONY_DERIVATION', `a BIP-39 mnemonic has 12, 15, 18, 21 or 24 words (got ${words.length})`);
  if (!validateMnemonic(mnemonic, wordlist)) throw new CeremonyError('CEREMONY_DERIVATION', 'the mnemonic checksum does not match (a word is wrong or out of order)');
  return { mnemonic, entropy: mnemonicToEntropy(mnemonic, wordlist) };
}

/** The BIP-32 master key of a mnemonic (BIP-39 seed with the given passphrase, default none). */
export function masterKey(mnemonic: string, network: Network, passphrase = ''): HDKey {
  return HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic, passphrase), VERSIONS[network]);
}

/** The master key fingerprint as 8 hex digits (first 4 bytes of HASH160 of the master public key). */
export function fingerprintHex(root: HDKey): string {
  return root.fingerprint.toString(16).padStart(8, '0');
}

/** HASH160 = RIPEMD-160(SHA-256(x)). */
export const hash160 = (x: Uint8Array): Uint8Array => ripemd160(sha256(x));

/** Derives one account's public keys from the master key. */
export function deriveAccount(root: HDKey, script: ScriptKind, network: Network, account: number): AccountKey {
  const path = accountPath(script, network, account);
  const node = root.derive(path);
  const s = SCRIPTS[script];
  const fp = fingerprintHex(root);
  const result: AccountKey = {
    script,
    network,
    account,
    path,
    xpub: node.publicExtendedKey,
    descriptorKey: `[${fp}${path.slice(1).replaceAll("'", 'h')}]${node.publicExtendedKey}`,
  };
  if (s.slip132) {
    const alt = new HDKey({ versions: { private: VERSIONS[network].private, public: s.slip132[network] }, depth: node.depth, index: node.index, parentFingerprint: node.parentFingerprint, chainCode: node.chainCode!, publicKey: node.publicKey! });
    result.slip132 = alt.publicExtendedKey;
  }
  const first = node.deriveChild(0).deriveChild(0).publicKey!;
  if (script === 'p2wpkh') result.firstAddress = p2wpkhAddress(first, network);
  if (script === 'p2sh-p2wpkh') result.firstAddress = p2shAddress(concat(Uint8Array.of(0x00, 0x14), hash160(first)), network);
  return result;
}

/** Native segwit v0 address of a compressed public key (BIP 141, BIP 173). */
export function p2wpkhAddress(publicKey: Uint8Array, network: Network): string {
  return bech32.encode(network === 'main' ? 'bc' : 'tb', [0, ...bech32.toWords(hash160(publicKey))]);
}

/** Base58Check P2SH address of a redeem script (BIP 16, BIP 13). */
export function p2shAddress(redeemScript: Uint8Array, network: Network): string {
  return b58c.encode(concat(Uint8Array.of(network === 'main' ? 0x05 : 0xc4), hash160(redeemScript)));
}

/** Native segwit v0 P2WSH address of a witness script. */
export function p2wshAddress(witnessScript: Uint8Array, network: Network): string {
  return bech32.encode(network === 'main' ? 'bc' : 'tb', [0, ...bech32.toWords(sha256(witnessScript))]);
}

/** Wallet Import Format of a private key, compressed public key flag set. */
export function wif(privateKey: Uint8Array, network: Network): string {
  if (privateKey.length !== 32) throw new CeremonyError('CEREMONY_DERIVATION', 'a private key is 32 bytes');
  return b58c.encode(concat(Uint8Array.of(network === 'main' ? 0x80 : 0xef), privateKey, Uint8Array.of(0x01)));
}

/** Compressed secp256k1 public key of a private key; refuses 0 and values ≥ n. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  if (!secp256k1.utils.isValidSecretKey(privateKey)) throw new CeremonyError('CEREMONY_DERIVATION', 'the 32 bytes are not a valid secp256k1 private key (zero or not below the group order)');
  return secp256k1.getPublicKey(privateKey, true);
}

/** A bare m-of-n CHECKMULTISIG script, keys in the order given (BIP 11; ≤ 16 keys). */
export function multisigScript(m: number, publicKeys: readonly Uint8Array[]): Uint8Array {
  const n = publicKeys.length;
  if (!(Number.isInteger(m) && m >= 1 && m <= n && n <= 16)) throw new CeremonyError('CEREMONY_DERIVATION', `need 1 ≤ m ≤ n ≤ 16 (got ${m}-of-${n})`);
  // OP_1..OP_16 are 0x51..0x60; 0x21 pushes a 33-byte compressed key; 0xae is OP_CHECKMULTISIG.
  return concat(Uint8Array.of(0x50 + m), ...publicKeys.map((k) => concat(Uint8Array.of(0x21), k)), Uint8Array.of(0x50 + n, 0xae));
}

/** The P2SH-wrapped P2WSH address of a witness script (BIP 141 nested segwit). */
export function p2shP2wshAddress(witnessScript: Uint8Array, network: Network): string {
  return p2shAddress(concat(Uint8Array.of(0x00, 0x20), sha256(witnessScript)), network);
}
