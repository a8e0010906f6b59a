/** Test helper: the two ways the node builds hash (node:crypto in JavaScript, and the native module). */
import { nativeStatus } from './native.js';

const status = nativeStatus();
// CI builds the module and sets KEYGRADE_REQUIRE_NATIVE=1: there a missing module fails the tests instead of skipping them.
if (!status.available && process.env.KEYGRADE_REQUIRE_NATIVE === '1') throw new Error(`KEYGRADE_REQUIRE_NATIVE=1 but the native hashing module is not available: ${status.reason}`);

/** Each mode: its name in test titles, the builds' `native` option, and a skip reason when it cannot run here. */
export const HASHING_MODES: { name: string; native: boolean; skip: string | false }[] = [
  { name: 'node:crypto', native: false, skip: false },
  { name: 'native', native: true, skip: status.available ? false : `the native hashing module is not available (${status.reason})` },
];
