/**
 * The message every asset proof signs. It binds the proof to one liabilities snapshot (its id
 * and root from the signed manifest) and to the block height of the UTXO snapshot, so a proof
 * made for another snapshot, another root or another height cannot be replayed:
 *
 *   keygrade-por-v1 snapshot=<64 hex> root=<64 hex> height=<block height>
 *
 * One line, ASCII, single spaces, lowercase hex, the height in decimal without leading zeros, no
 * trailing newline. BIP-322 hashes these bytes (tagged hash "BIP0322-signed-message"); BIP-127
 * commits to SHA-256("Proof-of-Reserves: " || message); legacy messages sign them after the
 * "Bitcoin Signed Message:\n" magic.
 */

/** What the binding message names. */
export interface Binding {
  /** Hex of the manifest's snapshot id. */
  snapshotId: string;
  /** Hex of the manifest's root. */
  root: string;
  /** Block height of the UTXO snapshot. */
  height: number;
}

const FORM = /^keygrade-por-v1 snapshot=([0-9a-f]{64}) root=([0-9a-f]{64}) height=(0|[1-9][0-9]{0,9})$/;

/**
 * The exact text to sign for a snapshot.
 * @example bindingMessage({ snapshotId: manifest.snapshotId, root: manifest.root, height: 850000 })
 */
export function bindingMessage(b: Binding): string {
  return `keygrade-por-v1 snapshot=${b.snapshotId} root=${b.root} height=${b.height}`;
}

/** Reads a binding message back, or undefined when the text is not one. */
export function parseBinding(text: string): Binding | undefined {
  const m = FORM.exec(text);
  return m ? { snapshotId: m[1]!, root: m[2]!, height: Number(m[3]) } : undefined;
}

/** Why `text` is not the binding message `expected` (naming the field that differs), or undefined when it is. */
export function bindingProblem(text: string, expected: Binding): string | undefined {
  if (text === bindingMessage(expected)) return undefined;
  const got = parseBinding(text);
  if (!got) return `the signed message ${JSON.stringify(text.slice(0, 120))} is not a Keygrade binding message (expected ${JSON.stringify(bindingMessage(expected))})`;
  if (got.snapshotId !== expected.snapshotId) return `the proof binds snapshot ${got.snapshotId.slice(0, 16)}…, not this manifest's snapshot ${expected.snapshotId.slice(0, 16)}…`;
  if (got.root !== expected.root) return `the proof binds root ${got.root.slice(0, 16)}…, not this manifest's root ${expected.root.slice(0, 16)}…`;
  return `the proof binds block height ${got.height}, not the UTXO snapshot's height ${expected.height}`;
}
