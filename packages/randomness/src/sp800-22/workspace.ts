/**
 * Tables and buffers that are expensive to build and the same for every sequence of one length
 * (FFT plans). A battery run over many streams passes one workspace to every call; a single call
 * without one builds what it needs and drops it.
 */
import { RealDftModuli } from './real-dft.js';

/** Reusable state for repeated test runs. Not safe to share between threads or concurrent runs. */
export class Workspace {
  private readonly plans = new Map<number, RealDftModuli>();

  /** The real-DFT plan for length n (one is kept per length). */
  realDft(n: number): RealDftModuli {
    let plan = this.plans.get(n);
    if (!plan) {
      // keep one plan: a run uses one stream length, and plans for 10^6 bits hold ~40 MB
      this.plans.clear();
      plan = new RealDftModuli(n);
      this.plans.set(n, plan);
    }
    return plan;
  }
}
