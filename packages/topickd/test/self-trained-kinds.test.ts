/**
 * Self-trained model kinds (LDA) through the application API, in a Node process importing the
 * built `topickd` as a user's program would: tkd.fit with the kind's own settings, no encoder
 * run, transform, save → load (θ identical), evaluate; it teaches a student through the ce loss, and a
 * loss that needs a posterior is a typed error.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { runNode } from '../../../test-support/child-process.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = fileURLToPath(new URL('../../cli/test/e2e/fixtures/m10-raw-300.jsonl', import.meta.url));
const dir = join(root, 'packages', 'topickd', 'test', '.generated');
const script = join(dir, 'self-trained-kinds.mjs');
const work = mkdtempSync(join(tmpdir(), 'topickd-self-'));

const program = `
import { existsSync } from 'node:fs';
import { createTopicKD, isTopicKDError } from 'topickd';
const [corpus] = process.argv.slice(2);
const events = [];
const tkd = await createTopicKD({ cacheDir: 'cache', onProgress: (e) => events.push(e.type === 'training' ? 'training:' + e.event.type : e.type) });
const lda = await tkd.fit(corpus, { model: 'lda', modelOptions: { passes: 3, chunksize: 100 }, topics: 5, seed: 2 });
const out = { kind: lda.kind, params: lda.params, training: lda.training, encoder: lda.encoder, embedded: existsSync('cache'), events: [...new Set(events)] };
const texts = ['gene expression in plant cells', 'stock market returns and volatility'];
out.theta = await lda.transform(texts);
await lda.save('runs/lda');
const again = await tkd.load('runs/lda');
out.thetaAgain = await again.transform(texts);
out.npmi = (await tkd.evaluate(again, corpus, { metrics: ['npmi'] })).npmi.mean;
// an LDA model teaches through the losses that read its word distribution (ce, of the defaults)
const student = await tkd.distill(again, corpus, { model: 'zeroshot', epochs: 1 });
out.distill = { kind: student.kind, role: student.training.role, recipe: student.training.recipe };
try {
  await tkd.distill(again, corpus, { model: 'zeroshot', epochs: 1, losses: ['w2'] });
  out.w2 = 'no error';
} catch (e) {
  out.w2 = { typed: isTopicKDError(e), code: e.code, message: e.message };
}
console.log(JSON.stringify(out));
`;

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(script, program);
});

describe('self-trained model kinds through the API', () => {
  it('tkd.fit({ model: "lda", modelOptions }) trains without an encoder; transform, save → load, evaluate; it teaches through ce', async () => {
    const r = await runNode(script, [corpus], { cwd: work, timeoutMs: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.kind).toBe('lda');
    expect(out.training.epochs).toBe(3);
    expect(out.encoder).toEqual({ id: 'none', dim: 0, type: 'none' });
    expect(out.embedded).toBe(false);
    expect(out.events).toEqual(expect.arrayContaining(['training:start', 'training:epoch']));
    expect(out.events).not.toContain('embedding');
    expect(out.theta).toHaveLength(2);
    expect(out.thetaAgain).toEqual(out.theta);
    expect(Number.isFinite(out.npmi)).toBe(true);
    expect(out.distill).toEqual({ kind: 'zeroshot', role: 'distilled', recipe: 'auto' });
    // a loss that reads the posterior it does not have is a typed error
    expect(out.w2).toMatchObject({ typed: true, code: 'CONFIG_INVALID' });
    expect(out.w2.message).toMatch(/loss "w2" reads the teacher's posterior/);
  });
});
