/** Fixed inputs for the ceremony tests: deterministic "random" bytes, dice and a transcript. */
import { sha256 } from '@noble/hashes/sha2.js';
import { runCeremony, type CeremonyInputs } from './ceremony.js';
import { utf8 } from './bytes.js';
import { TRANSCRIPT_FORMAT, type Transcript } from './transcript.js';

/** A deterministic byte stream standing in for the OS generator (SHA-256 in counter mode). */
export function fakeRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) out.set(sha256(utf8(`${seed}/${counter++}`)).slice(0, Math.min(32, n - i)), i);
    return out;
  };
}

/** 100 rolls that pass the χ² and repetition count tests. */
export const DICE_100 = [...'3162551436225143416253461325162431526435124365214365213462531645231564321654312645321564231456213465'].map(Number);

export const CEREMONY_ID = '0b9e3c1e-5a53-4c1e-9a51-3b1f7f1f2c0d';

export function baseInputs(over: Partial<CeremonyInputs> = {}): CeremonyInputs {
  const random = fakeRandom('fixture');
  return { mode: 'keygrade', ceremonyId: CEREMONY_ID, words: 24, network: 'main', scripts: ['p2wsh-multi'], account: 0, os: random(64), dice: DICE_100, random, ...over };
}

/** An unsigned transcript of a keygrade-mode ceremony over the fixed inputs. */
export function unsignedTranscript(): Transcript {
  const o = runCeremony(baseInputs());
  return {
    transcript: {
      format: TRANSCRIPT_FORMAT,
      ceremonyId: CEREMONY_ID,
      purpose: 'test vault key 1 of 3',
      software: { name: 'keygrade', version: '0.1.0', sha256: '00'.repeat(32), files: 1, installCheck: 'no-manifest', runtime: 'node test' },
      startedAt: '2026-11-22T10:00:00.000Z',
      finishedAt: '2026-11-22T10:05:00.000Z',
      participants: [{ name: 'Alice', role: 'operator' }, { name: 'Bob', role: 'witness' }],
      construction: o.construction,
      sources: o.sources,
      entropy: o.entropySummary,
      result: o.result,
      warnings: o.warnings,
    },
    signoffs: [],
  };
}
