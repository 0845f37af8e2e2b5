/**
 * Every command, as a user runs it: one new process per command (the linked `topickd`
 * launcher), on a small raw corpus and few epochs, on every backend this machine has
 * (wasm and cpu always; node where its engine is built). Exit codes and the --json
 * output fields are the contract checked here.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '@topickd/core';
import { builtCliExists, ok, RAW_CORPUS, REPO, scratchDir, topickd, topickdSync } from './helpers.js';

const work = scratchDir('commands');
const cache = join(work, 'cache');
const corpus = join(work, 'titles.jsonl');
// the cpu backend embeds at ~2 documents/s, and the embedding cache keeps each backend's rows
// apart (never another backend's bits): its block runs on the first 60 titles
const cpuCorpus = join(work, 'titles-60.jsonl');
const newTexts = join(work, 'new.txt');
const NEW = ['Gene expression in plant cells under drought stress', 'Neural networks for image classification', 'Market volatility and stock returns'];

const backends = ['wasm', 'cpu'];
const probe = builtCliExists() ? topickdSync(['info', '--json'], work) : undefined;
const nodeEngine = probe?.code === 0 ? (probe.json().nodeEngine as string | null) : null;
if (nodeEngine) backends.push('node');

beforeAll(async () => {
  expect(builtCliExists(), 'the CLI is built (pnpm test builds first)').toBe(true);
  writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
  writeFileSync(cpuCorpus, readFileSync(RAW_CORPUS, 'utf8').trim().split('\n').slice(0, 60).join('\n') + '\n');
  writeFileSync(newTexts, NEW.join('\n') + '\n');
  // Embed once on wasm into the shared cache, which the wasm block's commands then read
  const r = ok(await topickd(['embed', '--input', corpus, '--out', join(work, 'corpus.npy'), '--cache-dir', cache, '--json'], work));
  expect(r.json().rows).toBe(300);
  ok(await topickd(['embed', '--input', newTexts, '--out', join(work, 'new.npy'), '--cache-dir', cache, '--json'], work));
}, 300_000);

describe.each(backends)('every command in a fresh process, --backend %s', (backend) => {
  const dir = join(work, backend);
  const corpus = backend === 'cpu' ? cpuCorpus : join(work, 'titles.jsonl');
  const N = backend === 'cpu' ? 60 : 300;
  const common = ['--backend', backend, '--cache-dir', cache];
  const teacher = join(dir, 'teacher');
  const alone = join(dir, 'alone');
  const student = join(dir, 'student');

  it('fit --model combined (the teacher) and --model zeroshot: model folder, theta.npy, JSON fields', async () => {
    const r = ok(await topickd(['fit', '--data', corpus, '--model', 'combined', '--topics', '5', '--epochs', '2', '--out', teacher, '--json', ...common], work));
    const j = r.json();
    expect(j).toMatchObject({ model: 'combined', topics: 5, epochs: 2, backend, out: teacher, documents: N });
    expect(j.params).toBeGreaterThan(10_000);
    expect(Number.isFinite(j.finalLoss)).toBe(true);
    expect(j.topicWords).toHaveLength(5);
    const manifest = JSON.parse(readFileSync(join(teacher, 'manifest.json'), 'utf8'));
    expect(manifest.preprocessing).toMatchObject({ tokenizer: 'unicode-words', lowercase: true, stopwords: 'english', vocabularySize: 2000 });
    const theta = decodeNpy(new Uint8Array(readFileSync(join(teacher, 'theta.npy'))));
    const index = JSON.parse(readFileSync(join(teacher, 'theta.json'), 'utf8'));
    expect([theta.rows, theta.cols]).toEqual([N, 5]);
    expect(index.documents).toHaveLength(N);
    expect(index.corpusDocuments).toBe(N);
    for (let i = 0; i < theta.rows; i++) expect(theta.data.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);

    const z = ok(await topickd(['fit', '--data', corpus, '--model', 'zeroshot', '--topics', '5', '--epochs', '2', '--hidden', '50', '--out', alone, '--json', ...common], work)).json();
    expect(z).toMatchObject({ model: 'zeroshot', topics: 5, backend });
    expect(z.params).toBeLessThan(j.params);
    expect(existsSync(join(alone, 'theta.npy'))).toBe(true);
  });

  it('distill: a small zeroshot student from the teacher', async () => {
    const j = ok(await topickd(['distill', '--teacher', teacher, '--data', corpus, '--student', 'zeroshot', '--hidden', '50', '--alpha', '0.8', '--temperature', '4', '--epochs', '2', '--out', student, '--json', ...common], work)).json();
    expect(j).toMatchObject({ model: 'zeroshot', topics: 5, alpha: 0.8, temperature: 4, recipe: 'given', backend, out: student });
    expect(j.teacherParams).toBeGreaterThan(j.params);
    expect(existsSync(join(student, 'theta.npy'))).toBe(true);
  });

  it.runIf(backend === 'wasm')('any model can teach: an LDA teacher through ce, two teachers together; w2 from a teacher without a posterior is refused', async () => {
    const lda = join(dir, 'lda-teacher');
    ok(await topickd(['fit', '--data', corpus, '--model', 'lda', '--topics', '5', '--out', lda, '--quiet', ...common], work));
    const fromLda = ok(await topickd(['distill', '--teacher', lda, '--data', corpus, '--hidden', '50', '--epochs', '2', '--out', join(dir, 'from-lda'), '--json', ...common], work)).json();
    expect(fromLda).toMatchObject({ lossWeights: { ce: 1 }, recipe: 'auto', teachers: [{ kind: 'lda' }] });
    const both = ok(await topickd(['distill', '--teacher', `${teacher},${lda}`, '--data', corpus, '--hidden', '50', '--epochs', '2', '--out', join(dir, 'from-both'), '--json', ...common], work)).json();
    expect(both.lossWeights).toEqual({ w2: 1, ce: 1 });
    expect(both.teachers.map((t: { kind: string }) => t.kind)).toEqual(['combined', 'lda']);
    const manifest = JSON.parse(readFileSync(join(dir, 'from-both', 'manifest.json'), 'utf8'));
    expect(manifest.training.teachers).toHaveLength(2);
    const refused = await topickd(['distill', '--teacher', lda, '--data', corpus, '--losses', 'w2,ce', '--epochs', '1', '--out', join(dir, 'from-lda-w2'), ...common], work);
    expect(refused.code, String(refused)).toBe(2);
    expect(refused.stderr).toMatch(/loss "w2" reads the teacher's posterior .* a "lda" teacher does not have/);
  });

  it('topics --model DIR --top N', async () => {
    const j = ok(await topickd(['topics', '--model', student, '--top', '7', '--json', ...common], work)).json();
    expect(j.model).toBe(student);
    expect(j.topics).toBe(5);
    expect(j.topicWords).toHaveLength(5);
    for (const t of j.topicWords) expect(t).toHaveLength(7);
    const text = ok(await topickd(['topics', '--model', student, '--top', '3', ...common], work)).stdout.trim().split('\n');
    expect(text).toHaveLength(5);
    expect(text[0]).toMatch(/^topic 0: \S+ \S+ \S+$/);
  });

  it('infer on new text with the student (embeddings only) and the teacher (BoW + embeddings)', async () => {
    for (const model of [student, teacher]) {
      const j = ok(await topickd(['infer', '--model', model, '--input', newTexts, '--json', ...common], work)).json();
      expect(j.documents).toBe(NEW.length);
      expect(j.topics).toBe(5);
      for (const row of j.theta as number[][]) {
        expect(row).toHaveLength(5);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
    }
  });

  it('evaluate a model folder on the raw training text: the NPMI that report prints', async () => {
    const e = ok(await topickd(['evaluate', '--corpus', corpus, '--topics', student, '--json', ...common], work)).json();
    expect(e.preprocessing).toBe('model');
    expect(e.documents).toBe(N);
    for (const m of ['npmi', 'cv', 'umass', 'uci', 'td', 'irbo']) expect(Number.isFinite(e[m].mean)).toBe(true);
    const out = join(dir, 'report.html');
    const r = ok(await topickd(['report', '--model', `${student},${alone}`, '--teacher', teacher, '--corpus', corpus, '--out', out, '--json', ...common], work)).json();
    expect(r.out).toBe(out);
    expect(r.models.map((m: { name: string }) => m.name)).toEqual(['teacher', 'student', 'alone']);
    for (const m of r.models) for (const k of ['name', 'kind', 'params', 'npmi', 'cv', 'td']) expect(m).toHaveProperty(k);
    expect(Math.abs(r.models[1].npmi - e.npmi.mean)).toBeLessThanOrEqual(1e-9);
    expect(statSync(out).size).toBeGreaterThan(5_000);
  });

  it('evaluate a JSON topic list against raw text: default preprocessing, and it says so', async () => {
    const topicsFile = join(dir, 'topics.json');
    writeFileSync(topicsFile, JSON.stringify([['gene', 'expression', 'plant'], ['network', 'neural', 'learning']]));
    const r = ok(await topickd(['evaluate', '--corpus', corpus, '--topics', topicsFile, '--topn', '3', '--metrics', 'npmi,td', '--skip-unknown', '--json', ...common], work));
    expect(r.json().preprocessing).toBe('default');
    expect(r.stderr).toMatch(/tokenized with the defaults/);
  });

  it('export: a web bundle with the model and the bundled encoder files', async () => {
    const out = join(dir, 'bundle');
    const j = ok(await topickd(['export', '--model', student, '--out', out, '--json', ...common], work)).json();
    expect(j).toMatchObject({ format: 'topickd-bundle', kind: 'zeroshot', topics: 5 });
    expect(existsSync(join(out, 'model', 'manifest.json'))).toBe(true);
    expect(existsSync(join(out, 'encoder', 'use', 'model.json'))).toBe(true);
    // a second export replaces the bundle in place
    ok(await topickd(['export', '--model', student, '--out', out, '--no-encoder', '--json', ...common], work));
    expect(existsSync(join(out, 'encoder'))).toBe(false);
  });

  it('embed and info', async () => {
    const npy = join(dir, 'new.npy');
    const e = ok(await topickd(['embed', '--input', newTexts, '--out', npy, '--json', ...common], work)).json();
    expect(e).toMatchObject({ rows: NEW.length, dim: 512, computed: 0, out: npy });
    const m = decodeNpy(new Uint8Array(readFileSync(npy)));
    expect([m.rows, m.cols]).toEqual([NEW.length, 512]);
    const i = ok(await topickd(['info', '--json', '--backend', backend], work)).json();
    expect(i.activeBackend).toBe(backend);
    expect(i.models).toEqual(expect.arrayContaining(['combined', 'zeroshot']));
    // the config file's JSON Schema, printed as shipped
    const schema = ok(await topickd(['info', '--config-schema'], work)).json();
    expect(schema).toEqual(JSON.parse(readFileSync(join(REPO, 'packages', 'topickd', 'topickd.config.schema.json'), 'utf8')));
  });

  it('experiment and demo on the small corpus', async () => {
    const out = join(dir, 'exp');
    const j = ok(await topickd(['experiment', '--dataset', corpus, '--topics', '4', '--seeds', '0,1', '--epochs', '1', '--jobs', '1', '--baselines', 'prodlda', '--out', out, '--json', ...common], work)).json();
    expect(j.runs.map((r: { role: string }) => r.role)).toEqual(['teacher', 'student', 'baseline', 'distilled', 'teacher', 'student', 'baseline', 'distilled']);
    expect(j.runs.filter((r: { role: string }) => r.role === 'baseline').map((r: { model: string }) => r.model)).toEqual(['prodlda', 'prodlda']);
    // paired comparisons of the distilled student, with bootstrap intervals, and the machine
    const written = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(written.comparisons.map((c: { pair: string }) => c.pair).sort()).toEqual(['distilled − baseline:prodlda', 'distilled − student', 'distilled − teacher']);
    for (const c of written.comparisons) {
      expect(c.seeds).toEqual([0, 1]);
      expect(c.interval95[0]).toBeLessThanOrEqual(c.meanDifference);
      expect(c.interval95[1]).toBeGreaterThanOrEqual(c.meanDifference);
    }
    expect(typeof written.machine.cpu).toBe('string');
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/paired bootstrap 95% interval/);
    for (const f of ['results.json', 'results.md', 'report.html', 'report.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/± /);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.models.map((m: { role: string }) => m.role)).toEqual(['teacher', 'student', 'distilled', 'baseline', 'teacher', 'student', 'distilled', 'baseline']);
    const demo = ok(await topickd(['demo', '--data', corpus, '--epochs', '1', '--topics', '4', '--out', join(dir, 'demo'), ...common], work));
    expect(demo.stdout).toMatch(/teacher [\d,]+ params, NPMI -?\d\.\d{4} \| student alone [\d,]+ params/);
    expect(demo.stdout).not.toMatch(/± 0\.0000/);
    // the default recipe, and this run's difference beside what a grid says (none committed for this corpus)
    expect(demo.stdout).toMatch(/distilled − alone, this run \(one seed, 1 epoch, α 0\.\d{3}, T 4, recipe auto\): [+−]\d\.\d{4}/);
    expect(demo.stdout).toMatch(/no committed grid for this corpus, K, recipe and number of epochs/);
    expect(demo.stderr).not.toMatch(/Hi, looks like you are running TensorFlow\.js/);
    const demoReport = JSON.parse(readFileSync(join(dir, 'demo', 'report.json'), 'utf8'));
    expect(demoReport.models.map((m: { role: string }) => m.role)).toEqual(['teacher', 'student', 'distilled']);
  });
});

describe('usage errors of the commands on saved models, in a fresh process', () => {
  it('--samples 0, --top 0 and a missing model folder: exit 2 or 1 with one line', async () => {
    const model = join(work, 'wasm', 'student');
    if (!existsSync(model)) return; // the wasm block above failed; it reports why
    const s = await topickd(['infer', '--model', model, '--input', newTexts, '--samples', '0', '--cache-dir', cache], work);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^topickd: error: --samples must be a positive integer, got 0\n$/);
    expect((await topickd(['topics', '--model', model, '--top', '0'], work)).code).toBe(2);
    const missing = await topickd(['topics', '--model', join(work, 'nope')], work);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/is not a model directory/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
