/**
 * Times the same kind of work split over worker threads or over child processes, for the
 * benchmarks that compare the two (bench/reserves.ts, bench/hash-threads.ts).
 *
 * Both take CommonJS source: `setup(i)` runs when worker or process i starts, `loop(i)` once it is
 * told to go (it may update a variable x, which is sent back so the work is not optimised away).
 * Both resolve with the wall milliseconds from the go to the last one done; start-up is not timed.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';

/** `count` worker threads of this process. */
export async function timeOnThreads(count: number, setup: (i: number) => string, loop: (i: number) => string): Promise<number> {
  const source = (i: number) => `const { parentPort } = require('node:worker_threads'); ${setup(i)}; parentPort.once('message', () => { let x = 0; ${loop(i)}; parentPort.postMessage(x); }); parentPort.postMessage('ready');`;
  const pool = Array.from({ length: count }, (_, i) => new Worker(source(i), { eval: true }));
  try {
    const next = (w: Worker) => new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    return await timeFromGo(pool, next, (w) => w.postMessage('go'));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** `count` child processes, each with its own OpenSSL state. */
export async function timeOnProcesses(count: number, setup: (i: number) => string, loop: (i: number) => string): Promise<number> {
  const source = (i: number) => `${setup(i)}; process.stdin.once('data', () => { let x = 0; ${loop(i)}; process.stdout.write(String(x), () => process.exit(0)); }); process.stdout.write('ready');`;
  const children = Array.from({ length: count }, (_, i) => spawn(process.execPath, ['-e', source(i)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  try {
    const next = (c: (typeof children)[number]) => new Promise((resolve, reject) => {
      c.stdout.once('data', resolve);
      c.once('error', reject);
      c.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`a child process exited with ${code}`))));
    });
    return await timeFromGo(children, next, (c) => c.stdin.write('go'));
  } finally {
    for (const c of children) c.kill();
  }
}

/** Waits until every runner is ready, tells them all to go, and times until the last reports back. */
async function timeFromGo<T>(runners: T[], next: (r: T) => Promise<unknown>, go: (r: T) => void): Promise<number> {
  await Promise.all(runners.map(next));
  const t0 = performance.now();
  await Promise.all(runners.map((r) => {
    const done = next(r);
    go(r);
    return done;
  }));
  return performance.now() - t0;
}
