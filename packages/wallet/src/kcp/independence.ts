/**
 * Before sweeping a compromised wallet, the destination must share nothing with it: no master
 * fingerprint, no extended key, no public key, and no extended key that is a child of one of the
 * compromised keys (whoever holds a compromised xprv derives all its children, hardened or not).
 */
import { toHex } from '../bytes.js';
import type { KeyExpr } from '../descriptor/keys.js';
import { keysOf, type Descriptor } from '../descriptor/parse.js';

const fp = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

interface KeyFacts {
  label: string;
  fingerprints: Set<string>;
  xpub: string | undefined;
  point: string | undefined;
  parent: string | undefined;
}

function facts(k: KeyExpr): KeyFacts {
  const fingerprints = new Set<string>();
  if (k.origin) fingerprints.add(k.origin.fingerprint);
  if (k.xkey) fingerprints.add(fp(k.xkey.fingerprint));
  const pub = k.xkey ? k.xkey.publicKey! : k.pubkey!;
  return {
    label: k.origin ? `[${k.origin.fingerprint}…]` : k.text.length > 24 ? `${k.text.slice(0, 24)}…` : k.text,
    fingerprints,
    // The key material, independent of the xpub/tpub version bytes.
    xpub: k.xkey ? `${toHex(k.xkey.publicKey!)}${toHex(k.xkey.chainCode!)}` : undefined,
    point: toHex(pub.length === 32 ? pub : pub.subarray(1, 33)),
    parent: k.xkey && k.xkey.depth > 0 ? fp(k.xkey.parentFingerprint) : undefined,
  };
}

/** Every way the destination wallet shares key material with the compromised one (empty when independent). */
export function sharedKeyMaterial(compromised: Descriptor, destination: Descriptor): string[] {
  const from = keysOf(compromised.root).map(facts);
  const to = keysOf(destination.root).map(facts);
  const problems = new Set<string>();
  for (const t of to) {
    for (const f of from) {
      for (const x of t.fingerprints) if (f.fingerprints.has(x)) problems.add(`destination key ${t.label} has fingerprint ${x}, as compromised key ${f.label} (same seed or same account key)`);
      if (t.xpub !== undefined && t.xpub === f.xpub) problems.add(`destination key ${t.label} is the same extended key as compromised key ${f.label}`);
      else if (t.point !== undefined && t.point === f.point) problems.add(`destination key ${t.label} is the same public key as compromised key ${f.label}`);
      if (t.parent !== undefined && f.fingerprints.has(t.parent)) problems.add(`destination key ${t.label} is a child of compromised key ${f.label} (parent fingerprint ${t.parent})`);
    }
  }
  return [...problems];
}
