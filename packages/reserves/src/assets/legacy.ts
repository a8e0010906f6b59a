/**
 * Legacy signed messages (Bitcoin Core `signmessage` / `verifymessage`): a 65-byte compact
 * recoverable ECDSA signature, base64, over double SHA-256 of the "Bitcoin Signed Message:\n"
 * magic and the message, each with a CompactSize length. The header byte is 27 + recovery id,
 * + 4 for a compressed key (Core); BIP 137 adds 35–38 for P2SH-P2WPKH and 39–42 for P2WPKH, and
 * Electrum-style wallets sign segwit addresses with 31–34. The recovered key must hash to the
 * address. A legacy signature proves control of a key, not of funds: it is accepted because
 * custodians still hold keys whose tools only sign this way.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { VarBytes } from '@scure/btc-signer/script.js';
import { bytesEqual, concat, utf8 } from '../bytes.js';
import { fromBase64, hash160, sha256d } from './encoding.js';
import { failure, type AssetFailure } from './errors.js';
import { classify } from './script.js';

const MAGIC = utf8('Bitcoin Signed Message:\n');

/** The digest a legacy message signature signs. */
export function legacyMessageHash(message: string): Uint8Array {
  return sha256d(concat(VarBytes.encode(MAGIC), VarBytes.encode(utf8(message))));
}

/** Verifies a legacy signature of `message` by the owner of `challenge` (P2PKH, P2WPKH or P2SH-P2WPKH); undefined when valid. */
export function verifyLegacy(challenge: Uint8Array, message: string, signature: string): AssetFailure | undefined {
  const sig = fromBase64(signature);
  if (!sig || sig.length !== 65) return failure('BAD_ENCODING', 'a legacy signature is 65 bytes in base64');
  const header = sig[0]!;
  if (header < 27 || header > 42) return failure('BAD_ENCODING', `unknown legacy signature header byte ${header}`);
  const out = classify(challenge);
  const compressed = header >= 31;
  const allowed =
    out.type === 'p2pkh' ? header <= 34 : out.type === 'p2wpkh' ? (header >= 31 && header <= 34) || header >= 39 : out.type === 'p2sh' ? header >= 31 && header <= 38 : false;
  if (out.type !== 'p2pkh' && out.type !== 'p2wpkh' && out.type !== 'p2sh') return failure('UNSUPPORTED_SCRIPT', 'legacy signatures exist only for P2PKH, P2WPKH and P2SH-P2WPKH addresses');
  if (!allowed) return failure('WRONG_ADDRESS', `header byte ${header} is for another address type than this ${out.type.toUpperCase()} address`);
  let key: Uint8Array;
  try {
    const recovered = Uint8Array.of((header - 27) & 3, ...sig.subarray(1));
    key = secp256k1.Signature.fromBytes(recovered, 'recovered').recoverPublicKey(legacyMessageHash(message)).toBytes(compressed);
  } catch {
    return failure('BAD_SIGNATURE', 'no public key can be recovered from the signature');
  }
  const program = hash160(key);
  const hash = out.type === 'p2sh' ? hash160(concat(Uint8Array.of(0x00, 0x14), program)) : program;
  if (!bytesEqual(hash, out.hash)) return failure('BAD_SIGNATURE', 'invalid signature: the key recovered from it does not match the address (signed another message, or by another key)');
  return undefined;
}
