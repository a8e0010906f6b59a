/**
 * Node-only: the optional native hashing module (packages/reserves/native/hashing.c), built at
 * install time by scripts/build-native.mjs. It runs the leaf and node loops of the tree in C with
 * OpenSSL's low-level SHA-256 (the copy inside Node.js), which scales over worker threads where
 * node:crypto's digests do not (decisions 262 and 265). When it is not built, or
 * KEYGRADE_NATIVE=0 is set, the builds hash with node:crypto in JavaScript: same trees, slower.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { shuffle, type RandomStream } from '../random.js';

/** The functions of the native module (their arguments are documented in hashing.c). */
export interface NativeHashing {
  leaves(
    records: Uint8Array,
    salts: Uint8Array,
    leafAccount: Uint32Array,
    accounts: number,
    chunks: Uint8Array[],
    chunkShift: number,
    /** Bytes of an account in `chunks`: its balances, then (from 32 more bytes on) its id's start, length and first bytes (accounts.ts). */
    chunkStride: number,
    ids: Uint8Array,
    idOffsets: Uint32Array,
    pads: Uint8Array,
    padStart: number,
    snapshotId: Uint8Array,
    uidTag: Uint8Array,
    assets: number,
    from: number,
    to: number,
    recordBase: number,
    saltBase: number,
  ): number;
  block(records: Uint8Array, salts: Uint8Array, ids: Uint8Array, idStart: Uint32Array, idLen: Uint32Array, snapshotId: Uint8Array, uidTag: Uint8Array, assets: number, base: number, from: number, to: number): void;
  level(prev: Uint8Array, prevCount: number, next: Uint8Array, assets: number, base: number, from: number, to: number): number;
  /** Fisher–Yates steps state[0] down to state[1] + 1 drawing from bytes[pos …] (see hashing.c); returns the position after the bytes used. */
  shuffle(items: Uint32Array, bytes: Uint8Array, pos: number, state: Uint32Array): number;
  /** SHA-256 of `message`, `count` times: raw hashing for the benchmark's yardstick. */
  repeat(message: Uint8Array, count: number): number;
  sha256(message: Uint8Array): Uint8Array;
}

/** Where the native module is, whether it loads, and why not. */
export interface NativeStatus {
  path: string;
  available: boolean;
  /** Why it is not used (not built, turned off, failed to load). */
  reason?: string;
}

/** The built module: packages/reserves/native/build/Release (the same from src/node and dist/node). */
export const NATIVE_PATH = fileURLToPath(new URL('../../native/build/Release/keygrade_reserves.node', import.meta.url));

let cached: { status: NativeStatus; module?: NativeHashing } | undefined;

function load(): { status: NativeStatus; module?: NativeHashing } {
  if (cached) return cached;
  const path = NATIVE_PATH;
  if (process.env.KEYGRADE_NATIVE === '0') return (cached = { status: { path, available: false, reason: 'turned off by KEYGRADE_NATIVE=0' } });
  if (!existsSync(path)) return (cached = { status: { path, available: false, reason: 'not built (npm run build builds it; it needs a C compiler, make and Python)' } });
  try {
    const module = createRequire(import.meta.url)(path) as NativeHashing;
    // A known answer before any use: SHA-256("abc").
    const abc = Buffer.from(module.sha256(new TextEncoder().encode('abc'))).toString('hex');
    if (abc !== 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad') throw new Error(`SHA-256("abc") gave ${abc}`);
    return (cached = { status: { path, available: true }, module });
  } catch (e) {
    return (cached = { status: { path, available: false, reason: `failed to load: ${e instanceof Error ? e.message : String(e)}` } });
  }
}

/** Whether the native module is available here, and where it is. */
export function nativeStatus(): NativeStatus {
  return load().status;
}

/** The native module, or undefined when it is not built, turned off or fails to load. */
export function nativeHashing(): NativeHashing | undefined {
  return load().module;
}

/**
 * The module for work on the calling thread (the builds' shuffle), given a build's `native` option:
 * false never, otherwise when it is available (`true` is enforced where the workers start, by
 * {@link nativeForWorkers}).
 */
export function nativeOnThisThread(option: boolean | undefined): NativeHashing | undefined {
  return option === false ? undefined : nativeHashing();
}

/**
 * The path the hashing workers load the module from, given a build's `native` option: undefined
 * means use it when available; false never; true requires it (an error says why it is missing).
 */
export function nativeForWorkers(option: boolean | undefined): string | undefined {
  if (option === false) return undefined;
  const { status } = load();
  if (status.available) return status.path;
  if (option === true) throw new Error(`the native hashing module is not available: ${status.reason}`);
  return undefined;
}

/**
 * random.ts's `shuffle(items, random, top, stop)` in C when the native module is given: the same
 * steps, the same draws from `random` and so the same permutation; the swaps' random slots are
 * prefetched in batches and the draws need no JavaScript number arithmetic. Without the module,
 * the JavaScript shuffle.
 */
export function shuffleWith(native: NativeHashing | undefined, items: Uint32Array, random: RandomStream, top = items.length - 1, stop = 0): void {
  if (native === undefined) return shuffle(items, random, top, stop);
  if (!(top > stop)) return;
  const state = new Uint32Array([top, stop]);
  random.consume((bytes, pos) => native.shuffle(items, bytes, pos, state), () => state[0]! <= stop);
}
