/**
 * How node:crypto hashing scales over the threads of one process, against processes and against
 * other work (issue 9: the proof-of-reserves build hashes on worker threads, and its target is
 * set against raw hashing measured the same way; decision 262).
 *
 *   node --import tsx bench/hash-threads.ts [calls] [--threads=N]
 *
 * Each workload runs on one thread, then on N threads (default: the CPUs available) each doing
 * the same number of calls, then in N child processes. The scaling printed is N × (one thread's
 * time) / (the N threads' time): N when the threads do not slow each other down, 1 when they run
 * no faster than one thread. Other workloads show what the machine gives to threads that share
 * nothing: pure JavaScript string work, a cheap native call, and random bytes from node:crypto.
 */
import { availableParallelism } from 'node:os';
import { timeOnProcesses, timeOnThreads } from './split.js';

const args = process.argv.slice(2);
const calls = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const threads = Math.max(2, Number(args.find((a) => a.startsWith('--threads='))?.slice(10)) || availableParallelism());

/** Loops of `calls` calls, as CommonJS source: each leaves its result in x. */
const workloads: Record<string, string> = {
  'SHA-256, 193 bytes (node:crypto hash)': `const { hash } = require('node:crypto'); const m = new Uint8Array(193); for (let i = 0; i < ${calls}; i++) x ^= hash('sha256', m, 'latin1').charCodeAt(0);`,
  'SHA-512, 193 bytes (node:crypto hash)': `const { hash } = require('node:crypto'); const m = new Uint8Array(193); for (let i = 0; i < ${calls}; i++) x ^= hash('sha512', m, 'latin1').charCodeAt(0);`,
  'MD5, 193 bytes (node:crypto hash)': `const { hash } = require('node:crypto'); const m = new Uint8Array(193); for (let i = 0; i < ${calls}; i++) x ^= hash('md5', m, 'latin1').charCodeAt(0);`,
  'SHA-256 (createHash, update, digest)': `const { createHash } = require('node:crypto'); const m = new Uint8Array(193); for (let i = 0; i < ${calls / 2}; i++) x ^= createHash('sha256').update(m).digest('latin1').charCodeAt(0);`,
  '32 random bytes (randomFillSync)': `const { randomFillSync } = require('node:crypto'); const b = new Uint8Array(32); for (let i = 0; i < ${calls / 4}; i++) x ^= randomFillSync(b)[0];`,
  'UTF-8 check of 193 bytes (native)': `const { isUtf8 } = require('node:buffer'); const m = new Uint8Array(193); for (let i = 0; i < ${calls}; i++) x ^= isUtf8(m) ? 1 : 0;`,
  '32-character strings (JavaScript)': `for (let i = 0; i < ${calls}; i++) { const s = String.fromCharCode(i & 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, i & 127) + 'abcdefghijklmnop'; x ^= s.charCodeAt(3); }`,
};

console.log(`node ${process.version}; ${calls.toLocaleString('en-US')} calls per thread (fewer for the slower workloads); ${threads} threads or processes; scaling = ${threads} × one thread's time / their time`);
for (const [name, loop] of Object.entries(workloads)) {
  const one = await timeOnThreads(1, () => '', () => loop);
  const many = await timeOnThreads(threads, () => '', () => loop);
  const procs = await timeOnProcesses(threads, () => '', () => loop);
  const procOne = await timeOnProcesses(1, () => '', () => loop);
  console.log(`${name.padEnd(40)} one thread ${one.toFixed(0).padStart(5)} ms, ${threads} threads ${many.toFixed(0).padStart(5)} ms: scaling ${((threads * one) / many).toFixed(2)} | one process ${procOne.toFixed(0).padStart(5)} ms, ${threads} processes ${procs.toFixed(0).padStart(5)} ms: scaling ${((threads * procOne) / procs).toFixed(2)}`);
}
