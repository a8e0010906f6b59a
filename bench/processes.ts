/**
 * Times work split over child processes (for the benchmarks that compare it with worker threads).
 */
import { spawn } from 'node:child_process';

/**
 * Wall milliseconds for `count` child processes, started and ready beforehand, each running the
 * CommonJS `setup(i)` then, once told to go, `loop(i)` (which may update a variable x); from the
 * go to the last process done.
 */
export async function timeOnProcesses(count: number, setup: (i: number) => string, loop: (i: number) => string): Promise<number> {
  const source = (i: number) => `${setup(i)}; process.stdin.once('data', () => { let x = 0; ${loop(i)}; process.stdout.write(String(x), () => process.exit(0)); }); process.stdout.write('ready');`;
  const children = Array.from({ length: count }, (_, i) => spawn(process.execPath, ['-e', source(i)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  try {
    const next = (c: (typeof children)[number]) => new Promise((resolve, reject) => {
      c.stdout.once('data', resolve);
      c.once('error', reject);
      c.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`a child process exited with ${code}`))));
    });
    await Promise.all(children.map(next));
    const t0 = performance.now();
    await Promise.all(children.map((c) => {
      const done = next(c);
      c.stdin.write('go');
      return done;
    }));
    return performance.now() - t0;
  } finally {
    for (const c of children) c.kill();
  }
}
