#!/usr/bin/env node
// Pairs two grids run on the same corpus, seeds and machine (the same teachers and students
// alone, to the last digit — checked here) and prints, per K, the second grid's distilled NPMI
// minus the first's, per seed, with a paired bootstrap 95% interval.
// Usage: node scripts/compare-grids.mjs results/20ng results/20ng-auto
import { readFileSync } from 'node:fs';
import { pairedBootstrap } from '../packages/topickd/dist/app.js';

const [a, b] = process.argv.slice(2).map((d) => JSON.parse(readFileSync(`${d}/results.json`, 'utf8')));
const rows = (r, K, role) => new Map(r.runs.filter((x) => x.K === K && x.role === role).map((x) => [x.seed, x]));
for (const K of [...new Set(b.runs.map((r) => r.K))]) {
  for (const role of ['teacher', 'student']) {
    const [ra, rb] = [rows(a, K, role), rows(b, K, role)];
    for (const [seed, x] of rb) if (ra.has(seed) && ra.get(seed).npmi !== x.npmi) console.log(`warning: K=${K} seed ${seed}: the ${role}s differ (${ra.get(seed).npmi} vs ${x.npmi}); the grids are not paired`);
  }
  const [da, db] = [rows(a, K, 'distilled'), rows(b, K, 'distilled')];
  const seeds = [...db.keys()].filter((s) => da.has(s)).sort((x, y) => x - y);
  const diffs = seeds.map((s) => db.get(s).npmi - da.get(s).npmi);
  const mean = diffs.reduce((x, y) => x + y, 0) / diffs.length;
  const [lo, hi] = pairedBootstrap(diffs);
  const f = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
  const first = da.get(seeds[0]);
  const second = db.get(seeds[0]);
  console.log(`K=${K}: distilled (α ${second.alpha}, T ${second.temperature}) − distilled (α ${first.alpha}, T ${first.temperature}), seeds ${seeds.join(',')}: ${diffs.map(f).join(', ')}; mean ${f(mean)} [${f(lo)}, ${f(hi)}]`);
}
