/**
 * Model kinds are open: a test-only plugin package (test/fixtures/toy-topic-model, ESM
 * only, outside core) registers the kind "toy-lda", and the application API trains it with
 * `tkd.fit`, saves and loads it, infers θ with it and distills a ZeroShotTM from it — in
 * its own Node process importing the built `topickd`, as a user's program would.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { runNode } from '../../../test-support/child-process.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const plugin = fileURLToPath(new URL('./fixtures/toy-topic-model', import.meta.url));
const corpus = fileURLToPath(new URL('../../cli/test/e2e/fixtures/m10-raw-300.jsonl', import.meta.url));
const dir = join(root, 'packages', 'topickd', 'test', '.generated');
const script = join(dir, 'open-model-kinds.mjs');
const work = mkdtempSync(join(tmpdir(), 'topickd-kinds-'));

const program = `
import { createTopicKD } from 'topickd';
const [plugin, corpus] = process.argv.slice(2);
const tkd = await createTopicKD({ backend: 'wasm', plugins: [plugin], cacheDir: 'cache' });
const out = { kinds: tkd.registry.modelNames() };
const toy = await tkd.fit(corpus, { model: 'toy-lda', topics: 6, epochs: 20, seed: 0 });
out.kind = toy.kind;
out.params = toy.params;
out.finalLoss = toy.training.finalLoss;
out.topics = toy.topics(5);
out.npmi = (await tkd.evaluate(toy, corpus, { metrics: ['npmi'] })).npmi.mean;
const texts = ['stock market prices fall', 'football match results'];
out.theta = await toy.transform(texts);
await toy.save('runs/toy');
const again = await tkd.load('runs/toy');
out.loadedKind = again.kind;
out.thetaAgain = await again.transform(texts);
const student = await tkd.distill(again, corpus, { model: 'zeroshot', hidden: [20], epochs: 2, seed: 0 });
out.student = { kind: student.kind, params: student.params, topics: student.topics(5).length };
console.log(JSON.stringify(out));
`;

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(script, program);
});

describe('open model kinds', () => {
  it('a plugin package registers a new kind; tkd.fit trains it; save → load → transform and distill from it work', async () => {
    const r = await runNode(script, [plugin, corpus], { cwd: work, timeoutMs: 600_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.kinds).toEqual(expect.arrayContaining(['combined', 'zeroshot', 'toy-lda']));
    expect(out.kind).toBe('toy-lda');
    expect(out.loadedKind).toBe('toy-lda');
    expect(Number.isFinite(out.finalLoss)).toBe(true);
    expect(out.topics).toHaveLength(6);
    expect(out.topics.every((t: string[]) => t.length === 5 && t.every((w) => typeof w === 'string' && w.length > 0))).toBe(true);
    expect(Number.isFinite(out.npmi)).toBe(true);
    expect(out.theta).toHaveLength(2);
    for (const row of out.theta) expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
    expect(out.thetaAgain).toEqual(out.theta); // the loaded model is the saved one
    expect(out.student).toEqual({ kind: 'zeroshot', params: expect.any(Number), topics: 6 });
  }, 600_000);
});
