/**
 * A small seeded PRNG (mulberry32) for everything TopicKD randomises in JavaScript:
 * weight initialisation, shuffling, and the seeds handed to tfjs's random ops.
 * Its whole state is one uint32, so checkpoints can save and restore it exactly.
 */
import { ConfigError } from '../errors.js';

/** The largest seed: seeds are unsigned 32-bit integers (a larger one would repeat a smaller one's draws). */
export const MAX_SEED = 2 ** 32 - 1;

/** Whether `v` is a seed: an integer from 0 to 2³² − 1. */
export function isSeed(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_SEED;
}

/** Checks a seed (or each of a list) before any work: a typed error naming the key otherwise. */
export function checkSeed(v: unknown, key = 'seed'): void {
  for (const s of Array.isArray(v) ? v : [v]) {
    if (!isSeed(s)) throw new ConfigError(`"${key}" must be an integer from 0 to 4294967295 (2³² − 1), got ${typeof s === 'number' ? s : JSON.stringify(s)}`, key);
  }
}

export class Random {
  private s: number;
  constructor(seed: number) {
    this.s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    // warm up so that nearby seeds diverge
    for (let i = 0; i < 4; i++) this.nextUint32();
  }

  get state(): number {
    return this.s;
  }

  static fromState(state: number): Random {
    const r = new Random(0);
    r.s = state >>> 0;
    return r;
  }

  nextUint32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A seed for a tfjs random op. */
  seed(): number {
    return this.nextUint32();
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  uniformArray(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }
}
