#!/usr/bin/env node
// Writes docs/images/k-curve-<corpus>-<metric>.svg from the committed K searches (results/*-k-search/tune.json):
// the curves `tune --topics` draws in its report, as image files the README and the docs show.
// `--check` exits 1 when a file is out of date (a test runs it). Needs the built packages (pnpm run build).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const { topicsCurve } = await import('../packages/topickd/dist/app.js');
const root = fileURLToPath(new URL('../', import.meta.url));
const dir = `${root}docs/images/`;
const check = process.argv.includes('--check');
let stale = 0;
mkdirSync(dir, { recursive: true });
for (const corpus of ['m10', '20ng']) {
  const res = JSON.parse(readFileSync(`${root}results/${corpus}-k-search/tune.json`, 'utf8'));
  for (const metric of ['npmi', 'td']) {
    const file = `${dir}k-curve-${corpus}-${metric}.svg`;
    const svg = topicsCurve(res, metric) + '\n';
    if (check) {
      if (!existsSync(file) || readFileSync(file, 'utf8') !== svg) {
        console.error(`${file} is out of date: node scripts/k-curves.mjs`);
        stale++;
      }
    } else writeFileSync(file, svg);
  }
}
if (check) process.exit(stale ? 1 : 0);
console.log(`wrote docs/images/k-curve-{m10,20ng}-{npmi,td}.svg`);
