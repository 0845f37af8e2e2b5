import { describe, it, expect } from 'vitest';
import { comparisonsOf, pairedBootstrap, teacherNotes } from 'topickd/app';

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

describe('what results.md says of the teachers', () => {
  const run = (K: number, role: string, npmi: number, seed = 0) => ({ K, role, npmi, seed }) as never;
  const runs = [run(20, 'teacher', 0.0476), run(20, 'student', 0.0552), run(20, 'student', 0.056, 1), run(50, 'teacher', 0.0556), run(50, 'student', 0.0257)];
  it('a long run whose teacher is below the student alone gets a note naming both; a teacher above, none', () => {
    const notes = teacherNotes({ runs, epochs: 100 });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^At K=20 the teacher \(NPMI 0\.0476\) is below the student alone \(0\.0556\): in a 100-epoch run/);
  });
  it("a short run (the auto recipe's phase) gets none", () => {
    expect(teacherNotes({ runs, epochs: 30 })).toEqual([]);
  });
});
