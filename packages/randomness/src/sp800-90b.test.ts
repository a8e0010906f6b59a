import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { instantiateDrbg } from './drbg/drbg.js';
import { RandomnessError } from './errors.js';
import { aptCutoff, bytesToSamples, healthTest, HealthTester, mostCommonValueEstimate, mostCommonValueOfBytes, rctCutoff } from './sp800-90b.js';

const invalid = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof RandomnessError && e.code === 'HEALTH_INVALID_PARAMETER');

describe('SP 800-90B §4.4 cutoffs', () => {
  it('match the figures for α = 2^-20', () => {
    assert.equal(rctCutoff(1), 21);
    assert.equal(aptCutoff(1, 1024), 589);
    assert.equal(aptCutoff(1, 512), 311);
  });
  it('RCT: 1 + ⌈20 / H⌉, without rounding a whole ratio up', () => {
    assert.deepEqual([rctCutoff(2), rctCutoff(0.5), rctCutoff(8), rctCutoff(0.1), rctCutoff(3)], [11, 41, 4, 201, 8]);
    assert.equal(rctCutoff(1, 2 ** -40), 41);
  });
  it('APT: the float path for fractional H agrees with the exact path next to whole H', () => {
    for (const w of [512, 1024]) for (let h = 1; h <= 8; h++) assert.equal(aptCutoff(h * (1 + 1e-12), w), aptCutoff(h, w), `H=${h} W=${w}`);
  });
  it('are non-increasing in H and in α, and the APT cutoff non-decreasing in W', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 8, noNaN: true }), fc.double({ min: 0.05, max: 8, noNaN: true }), fc.integer({ min: 10, max: 40 }), fc.integer({ min: 16, max: 1024 }), (h1, h2, e, w) => {
        const [lo, hi] = h1 <= h2 ? [h1, h2] : [h2, h1];
        assert.ok(rctCutoff(lo, 2 ** -e) >= rctCutoff(hi, 2 ** -e));
        assert.ok(aptCutoff(lo, w, 2 ** -e) >= aptCutoff(hi, w, 2 ** -e));
        assert.ok(aptCutoff(lo, w, 2 ** -e) >= aptCutoff(lo, w, 2 ** -(e - 5)));
        assert.ok(aptCutoff(lo, w + 1, 2 ** -e) >= aptCutoff(lo, w, 2 ** -e));
        assert.ok(aptCutoff(lo, w, 2 ** -e) <= w + 1);
      }),
      { numRuns: 60 },
    );
  });
  it('refuses bad parameters', () => {
    invalid(() => rctCutoff(0));
    invalid(() => rctCutoff(1, 0));
    invalid(() => rctCutoff(1, 1));
    invalid(() => aptCutoff(1, 1));
    invalid(() => aptCutoff(1, 512.5));
    invalid(() => new HealthTester({ h: 2, bitsPerSample: 1 }));
    invalid(() => new HealthTester({ h: 1, bitsPerSample: 9 }));
    invalid(() => new HealthTester({ h: Number.NaN, bitsPerSample: 8 }));
  });
});

/** Alternating samples 0, 1, 0, 1 … with `run` copies of `v` inserted at `at`. */
function alternatingWithRun(n: number, at: number, run: number, v: number): number[] {
  const xs = Array.from({ length: n }, (_, i) => i % 2);
  xs.splice(at, 0, ...new Array<number>(run).fill(v));
  return xs;
}

describe('SP 800-90B online health tests', () => {
  it('RCT fails at the sample that completes a run of C, and not for a run of C − 1', () => {
    const ok = healthTest(alternatingWithRun(400, 101, 19, 0), { h: 1, bitsPerSample: 1 });
    assert.equal(ok.rct.failures, 0);
    assert.equal(ok.rct.longestRun, 20); // the run of 19 zeros joins the 0 at index 100
    const bad = healthTest(alternatingWithRun(400, 101, 20, 0), { h: 1, bitsPerSample: 1 });
    assert.equal(bad.rct.failures, 1);
    assert.equal(bad.rct.firstFailure, 120);
    assert.equal(bad.passed, false);
  });
  it('APT fails when a window\'s first value occurs C times, at the sample that reaches C', () => {
    // W = 512, C = 311. A window that starts with 1 and holds `ones` ones spread evenly
    // (Bresenham), so no run gets near the RCT cutoff.
    const interleave = (ones: number) => [1, ...Array.from({ length: 511 }, (_, k) => (Math.floor(((k + 1) * (ones - 1)) / 511) > Math.floor((k * (ones - 1)) / 511) ? 1 : 0))];
    assert.equal(interleave(311).filter((x) => x === 1).length, 311);
    const good = healthTest([...interleave(310), ...interleave(310)], { h: 1, bitsPerSample: 1 });
    assert.equal(good.apt.failures, 0);
    assert.equal(good.apt.maxCount, 310);
    assert.equal(good.apt.windows, 2);
    const badWindow = interleave(311);
    const bad = healthTest([...interleave(310), ...badWindow], { h: 1, bitsPerSample: 1 });
    assert.equal(bad.rct.failures, 0);
    assert.equal(bad.apt.failures, 1);
    assert.equal(bad.apt.firstFailure, 512 + badWindow.lastIndexOf(1));
  });
  it('gives the same report however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3000), { maxLength: 6 }), fc.integer({ min: 1, max: 8 }), (bytes, cuts, bits) => {
        const whole = new HealthTester({ h: bits === 1 ? 0.3 : 1, bitsPerSample: bits });
        whole.pushBytes(bytes);
        const parts = new HealthTester({ h: bits === 1 ? 0.3 : 1, bitsPerSample: bits });
        let prev = 0;
        for (const c of [...cuts.map((c) => Math.min(c, bytes.length)).sort((a, b) => a - b), bytes.length]) {
          parts.pushBytes(bytes.subarray(prev, c));
          prev = c;
        }
        assert.deepEqual(parts.report(), whole.report());
        const one = new HealthTester({ h: bits === 1 ? 0.3 : 1, bitsPerSample: bits });
        one.pushSamples(bytesToSamples(bytes, bits));
        assert.deepEqual(one.report(), whole.report());
        assert.equal(whole.report().samples, Math.floor((bytes.length * 8) / bits));
      }),
      { numRuns: 100 },
    );
  });
  it('refuses samples outside 0 … 2^bits − 1', () => {
    const t = new HealthTester({ h: 1, bitsPerSample: 1 });
    t.pushSample(1);
    invalid(() => t.pushSample(2));
    invalid(() => t.pushSample(-1));
  });
  it('splits bytes into samples most significant bits first', () => {
    assert.deepEqual([...bytesToSamples(Uint8Array.from([0b10110000]), 1)], [1, 0, 1, 1, 0, 0, 0, 0]);
    assert.deepEqual([...bytesToSamples(Uint8Array.from([0xb0, 0x5c]), 4)], [0xb, 0, 5, 0xc]);
    assert.deepEqual([...bytesToSamples(Uint8Array.from([0b11100100]), 2)], [3, 2, 1, 0]);
  });
  it('passes 64 KiB of HMAC_DRBG output as full-entropy bytes (a fixed seed)', () => {
    const drbg = instantiateDrbg({ mechanism: 'HMAC_DRBG', hash: 'SHA-256' }, { entropyInput: new Uint8Array(48).fill(7) });
    const r = healthTest(drbg.generateBytes(65536), { h: 8, bitsPerSample: 8 });
    assert.equal(r.rct.cutoff, 4);
    assert.equal(r.passed, true);
  });
});

describe('SP 800-90B §6.3.1 most-common-value estimate', () => {
  it('computes p̂, the 99% upper bound and −log2 of it', () => {
    const xs = [...new Array<number>(600).fill(3), ...Array.from({ length: 400 }, (_, i) => i % 7 === 3 ? 4 : i % 7)];
    const e = mostCommonValueEstimate(xs);
    assert.equal(e.mode, 3);
    assert.equal(e.count, 600);
    assert.equal(e.pHat, 0.6);
    assert.ok(Math.abs(e.pU - 0.6399271889872105) < 1e-12);
    assert.ok(Math.abs(e.minEntropy - 0.6440203304978701) < 1e-12);
  });
  it('counts bytes directly as it would count their samples', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.constantFrom(1, 2, 3, 8), (bytes, bits) => {
        fc.pre(bytes.length * 8 >= 2 * bits);
        assert.deepEqual(mostCommonValueOfBytes(bytes, bits), mostCommonValueEstimate(bytesToSamples(bytes, bits)));
      }),
    );
  });
  it('caps p_u at 1 and needs two samples', () => {
    assert.equal(mostCommonValueEstimate([0, 1, 1, 1]).minEntropy, 0);
    assert.throws(() => mostCommonValueEstimate([1]), (e: unknown) => e instanceof RandomnessError && e.code === 'HEALTH_NO_DATA');
  });
});
