/** Signer nonce check: RFC 6979, Bitcoin Core low-R grinding, or neither, by re-signing with a test key. */
export { classifyNonce, GRINDERS, grindEntropy, grindingSequence, rfc6979R, signerScheme, type Grinder, type NonceScheme, type NonceVerdict, type SignerScheme } from './nonce.js';
export { messageDigest, parseKey, parseSignature, parseSignerInput, SignerError, type KeyDefaults, type SignerCase, type SignerErrorCode, type TestKey } from './input.js';
export { checkSigner, type SignerReport, type SignerSignatureResult } from './check.js';
