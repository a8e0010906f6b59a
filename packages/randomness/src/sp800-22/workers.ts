/**
 * Node only: runs the SP 800-22 battery over many streams on worker threads, one stream per
 * worker at a time, so the work scales with the cores while memory stays bounded (at most two
 * streams in flight per worker). Results come back in stream order.
 *
 * This module is both the pool (imported in the main thread) and the worker body (the same file,
 * started with `workerData.kind === WORKER_KIND`). When it runs from TypeScript sources (tests,
 * `--conditions=keygrade-source`), the worker first registers the tsx loader the main thread uses.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runBattery, type BatteryOptions, type BatteryResult } from './battery.js';
import type { BitSequence } from './bits.js';
import { Sp80022Error, type Sp80022ErrorCode } from './errors.js';
import { Workspace } from './workspace.js';

const WORKER_KIND = 'keygrade-sp800-22-battery';

/** Battery options that can cross a thread boundary (no workspace: each worker has its own). */
export type PoolBatteryOptions = Omit<BatteryOptions, 'workspace'>;

interface Job {
  id: number;
  words: Uint32Array;
  length: number;
}

type Reply = { id: number; result: BatteryResult } | { id: number; error: { code?: Sp80022ErrorCode; message: string } };

/** Number of workers for `'auto'`: the cores Node may use, at most `streams`. */
export function autoWorkers(streams: number): number {
  return Math.max(1, Math.min(availableParallelism(), streams));
}

function startWorker(options: PoolBatteryOptions): Worker {
  const url = import.meta.url;
  const data = { kind: WORKER_KIND, options };
  if (!url.endsWith('.ts')) return new Worker(new URL(url), { workerData: data });
  // Running from the TypeScript sources under tsx: load tsx in the worker before this file.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}

/**
 * Runs the battery over `streams` (any iterable or async iterable; read lazily) on `workers`
 * threads and returns the results in order. `onResult` is called as each stream's result
 * arrives (in stream order). With one worker it runs on the calling thread.
 */
export async function runBatteryParallel(
  streams: Iterable<BitSequence> | AsyncIterable<BitSequence>,
  options: PoolBatteryOptions & { workers: number; onResult?: (index: number, result: BatteryResult) => void },
): Promise<BatteryResult[]> {
  const { workers: count, onResult, ...battery } = options;
  const results: BatteryResult[] = [];
  if (count <= 1) {
    const workspace = new Workspace();
    let i = 0;
    for await (const s of streams) {
      const r = runBattery(s, { ...battery, workspace });
      results.push(r);
      onResult?.(i++, r);
      // let progress output and signals through between streams
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return results;
  }
  const pool = Array.from({ length: count }, () => startWorker(battery));
  const pending = new Map<number, { resolve: (r: BatteryResult) => void; reject: (e: Error) => void }>();
  const busy = new Map<Worker, number>();
  let failure: Error | undefined;
  let closing = false;
  const fail = (e: Error): void => {
    if (closing) return;
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  for (const w of pool) {
    busy.set(w, 0);
    w.on('message', (reply: Reply) => {
      busy.set(w, busy.get(w)! - 1);
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (!p) return;
      if ('error' in reply) p.reject(reply.error.code ? new Sp80022Error(reply.error.code, reply.error.message) : new Error(reply.error.message));
      else p.resolve(reply.result);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`an SP 800-22 worker thread stopped with exit code ${code}`));
    });
  }
  try {
    const inFlight: Promise<BatteryResult>[] = [];
    let next = 0;
    const drainOne = async (): Promise<void> => {
      const r = await inFlight.shift()!;
      results.push(r);
      onResult?.(next++, r);
    };
    let id = 0;
    for await (const s of streams) {
      if (failure) throw failure;
      // least-loaded worker; a copy of the words is transferred, the caller keeps its sequence
      const w = pool.reduce((a, b) => (busy.get(b)! < busy.get(a)! ? b : a));
      busy.set(w, busy.get(w)! + 1);
      const job: Job = { id: id++, words: s.words.slice(), length: s.length };
      const promise = new Promise<BatteryResult>((resolve, reject) => pending.set(job.id, { resolve, reject }));
      // awaited in order below; the handler only keeps a rejection of a later stream from being reported as unhandled
      promise.catch(() => undefined);
      inFlight.push(promise);
      w.postMessage(job, [job.words.buffer as ArrayBuffer]);
      // bounded memory: at most two streams per worker in flight
      while (inFlight.length >= 2 * count) await drainOne();
    }
    while (inFlight.length > 0) await drainOne();
    if (failure) throw failure;
    return results;
  } finally {
    closing = true;
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

// The worker body.
if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND && parentPort) {
  const port = parentPort;
  const options = (workerData as { options: PoolBatteryOptions }).options;
  const workspace = new Workspace();
  port.on('message', (job: Job) => {
    try {
      const result = runBattery({ words: job.words, length: job.length }, { ...options, workspace });
      port.postMessage({ id: job.id, result } satisfies Reply);
    } catch (e) {
      const code = e instanceof Sp80022Error ? e.code : undefined;
      port.postMessage({ id: job.id, error: { code, message: (e as Error).message } } satisfies Reply);
    }
  });
}
