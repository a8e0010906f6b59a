/** Signature forensics: lax DER, signature extraction with sighashes, r index, key recovery. */
export { isStrictDer, parseDerLax, type RS } from './der.js';
export { extractSignatures, parseLine, verifies, type Prevout, type SigRecord } from './extract.js';
export { NonceIndex, type NonceIndexState } from './nonce-index.js';
export { FastRScanner, LineSplitter, type LineFn } from './fast.js';
export { KNOWN_NONCES, keyFromNonce, keyMatches, recoverFromReuse } from './recover.js';
export { NonceScanner, scanLines, type ReuseFinding, type ScanPart, type ScanReport, type SigLocation, type WantedLine } from './scan.js';
