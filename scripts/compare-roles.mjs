#!/usr/bin/env node
// Pairs one role of one grid with a role of another run on the same corpus, seeds and teachers
// (checked: the teachers must agree to the last digit) and prints, per K, the NPMI difference per
// seed with a paired bootstrap 95% interval. E.g. the static-encoder student distilled from a USE
// teacher against the USE student alone:
//   node scripts/compare-roles.mjs results/m10-static-e30 distilled results/m10-auto-e30 student
import { readFileSync } from 'node:fs';
import { pairedBootstrap } from '../packages/topickd/dist/app.js';

const [dirA, roleA, dirB, roleB] = process.argv.slice(2);
if (!roleB) throw new Error('usage: node scripts/compare-roles.mjs GRID_A ROLE_A GRID_B ROLE_B');
const [a, b] = [dirA, dirB].map((d) => JSON.parse(readFileSync(`${d}/results.json`, 'utf8')));
const rows = (r, K, role) => new Map(r.runs.filter((x) => x.K === K && x.role === role).map((x) => [x.seed, x]));
const f = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
for (const K of [...new Set(a.runs.map((r) => r.K))]) {
  const [ta, tb] = [rows(a, K, 'teacher'), rows(b, K, 'teacher')];
  for (const [seed, x] of ta) if (tb.has(seed) && tb.get(seed).npmi !== x.npmi) console.log(`warning: K=${K} seed ${seed}: the teachers differ (${x.npmi} vs ${tb.get(seed).npmi})`);
  const [ra, rb] = [rows(a, K, roleA), rows(b, K, roleB)];
  const seeds = [...ra.keys()].filter((s) => rb.has(s)).sort((x, y) => x - y);
  const diffs = seeds.map((s) => ra.get(s).npmi - rb.get(s).npmi);
  const mean = diffs.reduce((x, y) => x + y, 0) / diffs.length;
  const [lo, hi] = pairedBootstrap(diffs);
  const verdict = lo > 0 ? 'higher' : hi < 0 ? 'lower' : 'no significant difference';
  console.log(`K=${K}: ${dirA} ${roleA} − ${dirB} ${roleB}, seeds ${seeds.join(',')}: ${diffs.map(f).join(', ')}; mean ${f(mean)} [${f(lo)}, ${f(hi)}] ${verdict}`);
}
