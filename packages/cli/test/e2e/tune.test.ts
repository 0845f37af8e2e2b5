/**
 * `topickd tune` and `experiment --tune` as a user runs them, one process per command: the
 * same trials in this thread and in worker threads; tune.json's fields; the plot; bad ranges.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtCliExists, ok, RAW_CORPUS, REPO, scratchDir, topickd, nodeProgram } from './helpers.js';
import { meanDocumentLength } from '@topickd/core';
import { loadDataset } from 'topickd/app';

const work = scratchDir('tune');
const corpus = join(work, 'titles.jsonl');
const common = ['--cache-dir', join(work, 'cache')];
const teacher = join(work, 'teacher');
const search = ['--data', corpus, '--teacher', teacher, '--hidden', '10', '--trials', '4', '--seeds', '0,1', '--epochs', '9', ...common];

beforeAll(async () => {
  expect(builtCliExists(), 'the CLI is built (pnpm test builds first)').toBe(true);
  writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
  ok(await topickd(['fit', '--data', corpus, '--model', 'combined', '--topics', '4', '--hidden', '30', '--epochs', '5', '--out', teacher, ...common], work));
}, 120_000);

const withoutTimes = (trials: { seconds: number }[]) => trials.map(({ seconds: _s, ...t }) => t);

describe('topickd tune', () => {
  it('successive halving: the same trials with --jobs 1 and --jobs 2; tune.json and the plot', async () => {
    const one = ok(await topickd(['tune', ...search, '--out', join(work, 't1'), '--json'], work)).json();
    const two = ok(await topickd(['tune', ...search, '--jobs', '2', '--out', join(work, 't2'), '--json'], work)).json();
    expect(withoutTimes(two.trials)).toEqual(withoutTimes(one.trials));
    // 4 candidates × 2 seeds × 3 epochs, then the best one × 2 seeds × 9 epochs
    expect(one.search.rungs).toEqual([
      { candidates: 4, epochs: 3 },
      { candidates: 1, epochs: 9 },
    ]);
    expect(one.trials).toHaveLength(10);
    const file = JSON.parse(readFileSync(join(work, 't1', 'tune.json'), 'utf8'));
    expect(Object.keys(file.best)).toEqual(expect.arrayContaining(['alpha', 'temperature', 'npmi']));
    for (const t of file.trials) expect(Object.keys(t)).toEqual(expect.arrayContaining(['alpha', 'temperature', 'seed', 'npmi', 'cv', 'td', 'epochs']));
    // the search's best is the last rung's candidate, its NPMI the mean over the seeds of its full trainings
    const last = file.trials.filter((t: { rung: number }) => t.rung === 1);
    expect(last.every((t: { alpha: number; temperature: number }) => t.alpha === file.searchBest.alpha && t.temperature === file.searchBest.temperature)).toBe(true);
    expect(file.searchBest.npmi).toBeCloseTo((last[0].npmi + last[1].npmi) / 2, 12);
    expect(file.reference.bestPerSeed).toEqual(last.map((t: { npmi: number }) => t.npmi));
    // the defaults are the auto recipe's: T 4 and α from the corpus's mean document length
    const n = meanDocumentLength(loadDataset({}, corpus).bow);
    expect(file.reference.defaults).toMatchObject({ alpha: n / (n + 7.5), temperature: 4, recipe: 'auto' });
    // best: whichever of the search's best and the defaults scored higher at full epochs
    const winner = file.reference.defaults.npmi > file.searchBest.npmi ? { ...file.reference.defaults, from: 'defaults' } : { ...file.searchBest, from: 'search' };
    expect(file.best).toMatchObject({ alpha: winner.alpha, temperature: winner.temperature, npmi: winner.npmi, from: winner.from });
    expect(file.reference.alone.perSeed).toHaveLength(2);
    expect(file.space).toEqual({ alpha: [0.1, 0.9], temperature: [1, 5] });
    const page = readFileSync(join(work, 't1', 'report.html'), 'utf8');
    expect(page).toMatch(/<svg id="tune-plot"/);
    expect(page.match(/class="trial"/g)).toHaveLength(4 + 1); // one point per candidate and rung
    expect(page).toContain(`α=${file.best.alpha}, T=${file.best.temperature}`);
  }, 300_000);

  it('bad ranges and a teacher of another corpus: usage errors that say what to give', async () => {
    const r1 = await topickd(['tune', ...search, '--alpha', '0.9:0.1', '--out', join(work, 'bad1')], work);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--alpha must be LOW:HIGH with LOW ≤ HIGH/);
    const r2 = await topickd(['tune', ...search, '--alpha', '0.5:1.5', '--out', join(work, 'bad2')], work);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--alpha must lie in \[0, 1\]/);
    const other = join(work, 'other.txt');
    // the corpus is read over the teacher's vocabulary (as distill and tkd.distill read it): one with none of its words is refused
    writeFileSync(other, 'qqq zzz\nxxyy wwvv\nvvv\n');
    const r3 = await topickd(['tune', ...search.map((a) => (a === corpus ? other : a)), '--out', join(work, 'bad3')], work);
    expect(r3.code).not.toBe(0);
    expect(r3.stderr).toMatch(/none of the 3 documents of .*other\.txt has a word of the model's vocabulary \(\d+ words\)/);
    expect(existsSync(join(work, 'bad3'))).toBe(false);
  }, 120_000);

  it('experiment --tune: each K is tuned on its teacher, and its distilled students use the best α and T', async () => {
    const out = join(work, 'exp');
    const res = ok(await topickd(['experiment', '--dataset', corpus, '--topics', '4', '--seeds', '0,1', '--epochs', '3', '--teacher-hidden', '30', '--student-hidden', '10', '--tune', '--tune-trials', '3', '--tune-seeds', '0', '--jobs', '1', '--out', out, '--json', ...common], work)).json();
    const tuned = JSON.parse(readFileSync(join(out, 'K4-tune', 'tune.json'), 'utf8'));
    const distilled = res.runs.filter((r: { role: string }) => r.role === 'distilled');
    expect(distilled).toHaveLength(2);
    for (const d of distilled) expect({ alpha: d.alpha, temperature: d.temperature }).toEqual({ alpha: tuned.best.alpha, temperature: tuned.best.temperature });
    expect(tuned.trials).toHaveLength(3 + 1);
    const bad = await topickd(['experiment', '--dataset', corpus, '--topics', '4', '--tune', '--alpha', '0.5', '--out', join(work, 'exp-bad')], work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tune searches α and T: drop --alpha\/--temperature/);
  }, 300_000);

  it('--ce-logits pre-bn: the paper\'s soft labels change the distilled students, are recorded, and are checked', async () => {
    const grid = ['experiment', '--dataset', corpus, '--topics', '4', '--seeds', '0', '--epochs', '3', '--teacher-hidden', '30', '--student-hidden', '10', '--alpha', '0.8', '--temperature', '2', '--jobs', '1', '--json', ...common];
    const post = ok(await topickd([...grid, '--out', join(work, 'ce-post')], work)).json();
    const pre = ok(await topickd([...grid, '--ce-logits', 'pre-bn', '--out', join(work, 'ce-pre')], work)).json();
    const row = (r: { runs: { role: string; finalLoss: number; npmi: number; trainSeconds: number }[] }, role: string) => r.runs.find((x) => x.role === role)!;
    expect(pre.lossOptions).toEqual({ ce: { logits: 'pre-bn' } });
    expect(post.lossOptions).toBeUndefined();
    // the same teacher and student alone; another distilled student
    expect(row(pre, 'teacher')).toEqual({ ...row(post, 'teacher'), trainSeconds: row(pre, 'teacher').trainSeconds });
    expect(row(pre, 'distilled').finalLoss).not.toBe(row(post, 'distilled').finalLoss);
    expect(readFileSync(join(work, 'ce-pre', 'results.md'), 'utf8')).toMatch(/ce\(logits pre-bn\)×1/);
    const d = ok(await topickd(['distill', '--teacher', teacher, '--data', corpus, '--hidden', '10', '--epochs', '2', '--ce-logits', 'pre-bn', '--out', join(work, 'd-pre'), '--json', ...common], work)).json();
    expect(d.lossOptions).toEqual({ ce: { logits: 'pre-bn' } });
    expect(JSON.parse(readFileSync(join(work, 'd-pre', 'manifest.json'), 'utf8')).training.lossOptions).toEqual({ ce: { logits: 'pre-bn' } });
    const bad = await topickd(['distill', '--teacher', teacher, '--data', corpus, '--epochs', '1', '--ce-logits', 'before', '--out', join(work, 'd-bad')], work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--ce-logits must be pre-bn or post-bn, got "before"/);
    const noCe = await topickd(['distill', '--teacher', teacher, '--data', corpus, '--epochs', '1', '--losses', 'w2', '--ce-logits', 'pre-bn', '--out', join(work, 'd-bad2')], work);
    expect(noCe.code).toBe(2);
    expect(noCe.stderr).toMatch(/--ce-logits applies to the ce loss/);
  }, 300_000);
});

describe('topickd tune --topics: choosing K', () => {
  it('trains every K on every seed, recommends one by the stated rule; tune.json byK/recommendedK and the curves; the API gives the same', async () => {
    const out = join(work, 'k');
    const args = ['tune', '--data', corpus, '--topics', '3:7:2', '--model', 'prodlda', '--hidden', '20', '--seeds', '0,1', '--epochs', '4', ...common];
    const r = ok(await topickd([...args, '--out', out, '--json'], work)).json();
    expect(r.byK.map((p: { K: number }) => p.K)).toEqual([3, 5, 7]);
    expect(r.runs).toHaveLength(6);
    const file = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8'));
    for (const p of file.byK) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['K', 'npmi', 'cv', 'td', 'seeds', 'npmiSe']));
      expect(p.seeds.map((s: { seed: number }) => s.seed)).toEqual([0, 1]);
      // the mean over the seeds and its standard error
      expect(p.npmi).toBeCloseTo((p.seeds[0].npmi + p.seeds[1].npmi) / 2, 12);
      expect(p.npmiSe).toBeCloseTo(Math.abs(p.seeds[0].npmi - p.seeds[1].npmi) / 2, 12);
    }
    // the rule, checked independently: among K with TD ≥ 0.5, the smallest within one standard error of the best mean NPMI
    type P = { K: number; npmi: number; npmiSe: number; td: number };
    const diverse = (file.byK as P[]).filter((p) => p.td >= 0.5);
    const pool = diverse.length ? diverse : (file.byK as P[]);
    const best = pool.reduce((a, b) => (b.npmi > a.npmi ? b : a));
    expect(file.recommendedK).toBe(pool.find((p) => p.npmi >= best.npmi - best.npmiSe)!.K);
    expect(file.rule).toMatch(/one standard error/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg class="k-curve"/g)).toHaveLength(3);
    expect(html).toContain(`<b id="recommended-k">K = ${file.recommendedK}</b>`);
    // the API: tkd.tune({ data, topics }) — the same trainings, the same scores
    const generated = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(generated, { recursive: true });
    const program = join(generated, 'k-search-api.mjs');
    writeFileSync(
      program,
      `import { createTopicKD } from 'topickd';\nconst tkd = await createTopicKD({ cacheDir: ${JSON.stringify(join(work, 'cache'))} });\nconst r = await tkd.tune({ data: ${JSON.stringify(corpus)}, topics: [3, 5, 7], model: 'prodlda', hidden: [20], seeds: [0, 1], epochs: 4, out: ${JSON.stringify(join(work, 'k-api'))} });\nconsole.log(JSON.stringify(r));\n`,
    );
    const api = await nodeProgram(program, work);
    expect(api.status, api.stderr).toBe(0);
    const a = JSON.parse(api.stdout.trim().split('\n').at(-1)!);
    expect(a.byK.map(({ K, npmi, cv, td }: { K: number; npmi: number; cv: number; td: number }) => ({ K, npmi, cv, td }))).toEqual(
      file.byK.map(({ K, npmi, cv, td }: { K: number; npmi: number; cv: number; td: number }) => ({ K, npmi, cv, td })),
    );
    expect(a.recommendedK).toBe(file.recommendedK);
  }, 300_000);

  it('refusals: --topics with --teacher, a range of one K, K = 1, an α/T flag with --topics', async () => {
    const base = ['tune', '--data', corpus, '--out', join(work, 'k-bad'), ...common];
    const bad = async (extra: string[], re: RegExp) => {
      const r = await topickd([...base, ...extra], work);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
    };
    await bad(['--topics', '5:20', '--teacher', teacher], /--topics chooses K and takes no --teacher/);
    await bad(['--topics', '5'], /at least two values of K/);
    await bad(['--topics', '1:5'], /every K from 2 to/);
    await bad(['--topics', '5:20', '--alpha', '0.1:0.5'], /--alpha belongs to the α\/T search/);
    await bad([], /--teacher DIR \(the α\/T search\), or --topics LOW:HIGH to choose K/);
  }, 120_000);
});

