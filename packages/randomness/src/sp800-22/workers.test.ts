import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bitsFromArray, type BitSequence } from './bits.js';
import { runBattery } from './battery.js';
import { Sp80022Error } from './errors.js';
import { runBatteryParallel } from './workers.js';

function stream(seed: number, n: number): BitSequence {
  let x = seed;
  return bitsFromArray(Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 31;
  }));
}

describe('battery on worker threads', () => {
  const streams = [1, 2, 3, 4, 5].map((s) => stream(s, 50000));
  const options = { strict: false, tests: ['frequency', 'runs', 'dft', 'serial', 'non-overlapping-template'] as const };
  it('gives the results of the single-thread battery, in stream order, and reports each as it arrives', async () => {
    const seen: number[] = [];
    const r = await runBatteryParallel(streams, { ...options, tests: [...options.tests], parameters: { serial: { blockLength: 8 } }, workers: 2, onResult: (i) => seen.push(i) });
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.deepEqual(r, streams.map((s) => runBattery(s, { ...options, tests: [...options.tests], parameters: { serial: { blockLength: 8 } } })));
  });
  it('reads the streams lazily from a generator', async () => {
    let made = 0;
    function* gen(): Generator<BitSequence> {
      for (const s of streams) {
        made++;
        yield s;
      }
    }
    const r = await runBatteryParallel(gen(), { strict: false, tests: ['frequency'], workers: 2 });
    assert.equal(made, 5);
    assert.equal(r.length, 5);
  });
  it('passes a parameter error from a worker on with its code', async () => {
    await assert.rejects(
      runBatteryParallel(streams, { tests: ['serial'], parameters: { serial: { blockLength: 1 } }, workers: 2 }),
      (e: unknown) => e instanceof Sp80022Error && e.code === 'SP80022_INVALID_PARAMETER',
    );
  });
});
