/** Node-only: a fixed pool of hashing worker threads (see worker-source.ts) and job helpers. Internal. */
import { Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './worker-source.js';

/** Leaves or nodes per job: large enough to amortize messages, small enough to balance and report progress. */
export const JOB = 1 << 17;

export function shared(bytes: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)));
}

export interface Job {
  kind: 'leaves' | 'block' | 'level' | 'subtree' | 'identity';
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
  constructor(
    readonly size: number,
    readonly native?: string,
  ) {
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

/**
 * Ranges covering [0, count) for jobs handed out to `workers` (at least 1) workers in order, guided: a job is
 * about 1 / (2 workers - 1) of the work left after it, at most `most` and at least `unit` (both
 * multiples of `unit`), so the last jobs shrink to one unit and the workers finish within about
 * one unit of each other, instead of one whole job of `most` (decision 271). `lastAtLow`: the jobs
 * are handed out from the highest range down, so the small ones are the lowest ranges; otherwise
 * from the lowest up, and the small ones are the highest. Every range boundary but `count` is a
 * multiple of `unit` when counted from the end where the small ranges are.
 */
export function guidedRanges(count: number, most: number, unit: number, workers: number, lastAtLow: boolean): [number, number][] {
  // Sizes in reverse order of handing out: the last job's first.
  const sizes: number[] = [];
  for (let left = 0; left < count; ) {
    const guided = Math.floor(left / (2 * workers - 1) / unit) * unit;
    const s = Math.min(count - left, Math.max(unit, Math.min(most, guided)));
    sizes.push(s);
    left += s;
  }
  const out: [number, number][] = [];
  if (lastAtLow) {
    for (let i = 0, at = 0; i < sizes.length; at += sizes[i]!, i++) out.push([at, at + sizes[i]!]);
  } else {
    for (let i = sizes.length - 1, at = 0; i >= 0; at += sizes[i]!, i--) out.push([at, at + sizes[i]!]);
  }
  return out;
}

export function ranges(count: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < count; a += size) out.push([a, Math.min(count, a + size)]);
  return out;
}
