/**
 * @keygrade/ceremony: key ceremonies (CCSS 1.01) — combining entropy sources, health tests,
 * BIP-39/BIP-32 derivation, signed transcripts, passphrase-encrypted secrets — and the signed
 * release manifests of self-verification. Portable (no IO); the file walk is in `./node`.
 */
export { CeremonyError, type CeremonyErrorCode } from './errors.js';
export { cardsData, commitSource, diceData, glacierKey, keygradeCombine, keygradeEntropyInput, LABELS, MODES, seedsignerEntropy, type CeremonyMode, type SourceInput, type SourceKind } from './constructions.js';
export {
  accountPath,
  deriveAccount,
  fingerprintHex,
  hash160,
  masterKey,
  mnemonicOf,
  multisigScript,
  p2shAddress,
  p2shP2wshAddress,
  p2wpkhAddress,
  p2wshAddress,
  parseMnemonic,
  publicKeyOf,
  SCRIPT_KINDS,
  SCRIPTS,
  wif,
  type AccountKey,
  type Network,
  type ScriptKind,
} from './bip.js';
export { assessCards, assessDice, assessFile, assessOs, type HealthCheck, type SourceAssessment } from './health.js';
export { runCeremony, type CeremonyInputs, type CeremonyOutput, type CeremonyResult, type Construction, type TranscriptSource } from './ceremony.js';
export {
  parseTranscript,
  ROLES,
  serializeTranscript,
  SIGNOFF_DOMAIN,
  signTranscript,
  STATEMENTS,
  TRANSCRIPT_FORMAT,
  verifyTranscript,
  type Participant,
  type Role,
  type SignOff,
  type SignOffCheck,
  type SoftwareRecord,
  type Transcript,
  type TranscriptBody,
  type TranscriptVerdict,
} from './transcript.js';
export { checkMnemonic, checkSourceOpening } from './rederive.js';
export { decryptSecret, DEFAULT_LOG_N, encryptSecret, parseEncryptedSecret, SECRET_FORMAT, type EncryptedSecret, type SecretAbout } from './secret-box.js';
export { ed25519PublicKey, keyId, signedBytes, verifyHex } from './signing.js';
export {
  checkManifestSignatures,
  compareFiles,
  filesDigest,
  MANIFEST_FORMAT,
  parseManifest,
  signManifest,
  type FileComparison,
  type FileHashes,
  type ManifestBody,
  type ManifestSignature,
  type ReleaseManifest,
  type SignatureCheck,
} from './release-manifest.js';
export { fromHex, toHex } from './bytes.js';
