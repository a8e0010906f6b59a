/**
 * Re-derivation during verification: given the mnemonic, or the raw source material, recompute
 * what the transcript claims. The OS generator's bytes are never stored, so a `keygrade`-mode
 * ceremony is re-derived from its mnemonic; its dice, cards or file can still be checked against
 * their commitments. SeedSigner-mode ceremonies (dice only) re-derive from the dice alone.
 */
import { deriveAccount, fingerprintHex, masterKey, parseMnemonic, publicKeyOf } from './bip.js';
import { equalBytes, fromHex, toHex } from './bytes.js';
import { commitSource, type SourceInput } from './constructions.js';
import type { TranscriptBody } from './transcript.js';

/** Compares the mnemonic's fingerprint and account keys with the transcript; returns the differences. */
export function checkMnemonic(body: TranscriptBody, mnemonicText: string): string[] {
  const { mnemonic, entropy } = parseMnemonic(mnemonicText);
  const r = body.result;
  const problems: string[] = [];
  if (mnemonic.split(' ').length !== r.words) problems.push(`the mnemonic has ${mnemonic.split(' ').length} words; the transcript records ${r.words}`);
  const root = masterKey(mnemonic, r.network);
  const fp = fingerprintHex(root);
  if (fp !== r.masterFingerprint) problems.push(`master fingerprint ${fp} ≠ ${r.masterFingerprint} in the transcript`);
  for (const a of r.accounts) {
    const d = deriveAccount(root, a.script, a.network, a.account);
    if (d.path !== a.path) problems.push(`account ${a.script}: path ${a.path} in the transcript, ${d.path} by the standard`);
    for (const k of ['xpub', 'slip132', 'descriptorKey', 'firstAddress'] as const) {
      if (d[k] !== a[k]) problems.push(`account ${a.path}: ${k} differs (${String(a[k])} in the transcript, ${String(d[k])} from the mnemonic)`);
    }
  }
  if (r.glacierPublicKey !== undefined && toHex(publicKeyOf(entropy)) !== r.glacierPublicKey) problems.push('the Glacier public key differs');
  root.wipePrivateData();
  return problems;
}

/** Checks raw source material against each transcript source of the same kind; the differences, or [] when one matches. */
export function checkSourceOpening(body: TranscriptBody, source: SourceInput): string[] {
  const candidates = body.sources.filter((s) => s.kind === source.kind);
  if (candidates.length === 0) return [`the transcript has no ${source.kind} source`];
  const ok = candidates.some((s) => equalBytes(commitSource(source, fromHex(s.salt)), fromHex(s.commitment)));
  return ok ? [] : [`the ${source.kind} given do not match the transcript's commitment`];
}
