/**
 * The verifier page's entry point, kept free of the DOM so node tests run it: texts in (as the
 * customer pasted or dropped them), one outcome out. Same parsers and checks as
 * `keygrade por verify-proof`.
 */
import { fromHex, isHex } from './bytes.js';
import { ReservesError } from './errors.js';
import { parseManifest } from './manifest.js';
import { parseProof } from './proof.js';
import { verifyProof, type VerifyResult } from './verify.js';

/** What the page shows. `input` is an unreadable input (the CLI's exit 2). */
export type CheckOutcome = { kind: 'checked'; result: VerifyResult } | { kind: 'input'; message: string; problems: string[] };

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ReservesError(what === 'proof' ? 'RESERVES_BAD_PROOF' : 'RESERVES_BAD_MANIFEST', `the ${what} is not JSON: ${(e as Error).message}`);
  }
}

/** Checks a proof against a manifest, both given as JSON text; optional public key (hex) and previous manifest (JSON text). */
export function checkProofTexts(proofText: string, manifestText: string, options: { publicKey?: string; previous?: string } = {}): CheckOutcome {
  try {
    if (proofText.trim() === '') return { kind: 'input', message: 'Add your proof (the file the exchange gave you).', problems: [] };
    if (manifestText.trim() === '') return { kind: 'input', message: 'Add the manifest the exchange published for this snapshot.', problems: [] };
    const proof = parseProof(json(proofText, 'proof'), 'proof');
    const manifest = parseManifest(json(manifestText, 'manifest'), 'manifest');
    const previous = options.previous?.trim() ? parseManifest(json(options.previous, 'previous manifest'), 'previous manifest') : undefined;
    const key = options.publicKey?.trim().toLowerCase();
    if (key && !isHex(key, 32)) return { kind: 'input', message: 'The public key must be 64 hexadecimal digits.', problems: [] };
    return { kind: 'checked', result: verifyProof(proof, manifest, { ...(key ? { publicKey: fromHex(key) } : {}), ...(previous ? { previous } : {}) }) };
  } catch (e) {
    if (e instanceof ReservesError) return { kind: 'input', message: e.message, problems: e.problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`) };
    throw e;
  }
}
