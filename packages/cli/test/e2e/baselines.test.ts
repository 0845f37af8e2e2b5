/**
 * The baseline model kinds of @topickd/models-classic as a user runs them: one new process
 * per command. LDA reads the bag of words alone (no encoder runs), BERTopic and ETM use the
 * encoder; each saves, infers and evaluates like core's models.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtCliExists, ok, RAW_CORPUS, scratchDir, topickd } from './helpers.js';

const work = scratchDir('baselines');
const cache = join(work, 'cache');
const corpus = join(work, 'titles.jsonl');
const newTexts = join(work, 'new.txt');
const common = ['--cache-dir', cache];

beforeAll(() => {
  expect(builtCliExists(), 'the CLI is built (pnpm test builds first)').toBe(true);
  writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
  writeFileSync(newTexts, 'Gene expression in plant cells under drought stress\nMarket volatility and stock returns\n');
});

const rowsSumToOne = (theta: number[][]) => theta.every((r) => Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-4);

describe('baseline model kinds, each command in a fresh process', () => {
  const lda = join(work, 'lda');

  it('fit --model lda: no encoder runs; the model infers (seeded, the same twice) and evaluates from its folder', async () => {
    const r = ok(await topickd(['fit', '--data', corpus, '--model', 'lda', '--topics', '5', '--seed', '0', '--out', lda, '--json', ...common], work));
    const j = r.json();
    expect(j).toMatchObject({ model: 'lda', topics: 5, epochs: 10, documents: 300, encoder: 'none' });
    expect(j.params).toBe(5 * j.vocabularySize + 5);
    expect(r.stderr).not.toMatch(/embedding/);
    const manifest = JSON.parse(readFileSync(join(lda, 'manifest.json'), 'utf8'));
    expect(manifest.encoder).toEqual({ id: 'none', dim: 0, type: 'none' });
    const a = ok(await topickd(['infer', '--model', lda, '--input', newTexts, '--json', ...common], work));
    const b = ok(await topickd(['infer', '--model', lda, '--input', newTexts, '--json', ...common], work));
    expect(a.stderr).not.toMatch(/embedding/);
    expect(a.json().theta).toHaveLength(2);
    expect(rowsSumToOne(a.json().theta)).toBe(true);
    expect(a.json().theta).toEqual(b.json().theta);
    const e = ok(await topickd(['evaluate', '--corpus', corpus, '--topics', lda, '--json', ...common], work)).json();
    expect(Number.isFinite(e.npmi.mean)).toBe(true);
  });

  it('--model-options sets the kind\'s own settings, checked by name; an LDA teaches through ce but cannot be a student', async () => {
    const j = ok(await topickd(['fit', '--data', corpus, '--model', 'lda', '--topics', '5', '--model-options', 'passes=2,chunksize=100', '--out', join(work, 'lda2'), '--json', ...common], work)).json();
    expect(j.epochs).toBe(2);
    const manifest = JSON.parse(readFileSync(join(work, 'lda2', 'manifest.json'), 'utf8'));
    expect(manifest.config.options).toEqual({ passes: 2, chunksize: 100 });
    const bad = await topickd(['fit', '--data', corpus, '--model', 'lda', '--topics', '5', '--model-options', 'pases=2', '--out', join(work, 'lda3'), ...common], work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown LDA option "pases"; LDA takes: passes, iterations/);
    // an LDA teaches through the loss that reads its word distribution (ce); it cannot be the student
    const teach = ok(await topickd(['distill', '--teacher', lda, '--data', corpus, '--student', 'zeroshot', '--epochs', '1', '--out', join(work, 'from-lda'), '--json', ...common], work)).json();
    expect(teach.lossWeights).toEqual({ ce: 1 });
    const student = await topickd(['distill', '--teacher', lda, '--data', corpus, '--student', 'lda', '--epochs', '1', '--out', join(work, 'lda-student'), ...common], work);
    expect(student.code).toBe(2);
    expect(student.stderr).toMatch(/a student of knowledge distillation must be a neural topic model/);
  });

  it('fit --model bertopic and --model etm: the encoder runs; both infer θ for new text and evaluate', async () => {
    for (const [kind, extra] of [['bertopic', []], ['etm', ['--epochs', '2']]] as const) {
      const dir = join(work, kind);
      const j = ok(await topickd(['fit', '--data', corpus, '--model', kind, '--topics', '5', '--seed', '1', ...extra, '--out', dir, '--json', ...common], work)).json();
      expect(j).toMatchObject({ model: kind, topics: 5, documents: 300 });
      expect(j.topicWords).toHaveLength(5);
      const t = ok(await topickd(['infer', '--model', dir, '--input', newTexts, '--json', ...common], work)).json();
      expect(t.theta).toHaveLength(2);
      expect(rowsSumToOne(t.theta)).toBe(true);
      const e = ok(await topickd(['evaluate', '--corpus', corpus, '--topics', dir, '--json', ...common], work)).json();
      expect(Number.isFinite(e.npmi.mean)).toBe(true);
    }
  });
});
