import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ComplexFft } from './fft.js';
import { RealDftModuli } from './real-dft.js';

/** The DFT by its definition, O(n²), in long double-ish accuracy via compensated angles. */
function naiveDft(re: number[], im: number[]): { re: number[]; im: number[] } {
  const n = re.length;
  const outR: number[] = [];
  const outI: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
      si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
    }
    outR.push(sr);
    outI.push(si);
  }
  return { re: outR, im: outI };
}

describe('FFT', () => {
  // radix 4, 2, 3, 5, generic primes (7, 61) and Bluestein (67, 2·1031, 10007)
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 12, 15, 16, 60, 61, 67, 100, 122, 2062]) {
    it(`complex length ${n} matches the definition`, () => {
      const re = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) + (i % 3));
      const im = Array.from({ length: n }, (_, i) => Math.cos(i * 0.3) - (i % 2));
      const want = naiveDft(re, im);
      const got = new ComplexFft(n).forward(Float64Array.from(re), Float64Array.from(im));
      for (let k = 0; k < n; k++) {
        assert.ok(Math.abs(got.re[k]! - want.re[k]!) < 1e-9 * n && Math.abs(got.im[k]! - want.im[k]!) < 1e-9 * n, `n=${n} k=${k}`);
      }
    });
  }
  it('real moduli equal |DFT| for ±1 sequences of any length (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 2, maxLength: 300 }), (bits) => {
        const x = bits.map((b) => (b ? 1 : -1));
        const want = naiveDft(x, x.map(() => 0));
        const got = new RealDftModuli(x.length).moduli(Float64Array.from(x));
        assert.equal(got.length, Math.floor(x.length / 2) + 1);
        for (let k = 0; k < got.length; k++) assert.ok(Math.abs(got[k]! - Math.hypot(want.re[k]!, want.im[k]!)) < 1e-9);
      }),
      { numRuns: 60 },
    );
  });
  it("Parseval's identity holds for a long transform (10007 points, Bluestein)", () => {
    const n = 10007;
    const re = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 13) - 6);
    const im = new Float64Array(n);
    const energy = re.reduce((s, v) => s + v * v, 0);
    const f = new ComplexFft(n).forward(re.slice(), im);
    let spectral = 0;
    for (let k = 0; k < n; k++) spectral += f.re[k]! ** 2 + f.im[k]! ** 2;
    assert.ok(Math.abs(spectral / n - energy) < 1e-8 * energy);
  });
});
