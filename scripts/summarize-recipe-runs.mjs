// Summarises scripts/recipe-phase-runs.mjs output (JSONL): mean NPMI, C_V, TD per recipe and the paired
// difference from the student alone with a bootstrap 95% interval (10,000 resamples of the seeds), and
// the difference from the (one, seed-0) teacher with its interval over the students' seeds.
import { readFileSync } from 'node:fs';
for (const f of process.argv.slice(2)) {
  const rows = readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const by = new Map();
  for (const r of rows) { if (!by.has(r.recipe)) by.set(r.recipe, new Map()); by.get(r.recipe).set(r.seed, r); }
  const alone = by.get('alone') ?? new Map();
  const teacherRow = [...by.entries()].find(([k]) => k.startsWith('teacher'))?.[1].values().next().value;
  console.log(`== ${f}`);
  for (const [name, m] of by) {
    const vals = [...m.values()];
    const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
    const diffs = vals.filter((r) => alone.has(r.seed) && name !== 'alone' && !name.startsWith('teacher')).map((r) => r.npmi - alone.get(r.seed).npmi);
    const interval = (d) => {
      let s = 12345; const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
      const bs = [];
      for (let b = 0; b < 10000; b++) { let t = 0; for (let i = 0; i < d.length; i++) t += d[Math.floor(rnd() * d.length)]; bs.push(t / d.length); }
      bs.sort((a, b) => a - b);
      return `${mean(d) >= 0 ? '+' : ''}${mean(d).toFixed(4)} [${bs[250].toFixed(4)}, ${bs[9750].toFixed(4)}]`;
    };
    let ci = '';
    if (diffs.length > 1) ci = `diff ${interval(diffs)} n=${diffs.length}`;
    if (diffs.length > 1 && teacherRow) ci += `  vs teacher ${interval(vals.map((r) => r.npmi - teacherRow.npmi))}`;
    const a = vals[0].alpha !== undefined ? ` α=${vals[0].alpha.toFixed(3)} T=${vals[0].temperature}` : '';
    console.log(`${name.padEnd(22)} npmi ${mean(vals.map((r) => r.npmi)).toFixed(4)} cv ${mean(vals.map((r) => r.cv)).toFixed(4)} td ${mean(vals.map((r) => r.td)).toFixed(3)} sec ${mean(vals.map((r) => r.sec)).toFixed(1)}${a}  ${ci}`);
  }
}
