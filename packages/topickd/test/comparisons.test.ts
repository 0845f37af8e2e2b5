import { describe, it, expect } from 'vitest';
import { comparisonsOf, pairedBootstrap } from 'topickd/app';

describe('paired comparisons', () => {
  it('the bootstrap interval of identical differences is that value; a mix of signs contains 0', () => {
    expect(pairedBootstrap([0.01, 0.01, 0.01])).toEqual([0.01, 0.01]);
    const [lo, hi] = pairedBootstrap([0.02, -0.019, 0.002]);
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    // every resampled mean lies between the smallest and the largest difference
    expect(lo).toBeGreaterThanOrEqual(-0.019);
    expect(hi).toBeLessThanOrEqual(0.02);
    // seeded: the same interval every time
    expect(pairedBootstrap([0.02, -0.019, 0.002])).toEqual([lo, hi]);
  });

  it('pairs the distilled student with each other role and baseline by seed', () => {
    const runs = [0, 1, 2].flatMap((seed) => [
      { K: 20, seed, role: 'teacher', model: 'combined', npmi: 0.04 },
      { K: 20, seed, role: 'student', model: 'zeroshot', npmi: [0.0687, 0.0457, 0.0483][seed] },
      { K: 20, seed, role: 'baseline', model: 'prodlda', npmi: 0.01 },
      { K: 20, seed, role: 'distilled', model: 'zeroshot', npmi: [0.051, 0.0549, 0.0505][seed] },
    ]);
    const c = comparisonsOf(runs);
    const byPair = Object.fromEntries(c.map((x) => [x.pair, x]));
    expect(Object.keys(byPair).sort()).toEqual(['distilled − baseline:prodlda', 'distilled − student', 'distilled − teacher']);
    const alone = byPair['distilled − student'];
    expect(alone.differences.map((d) => +d.toFixed(4))).toEqual([-0.0177, 0.0092, 0.0022]);
    expect(alone.significant).toBe(false); // the M10 K=20 case: no significant difference
    expect(byPair['distilled − baseline:prodlda'].significant).toBe(true);
    expect(byPair['distilled − baseline:prodlda'].meanDifference).toBeGreaterThan(0);
  });
});
