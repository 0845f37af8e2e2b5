/**
 * The search of `topickd tune` against closed forms: the rungs of successive halving, the
 * Halton points (the radical inverse by hand), and the halving itself on an objective whose
 * optimum is known.
 */
import { describe, it, expect } from 'vitest';
import { chooseBest, halvingRungs, haltonCandidates, successiveHalving, type Candidate } from '../src/app/tune/tune-search.js';

describe('successive halving', () => {
  it('rungs: n/η^r candidates, E/η^(R−1−r) epochs', () => {
    expect(halvingRungs(9, 100)).toEqual([
      { candidates: 9, epochs: 11 },
      { candidates: 3, epochs: 33 },
      { candidates: 1, epochs: 100 },
    ]);
    expect(halvingRungs(27, 81)).toEqual([
      { candidates: 27, epochs: 3 },
      { candidates: 9, epochs: 9 },
      { candidates: 3, epochs: 27 },
      { candidates: 1, epochs: 81 },
    ]);
    expect(halvingRungs(4, 9)).toEqual([
      { candidates: 4, epochs: 3 },
      { candidates: 1, epochs: 9 },
    ]);
    expect(halvingRungs(1, 50)).toEqual([{ candidates: 1, epochs: 50 }]);
    expect(halvingRungs(8, 16, 2)).toEqual([
      { candidates: 8, epochs: 2 },
      { candidates: 4, epochs: 4 },
      { candidates: 2, epochs: 8 },
      { candidates: 1, epochs: 16 },
    ]);
    expect(() => halvingRungs(0, 10)).toThrow(/--trials must be a positive integer/);
  });

  it('Halton points: the radical inverses in bases 2 and 3, rotated by the seed, inside the box', () => {
    // without rotation the first points would be (1/2, 1/3), (1/4, 2/3), (3/4, 1/9), (1/8, 4/9)
    const expected = [
      [1 / 2, 1 / 3],
      [1 / 4, 2 / 3],
      [3 / 4, 1 / 9],
      [1 / 8, 4 / 9],
    ];
    const pts = haltonCandidates(4, { alpha: [0, 1], temperature: [0, 1] }, 7);
    // the rotation is the same for every point: differences between points are the sequence's, mod 1
    const frac = (x: number) => ((x % 1) + 1) % 1;
    for (let i = 1; i < 4; i++) {
      expect(frac(pts[i].alpha - pts[0].alpha)).toBeCloseTo(frac(expected[i][0] - expected[0][0]), 3);
      expect(frac(pts[i].temperature - pts[0].temperature)).toBeCloseTo(frac(expected[i][1] - expected[0][1]), 3);
    }
    const box = haltonCandidates(50, { alpha: [0.1, 0.9], temperature: [1, 5] }, 3);
    expect(box.every((c) => c.alpha >= 0.1 && c.alpha <= 0.9 && c.temperature >= 1 && c.temperature <= 5)).toBe(true);
    // evenly spread: every quarter of each axis holds points
    for (let q = 0; q < 4; q++) expect(box.filter((c) => c.alpha >= 0.1 + 0.2 * q && c.alpha < 0.3 + 0.2 * q).length).toBeGreaterThanOrEqual(10);
    expect(haltonCandidates(5, { alpha: [0, 1], temperature: [1, 2] }, 3)).toEqual(haltonCandidates(5, { alpha: [0, 1], temperature: [1, 2] }, 3));
    expect(haltonCandidates(5, { alpha: [0, 1], temperature: [1, 2] }, 3)).not.toEqual(haltonCandidates(5, { alpha: [0, 1], temperature: [1, 2] }, 4));
  });

  it('keeps the best third by mean over the seeds and returns the best of the last rung', async () => {
    const space = { alpha: [0, 1] as [number, number], temperature: [1, 5] as [number, number] };
    // objective: best near α = 0.3, T = 2; seed 1 adds a constant (it cancels in the ranking); longer training helps everyone equally
    const f = (c: Candidate, seed: number, epochs: number) => -((c.alpha - 0.3) ** 2) - (c.temperature - 2) ** 2 / 16 + seed * 0.5 + epochs * 1e-3;
    const asked: { rung: number; epochs: number; n: number }[] = [];
    const res = await successiveHalving(space, { trials: 9, epochs: 27, seeds: [0, 1], searchSeed: 2 }, async (reqs) => {
      asked.push({ rung: reqs[0].rung, epochs: reqs[0].epochs, n: reqs.length });
      return reqs.map((q) => ({ npmi: f(q.candidate, q.seed, q.epochs), cv: 0, td: 0, seconds: 0 }));
    });
    expect(asked).toEqual([
      { rung: 0, epochs: 3, n: 18 },
      { rung: 1, epochs: 9, n: 6 },
      { rung: 2, epochs: 27, n: 2 },
    ]);
    const all = haltonCandidates(9, space, 2);
    const best = all.reduce((a, b) => (f(b, 0, 0) > f(a, 0, 0) ? b : a));
    expect({ alpha: res.best.alpha, temperature: res.best.temperature }).toEqual(best);
    expect(res.best.npmi).toBeCloseTo(f(best, 0, 27) + 0.25, 12);
    expect(res.trials).toHaveLength(18 + 6 + 2);
    // the three of rung 1 are rung 0's best three
    const top3 = [...all].sort((a, b) => f(b, 0, 0) - f(a, 0, 0)).slice(0, 3);
    const rung1 = [...new Set(res.trials.filter((t) => t.rung === 1).map((t) => `${t.alpha}|${t.temperature}`))];
    expect(rung1.sort()).toEqual(top3.map((c) => `${c.alpha}|${c.temperature}`).sort());
  });
});

describe('the α and T tune hands back', () => {
  const search = { alpha: 0.4715, temperature: 2.483, npmi: 0.0749, cv: 0.61, td: 0.82 };
  const defaults = { alpha: 0.8, temperature: 4, npmi: 0.0761, cv: 0.62, td: 0.81 };
  it("the defaults where they scored higher at full epochs on the same seeds, else the search's best", () => {
    expect(chooseBest(search, defaults)).toEqual({ ...defaults, from: 'defaults' });
    expect(chooseBest({ ...search, npmi: 0.0762 }, defaults)).toEqual({ ...search, npmi: 0.0762, from: 'search' });
    // a tie keeps the search's best; without reference runs there is nothing to compare with
    expect(chooseBest({ ...search, npmi: 0.0761 }, defaults).from).toBe('search');
    expect(chooseBest(search)).toEqual({ ...search, from: 'search' });
  });
});
