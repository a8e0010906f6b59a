/**
 * One key ceremony, pure: parsed sources in, BIP-39 entropy, mnemonic and the transcript's
 * public sections out. Reading the sources, showing the secret and writing files is the CLI's job.
 */
import type { Card } from '@keygrade/randomness';
import { deriveAccount, fingerprintHex, masterKey, mnemonicOf, publicKeyOf, wif, type AccountKey, type Network, type ScriptKind } from './bip.js';
import { toHex, utf8 } from './bytes.js';
import { cardsData, commitSource, diceData, glacierKey, keygradeCombine, LABELS, seedsignerEntropy, type CeremonyMode, type SourceInput } from './constructions.js';
import { CeremonyError } from './errors.js';
import { assessCards, assessDice, assessFile, assessOs, type SourceAssessment } from './health.js';

/** A source as recorded: its findings, and the salted commitment to its exact bytes. */
export interface TranscriptSource extends SourceAssessment {
  salt: string;
  commitment: string;
  /** How the bytes were formed, where not obvious (e.g. Glacier's hex text). */
  encoding: string;
}

/** How the sources were combined. */
export interface Construction {
  mode: CeremonyMode;
  description: string;
  /** Sources in the order they entered the construction. */
  order: SourceInput['kind'][];
}

/** The public result of a ceremony. */
export interface CeremonyResult {
  words: 12 | 24;
  network: Network;
  /** BIP-39 passphrase: Keygrade ceremonies use none, so the mnemonic alone restores the wallet. */
  bip39Passphrase: 'none';
  masterFingerprint: string;
  accounts: AccountKey[];
  /** Glacier mode: the compressed public key of the Glacier private key (what Glacier's multisig uses). */
  glacierPublicKey?: string;
}

export interface CeremonyInputs {
  mode: CeremonyMode;
  ceremonyId: string;
  /** keygrade mode: 12 words (128-bit) or 24 (256-bit). Ignored by the other modes, whose construction fixes it. */
  words: 12 | 24;
  network: Network;
  scripts: readonly ScriptKind[];
  account: number;
  /** Bytes from the operating system's generator. */
  os?: Uint8Array;
  dice?: readonly number[];
  cards?: readonly Card[];
  /** Bytes from a hardware generator and the min-entropy per byte claimed for it. */
  file?: { bytes: Uint8Array; minEntropyPerByte: number };
  /**
   * Random bytes for the commitment salts (inject the OS generator). Glacier mode takes its
   * computer entropy as hex text from the file when one is given, else the OS bytes in hex.
   */
  random: (n: number) => Uint8Array;
}

export interface CeremonyOutput {
  entropy: Uint8Array;
  mnemonic: string;
  construction: Construction;
  sources: TranscriptSource[];
  entropySummary: { keyBits: number; creditedBits: number; physicalBits: number };
  result: CeremonyResult;
  /** Glacier mode: the private key in Wallet Import Format, to show once with the mnemonic. */
  glacierWif?: string;
  warnings: string[];
}

const DESCRIPTIONS: Record<CeremonyMode, string> = {
  keygrade: `HMAC_DRBG SHA-256 (SP 800-90A rev1 10.1.2), security strength 256; entropy_input = for each source in order: u32be(len kind)||kind||u32be(len data)||data; nonce = ceremonyId (UTF-8); personalization = "${LABELS.personalization}"; one Generate of 8 x entropy-bytes bits = BIP-39 entropy`,
  seedsigner: 'SeedSigner dice: SHA-256(ASCII rolls); 50 rolls -> first 16 bytes (12 words), otherwise 32 bytes (24 words) = BIP-39 entropy',
  glacier: 'Glacier Protocol: SHA-256(ASCII rolls) XOR SHA-256(ASCII hex computer entropy) = secp256k1 private key, also used as 32 bytes of BIP-39 entropy (24 words)',
};

const round = (x: number) => Number(x.toFixed(6));

/**
 * Runs the construction of `inputs.mode` over the sources, health-tests them and derives the
 * mnemonic and account keys. Throws CEREMONY_SOURCES (wrong sources for the mode), CEREMONY_DICE,
 * CEREMONY_ENTROPY (not enough entropy) or CEREMONY_HEALTH (a source failed a health test).
 */
export function runCeremony(inputs: CeremonyInputs): CeremonyOutput {
  const warnings: string[] = [];
  const parts: { input: SourceInput; assessment: SourceAssessment; encoding: string }[] = [];
  let entropy: Uint8Array;
  let keyBits: number;
  let glacierPriv: Uint8Array | undefined;
  const { mode, dice } = inputs;

  if (mode === 'keygrade') {
    keyBits = inputs.words === 12 ? 128 : 256;
    if (inputs.os) parts.push({ input: { kind: 'os', data: inputs.os }, assessment: assessOs(inputs.os), encoding: 'raw bytes' });
    if (dice) parts.push({ input: { kind: 'dice', data: diceData(dice) }, assessment: assessDice(dice), encoding: 'ASCII roll digits, no separators' });
    if (inputs.cards) parts.push({ input: { kind: 'cards', data: cardsData(inputs.cards.map((c) => c.code)) }, assessment: assessCards(inputs.cards), encoding: 'card codes (rank, suit) joined by one space' });
    if (inputs.file) parts.push({ input: { kind: 'file', data: inputs.file.bytes }, assessment: assessFile(inputs.file.bytes, inputs.file.minEntropyPerByte), encoding: 'raw bytes' });
    if (parts.length < 2) throw new CeremonyError('CEREMONY_SOURCES', `a keygrade ceremony combines at least two sources (CCSS 1.01); got ${parts.map((p) => p.input.kind).join(', ') || 'none'}: add dice, cards or a hardware file`);
    checkHealth(parts.map((p) => p.assessment));
    entropy = keygradeCombine(parts.map((p) => p.input), inputs.ceremonyId, keyBits as 128 | 256);
  } else {
    if (!dice) throw new CeremonyError('CEREMONY_SOURCES', `the ${mode} construction needs dice rolls`);
    if (inputs.cards) throw new CeremonyError('CEREMONY_SOURCES', `the ${mode} construction takes no cards`);
    if (mode === 'seedsigner') {
      if (inputs.file || inputs.os) throw new CeremonyError('CEREMONY_SOURCES', 'the seedsigner construction uses the dice alone');
      if (dice.length !== 50 && dice.length !== 99) throw new CeremonyError('CEREMONY_DICE', `the seedsigner construction takes exactly 50 rolls (12 words) or 99 rolls (24 words), as SeedSigner does; got ${dice.length}`);
      keyBits = dice.length === 50 ? 128 : 256;
      parts.push({ input: { kind: 'dice', data: diceData(dice) }, assessment: assessDice(dice), encoding: 'ASCII roll digits, no separators' });
      warnings.push('single source: the seedsigner construction uses the dice alone, so CCSS 1.01\'s two combined sources are not met; the transcript records this');
      checkHealth(parts.map((p) => p.assessment));
      entropy = seedsignerEntropy(dice);
    } else {
      if (dice.length < 62) throw new CeremonyError('CEREMONY_DICE', `the glacier construction takes at least 62 rolls (Glacier's minimum, 160 bits); got ${dice.length}`);
      keyBits = 256;
      const text = inputs.file ? new TextDecoder().decode(inputs.file.bytes).replace(/\s+/g, '') : inputs.os ? toHex(inputs.os) : undefined;
      if (text === undefined) throw new CeremonyError('CEREMONY_SOURCES', 'the glacier construction needs computer entropy: the OS generator or a file of hex text');
      if (!/^[0-9a-fA-F]*$/.test(text) || text.length < 40) {
        const at = [...text].findIndex((c) => !/[0-9a-fA-F]/.test(c));
        throw new CeremonyError('CEREMONY_SOURCES', at >= 0 ? `the computer entropy is hex text; character ${at + 1} ("${text[at]}") is not a hex digit` : `the computer entropy needs at least 40 hex digits (Glacier's minimum); got ${text.length}`);
      }
      parts.push({ input: { kind: 'dice', data: diceData(dice) }, assessment: assessDice(dice), encoding: 'ASCII roll digits, no separators' });
      const kind = inputs.file ? 'file' : 'os';
      const hexBytes = Uint8Array.from(text.toLowerCase().match(/../g) ?? [], (h) => parseInt(h, 16));
      const assessment = kind === 'os' ? assessOs(hexBytes) : assessFile(hexBytes, inputs.file!.minEntropyPerByte);
      parts.push({ input: { kind, data: utf8(text) }, assessment, encoding: 'hex text as ASCII, whitespace removed (Glacier hashes the text)' });
      checkHealth(parts.map((p) => p.assessment));
      glacierPriv = glacierKey(dice, text);
      entropy = glacierPriv;
    }
  }

  const creditedBits = round(parts.reduce((n, p) => n + p.assessment.entropyBits, 0));
  const physicalBits = round(parts.filter((p) => p.input.kind !== 'os').reduce((n, p) => n + p.assessment.entropyBits, 0));
  // SeedSigner's 99 rolls carry 255.9 bits; accepted for that construction as SeedSigner does.
  const slack = mode === 'seedsigner' ? 0.2 : 1e-9;
  if (creditedBits + slack < keyBits) {
    throw new CeremonyError('CEREMONY_ENTROPY', `the sources carry ${creditedBits.toFixed(2)} bits of entropy; a ${keyBits}-bit key needs at least ${keyBits} (${parts.map((p) => `${p.input.kind} ${p.assessment.entropyBits.toFixed(2)}`).join(', ')})`);
  }
  if (mode === 'keygrade' && physicalBits + 1e-9 < keyBits) {
    warnings.push(`the physical sources carry ${physicalBits.toFixed(2)} bits, less than the key's ${keyBits}: if the OS generator were compromised the key would rest on those bits alone`);
  }

  const mnemonic = mnemonicOf(entropy);
  const root = masterKey(mnemonic, inputs.network);
  const result: CeremonyResult = {
    words: mnemonic.split(' ').length as 12 | 24,
    network: inputs.network,
    bip39Passphrase: 'none',
    masterFingerprint: fingerprintHex(root),
    accounts: inputs.scripts.map((s) => deriveAccount(root, s, inputs.network, inputs.account)),
  };
  if (glacierPriv) result.glacierPublicKey = toHex(publicKeyOf(glacierPriv));
  root.wipePrivateData();
  const sources = parts.map(({ input, assessment, encoding }): TranscriptSource => {
    const salt = inputs.random(32);
    return { ...assessment, salt: toHex(salt), commitment: toHex(commitSource(input, salt)), encoding };
  });
  return {
    entropy,
    mnemonic,
    construction: { mode, description: DESCRIPTIONS[mode], order: parts.map((p) => p.input.kind) },
    sources,
    entropySummary: { keyBits, creditedBits, physicalBits },
    result,
    ...(glacierPriv ? { glacierWif: wif(glacierPriv, inputs.network) } : {}),
    warnings,
  };
}

function checkHealth(assessments: readonly SourceAssessment[]): void {
  const failed = assessments.flatMap((a) => a.checks.filter((c) => !c.passed).map((c) => ({ message: `${a.kind}: ${c.test} failed (${Object.entries(c.figures).map(([k, v]) => `${k} ${v}`).join(', ')})` })));
  if (failed.length > 0) throw new CeremonyError('CEREMONY_HEALTH', `${failed.length} health test${failed.length === 1 ? '' : 's'} failed; no key was derived. Check the source (a stuck generator, a loaded die, rolls typed twice) and start again`, { problems: failed });
}
