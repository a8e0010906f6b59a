/**
 * How the entropy sources of a ceremony become the BIP-39 entropy (CCSS 1.01: keys from an
 * SP 800-90A DRBG seeded from at least two combined sources). Three constructions:
 *
 * - `keygrade` (default): HMAC_DRBG with SHA-256 (SP 800-90A rev1 §10.1.2) instantiated with
 *   entropy_input = the length-prefixed, labelled concatenation of every source, nonce = the
 *   ceremony id, personalization string = "keygrade/ceremony/v1"; one Generate call of the key
 *   strength. HMAC_DRBG's Instantiate is an HMAC chain over the whole input, so the output is as
 *   unpredictable as the best single source (HMAC as a randomness extractor, the assumption HKDF
 *   also makes), and it is the very mechanism CCSS 1.01 names.
 * - `seedsigner`: SeedSigner's dice-to-mnemonic: SHA-256 over the ASCII roll string; exactly 50
 *   rolls keep the first 16 bytes (12 words), any other count all 32 (24 words). One source only.
 * - `glacier`: Glacier Protocol: SHA-256(ASCII dice) XOR SHA-256(ASCII hex computer entropy),
 *   both hashes over the text, giving a 32-byte secp256k1 private key (also usable as 24 words).
 */
import { instantiateDrbg } from '@keygrade/randomness';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, lp, utf8 } from './bytes.js';
import { CeremonyError } from './errors.js';

/** Where a source's bytes came from. */
export type SourceKind = 'os' | 'dice' | 'cards' | 'file';

/** The constructions a ceremony can use. */
export const MODES = ['keygrade', 'seedsigner', 'glacier'] as const;
export type CeremonyMode = (typeof MODES)[number];

/**
 * One entropy source in its canonical byte form: OS and file bytes as read; dice as the ASCII
 * roll digits without separators (`"6551…"`); cards as canonical codes joined by one space
 * (`"AS TH QD"`).
 */
export interface SourceInput {
  kind: SourceKind;
  data: Uint8Array;
}

/** Domain-separation labels, fixed for version 1 of the transcript format. */
export const LABELS = {
  personalization: 'keygrade/ceremony/v1',
  commitment: 'keygrade/ceremony/v1/commitment',
} as const;

/** The canonical data of d6 rolls: their digits as ASCII, no separators. */
export function diceData(rolls: readonly number[]): Uint8Array {
  for (const [i, r] of rolls.entries()) {
    if (!Number.isInteger(r) || r < 1 || r > 6) throw new CeremonyError('CEREMONY_DICE', `roll ${i + 1} is ${r}; ceremony dice are d6 rolls 1–6`);
  }
  return utf8(rolls.join(''));
}

/** The canonical data of cards: codes such as `TH`, joined by one space. */
export function cardsData(codes: readonly string[]): Uint8Array {
  return utf8(codes.join(' '));
}

/**
 * The commitment to a source published in the transcript:
 * SHA-256(lp("keygrade/ceremony/v1/commitment") || lp(salt) || lp(kind) || lp(data)), lp(x) =
 * u32be(len x) || x. The random salt (also published) makes equal inputs in two ceremonies commit
 * differently; hiding rests on the source's own entropy, which is why only sources that carry the
 * key's strength are committed to.
 */
export function commitSource(source: SourceInput, salt: Uint8Array): Uint8Array {
  if (salt.length < 16) throw new CeremonyError('CEREMONY_SOURCES', `a commitment salt has at least 16 bytes (got ${salt.length})`);
  return sha256(concat(lp(utf8(LABELS.commitment)), lp(salt), lp(utf8(source.kind)), lp(source.data)));
}

/**
 * The HMAC_DRBG entropy_input of the `keygrade` construction: lp(kind) || lp(data) for every
 * source in the order given (the transcript records the order).
 */
export function keygradeEntropyInput(sources: readonly SourceInput[]): Uint8Array {
  return concat(...sources.flatMap((s) => [lp(utf8(s.kind)), lp(s.data)]));
}

/**
 * The `keygrade` construction: `strengthBits` (128 or 256) bits from an HMAC_DRBG (SHA-256,
 * security strength 256) seeded with every source. Refuses fewer than two sources (CCSS 1.01).
 *
 * @example
 * const entropy = keygradeCombine([{ kind: 'os', data: osBytes }, { kind: 'dice', data: diceData(rolls) }], ceremonyId, 256);
 */
export function keygradeCombine(sources: readonly SourceInput[], ceremonyId: string, strengthBits: 128 | 256): Uint8Array {
  const kinds = new Set(sources.map((s) => s.kind));
  if (sources.length < 2 || kinds.size < 2) {
    throw new CeremonyError('CEREMONY_SOURCES', `the keygrade construction combines at least two independent sources of different kinds (got ${[...sources.map((s) => s.kind)].join(', ') || 'none'})`);
  }
  const drbg = instantiateDrbg(
    { mechanism: 'HMAC_DRBG', hash: 'SHA-256' },
    { entropyInput: keygradeEntropyInput(sources), nonce: utf8(ceremonyId), personalizationString: utf8(LABELS.personalization), securityStrength: 256 },
  );
  try {
    return drbg.generate(strengthBits);
  } finally {
    drbg.uninstantiate();
  }
}

/**
 * SeedSigner's dice construction (seedsigner `helpers/mnemonic_generation.py`
 * `generate_mnemonic_from_dice`): SHA-256 of the ASCII rolls; 50 rolls → first 16 bytes
 * (12 words), any other number → 32 bytes (24 words).
 */
export function seedsignerEntropy(rolls: readonly number[]): Uint8Array {
  if (rolls.length === 0) throw new CeremonyError('CEREMONY_DICE', 'no dice rolls');
  const h = sha256(diceData(rolls));
  return rolls.length === 50 ? h.slice(0, 16) : h;
}

/**
 * Glacier Protocol's key (`glacierscript.py`, deposit step): SHA-256(ASCII dice) XOR
 * SHA-256(ASCII hex), both over the text as typed with spaces removed. `computerHex` is the
 * hex text itself, not decoded.
 */
export function glacierKey(rolls: readonly number[], computerHex: string): Uint8Array {
  if (rolls.length === 0) throw new CeremonyError('CEREMONY_DICE', 'no dice rolls');
  const text = computerHex.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]+$/.test(text)) {
    const at = [...text].findIndex((c) => !/[0-9a-fA-F]/.test(c));
    throw new CeremonyError('CEREMONY_SOURCES', `the computer entropy is hexadecimal text; character ${at + 1} ("${text[at] ?? ''}") is not a hex digit`);
  }
  const a = sha256(diceData(rolls));
  const b = sha256(utf8(text));
  return a.map((x, i) => x ^ b[i]!);
}
