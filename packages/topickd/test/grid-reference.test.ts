/**
 * The committed grids the demo cites: grid-reference.ts is generated from results/ and must
 * match them (a grid re-run without regenerating it fails here), and the lookup finds a grid
 * by corpus, K and recipe.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GRID_REFERENCES, gridReference } from '../src/app/experiment/grid-reference.js';
import { runNode } from '../../../test-support/child-process.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

describe('grid references', () => {
  it('grid-reference.ts is what scripts/grid-reference.mjs makes of results/', async () => {
    const r = await runNode('scripts/grid-reference.mjs', ['--check'], { cwd: REPO });
    expect(r.status, r.stderr).toBe(0);
  });

  it('the K curves the README shows (docs/images/k-curve-*.svg) are what scripts/k-curves.mjs draws of results/*-k-search', async () => {
    const r = await runNode('scripts/k-curves.mjs', ['--check'], { cwd: REPO });
    expect(r.status, r.stderr).toBe(0);
  });

  it("each entry is its grid's distilled − student comparison", () => {
    expect(GRID_REFERENCES.length).toBeGreaterThan(0);
    for (const g of GRID_REFERENCES) {
      const res = JSON.parse(readFileSync(`${REPO}/${g.source}/results.json`, 'utf8'));
      const c = res.comparisons.find((x: { K: number; pair: string }) => x.K === g.K && x.pair === 'distilled − student');
      expect(g.meanDifference).toBeCloseTo(c.meanDifference, 6);
      expect(g.seeds).toBe(c.seeds.length);
      // several grids of one setting: the lookup gives the first listed (the generator lists the one the demo cites first)
      const first = GRID_REFERENCES.find((x) => x.dataset === g.dataset && x.K === g.K && x.recipe === g.recipe && x.epochs === g.epochs);
      expect(gridReference(g.dataset.toUpperCase(), g.K, g.recipe, g.epochs)).toBe(first);
    }
    // the demo's setting (M10, K 20, auto, 30 epochs): the grid with one teacher per K, the protocol of every other grid
    expect(gridReference('m10', 20, 'auto', 30)?.source).toBe('results/m10-auto-e30-shared');
    expect(gridReference('m10', 20, 'given', 100)).toBeUndefined();
    expect(gridReference('m10', 20, 'auto', 7)).toBeUndefined();
  });
});
