/** Node-only: a fixed pool of hashing worker threads (see worker-source.ts) and job helpers. Internal. */
import { Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './worker-source.js';

/** Leaves or nodes per job: large enough to amortize messages, small enough to balance and report progress. */
export const JOB = 1 << 17;

export function shared(bytes: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)));
}

export interface Job {
  kind: 'leaves' | 'block' | 'level' | 'subtree';
  from: number;
  to: number;
  [key: string]: unknown;
}

/**
 * Jobs handed to {@link Pool.run} while it runs: pushed as they become ready, then ended. Workers
 * that find the queue empty wait for the next push (or the end).
 */
export class JobQueue {
  readonly jobs: Job[] = [];
  private ended = false;
  private waiting: (() => void)[] = [];

  constructor(jobs: Job[] = [], end = false) {
    this.jobs.push(...jobs);
    this.ended = end;
  }

  push(...jobs: Job[]): void {
    this.jobs.push(...jobs);
    this.wake();
  }

  /** No more jobs: the run resolves once the jobs pushed so far are done. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Calls `f` once, at the next push or end. */
  onChange(f: () => void): void {
    this.waiting.push(f);
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }
}

/** A fixed pool of hashing workers fed from a queue. */
export class Pool {
  private readonly workers: Worker[];
  private nextId = 0;

  /** `native`: the path of the native hashing module the workers hash with (see native.ts), or none for node:crypto. */
  constructor(size: number, native?: string) {
    this.workers = Array.from({ length: size }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { native: native ?? null } }));
  }

  /**
   * Runs every job (of an array, or of a queue until it ends); resolves with the lowest overflow
   * code reported (an asset index, or for 'subtree' jobs level and asset; see worker-source.ts), or -1.
   */
  run(source: Job[] | JobQueue, onDone: (job: Job) => void): Promise<number> {
    const queue = Array.isArray(source) ? new JobQueue(source, true) : source;
    const jobs = queue.jobs;
    return new Promise((resolve, reject) => {
      let next = 0;
      let running = 0;
      let overflow = -1;
      let failed = false;
      const start = (w: Worker): void => {
        if (failed) return;
        if (next >= jobs.length) {
          if (!queue.isEnded) queue.onChange(() => start(w));
          else if (running === 0) resolve(overflow);
          return;
        }
        const job = jobs[next++]!;
        const id = this.nextId++;
        running++;
        const onMessage = (m: { id: number; overflow?: number; error?: string; code?: string; syscall?: string }): void => {
          if (m.id !== id) return;
          w.off('message', onMessage);
          w.off('error', onError);
          running--;
          if (m.error !== undefined) {
            failed = true;
            reject(Object.assign(new Error(`hashing worker failed: ${m.error}`), m.code !== undefined ? { code: m.code, syscall: m.syscall } : {}));
            return;
          }
          if (m.overflow !== undefined && m.overflow >= 0 && (overflow < 0 || m.overflow < overflow)) overflow = m.overflow;
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
