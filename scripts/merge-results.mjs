#!/usr/bin/env node
// Merges the results.json of several `topickd experiment` runs over the same dataset and
// settings (e.g. seeds 0,1 and a later run adding seed 2 with --teacher-seed 0) into one
// results.json and results.md.
//
//   node scripts/merge-results.mjs OUT_DIR RUN_DIR [RUN_DIR ...]
//
// Refuses runs whose dataset, backend, encoders, epochs or losses differ, and duplicate
// (K, seed, role) rows; reports a teacher shared by several runs whose NPMI differs between them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsTable, withComparisons } from 'topickd/app';

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length < 2) {
  console.error('usage: node scripts/merge-results.mjs OUT_DIR RUN_DIR RUN_DIR [...]');
  process.exit(2);
}
const parts = dirs.map((d) => ({ dir: d, res: JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) }));
const same = ['dataset', 'backend', 'encoder', 'teacherEncoder', 'epochs'];
for (const p of parts.slice(1)) {
  for (const k of same) if (p.res[k] !== parts[0].res[k]) throw new Error(`${p.dir}: ${k} is ${p.res[k]}, not ${parts[0].res[k]} as in ${parts[0].dir}`);
  if (JSON.stringify(p.res.losses) !== JSON.stringify(parts[0].res.losses)) throw new Error(`${p.dir}: different losses`);
}
const seen = new Map();
const teachers = new Map();
for (const p of parts)
  for (const r of p.res.runs) {
    const key = `${r.K}/${r.seed}/${r.role}/${r.model}`;
    if (seen.has(key)) throw new Error(`K=${r.K} seed=${r.seed} ${r.role} is in both ${seen.get(key)} and ${p.dir}`);
    seen.set(key, p.dir);
    if (r.role === 'teacher') {
      const tk = `${r.K}/${r.teacherSeed}`;
      const prev = teachers.get(tk);
      if (prev && Math.abs(prev.npmi - r.npmi) > 1e-9) console.error(`note: the K=${r.K} teacher (seed ${r.teacherSeed}) has NPMI ${r.npmi} in ${p.dir} and ${prev.npmi} in ${prev.dir}`);
      teachers.set(tk, { npmi: r.npmi, dir: p.dir });
    }
  }
const roles = ['baseline', 'teacher', 'student', 'distilled'];
const runs = parts.flatMap((p) => p.res.runs).sort((a, b) => a.K - b.K || a.seed - b.seed || roles.indexOf(a.role) - roles.indexOf(b.role));
const merged = withComparisons({
  ...parts[0].res,
  runs,
  totalSeconds: parts.reduce((s, p) => s + p.res.totalSeconds, 0),
  embeddingSeconds: Math.max(...parts.map((p) => p.res.embeddingSeconds)),
  mergedFrom: parts.map((p) => ({ dir: p.dir, seeds: [...new Set(p.res.runs.map((r) => r.seed))], totalSeconds: p.res.totalSeconds, teacherTraining: p.res.teacherTraining })),
});
delete merged.note;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'results.json'), JSON.stringify(merged, null, 1) + '\n');
const note = `\nMerged from ${parts.length} runs (\`node scripts/merge-results.mjs\`): ${merged.mergedFrom.map((m) => `seeds ${m.seeds.join(', ')} in ${(m.totalSeconds / 60).toFixed(1)} min (${m.teacherTraining})`).join('; ')}. Total time is the sum of the runs' wall-clock times.\n`;
writeFileSync(join(out, 'results.md'), resultsTable(merged) + note);
console.log(resultsTable(merged) + note);
