/** Node-only: a fixed pool of hashing worker threads (see worker-source.ts) and job helpers. Internal. */
import { Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './worker-source.js';

/** Leaves or nodes per job: large enough to amortize messages, small enough to balance and report progress. */
export const JOB = 1 << 17;

export function shared(bytes: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)));
}

export interface Job {
  kind: 'leaves' | 'block' | 'level';
  from: number;
  to: number;
  [key: string]: unknown;
}

/** A fixed pool of hashing workers fed from a queue. */
export class Pool {
  private readonly workers: Worker[];
  private nextId = 0;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => new Worker(WORKER_SOURCE, { eval: true }));
  }

  /** Runs every job; resolves with the first overflowing asset index reported (or -1). */
  run(jobs: Job[], onDone: (job: Job) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      let next = 0;
      let running = 0;
      let overflow = -1;
      let failed = false;
      const start = (w: Worker): void => {
        if (failed) return;
        if (next >= jobs.length) {
          if (running === 0) resolve(overflow);
          return;
        }
        const job = jobs[next++]!;
        const id = this.nextId++;
        running++;
        const onMessage = (m: { id: number; overflow?: number; error?: string }): void => {
          if (m.id !== id) return;
          w.off('message', onMessage);
          w.off('error', onError);
          running--;
          if (m.error !== undefined) {
            failed = true;
            reject(new Error(`hashing worker failed: ${m.error}`));
            return;
          }
          if (m.overflow !== undefined && m.overflow >= 0 && overflow < 0) overflow = m.overflow;
          onDone(job);
          start(w);
        };
        const onError = (e: Error): void => {
          failed = true;
          reject(e);
        };
        w.on('message', onMessage);
        w.once('error', onError);
        w.postMessage({ ...job, id });
      };
      for (const w of this.workers) start(w);
      if (jobs.length === 0) resolve(-1);
    });
  }

  close(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function ranges(count: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < count; a += size) out.push([a, Math.min(count, a + size)]);
  return out;
}
