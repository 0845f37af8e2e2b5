/**
 * Two `createTopicKD` instances in one process never affect each other: each operation runs on
 * its own instance's backend and options (instance-gate.ts). For each pair of configurations a
 * program trains and infers with A alone, with B alone, and with A and B interleaved (both
 * instances' fit / transform / topics / evaluate in flight together through Promise.all), each
 * in its own Node process importing the built `topickd`; the interleaved results must equal the
 * single-instance ones exactly (weights' loss, θ, topics).
 */
import { describe, it, expect } from 'vitest';
import { runNode } from '../../../test-support/child-process.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = fileURLToPath(new URL('../../cli/test/e2e/fixtures/m10-raw-300.jsonl', import.meta.url));
const dir = join(root, 'packages', 'topickd', 'test', '.generated');
const script = join(dir, 'instance-isolation.mjs');
const work = mkdtempSync(join(tmpdir(), 'topickd-isolation-'));

const program = `
import { createTopicKD } from 'topickd';
const [mode, a, b, corpus] = process.argv.slice(2);
const texts = ['stock market prices fall', 'football match results', 'gene protein expression cell'];
async function job(tkd, model) {
  const m = await tkd.fit(corpus, { model, topics: 6, epochs: 3, seed: 1, hidden: [20] });
  const theta = await m.transform(texts);
  const topics = m.topics(5);
  const npmi = (await tkd.evaluate(m, corpus, { metrics: ['npmi'] })).npmi.mean;
  return { loss: m.training.finalLoss, theta, topics, npmi, tfjs: tkd.backend.tfjsBackend };
}
const specs = { a: JSON.parse(a), b: JSON.parse(b) };
const out = {};
if (mode !== 'both') out[mode] = await job(await createTopicKD(specs[mode].config), specs[mode].model);
else {
  const ta = await createTopicKD(specs.a.config);
  const tb = await createTopicKD(specs.b.config);
  [out.a, out.b] = await Promise.all([job(ta, specs.a.model), job(tb, specs.b.model)]);
}
console.log(JSON.stringify(out));
`;

interface Spec {
  config: Record<string, unknown>;
  model: string;
}
async function run(mode: 'a' | 'b' | 'both', a: Spec, b: Spec): Promise<Record<'a' | 'b', { loss: number; theta: number[][]; topics: string[][]; npmi: number; tfjs: string }>> {
  const r = await runNode(script, [mode, JSON.stringify(a), JSON.stringify(b), corpus], { cwd: work, timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`${mode}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

mkdirSync(dir, { recursive: true });
writeFileSync(script, program);
const cache = join(work, 'cache');
// ProdLDA (no encoder) keeps the cpu backend's runs short; CombinedTM on wasm exercises the encoder path
const wasm = (backendOptions?: Record<string, unknown>, model = 'combined'): Spec => ({ config: { backend: 'wasm', cacheDir: cache, ...(backendOptions ? { backendOptions: { wasm: backendOptions } } : {}) }, model });
const cpu: Spec = { config: { backend: 'cpu', cacheDir: cache }, model: 'prodlda' };
const node: Spec = { config: { backend: 'node', cacheDir: cache }, model: 'prodlda' };
const PAIRS: [string, Spec, Spec][] = [
  ['wasm + cpu', wasm(), cpu],
  ['cpu + wasm', cpu, wasm()],
  ['node + cpu', node, cpu],
  ['two wasm option sets (TopicKD product on 2 threads; XNNPACK)', wasm({ threads: 2 }), wasm({ simdMatMul: false, simdAdam: false })],
];

describe('instances are isolated', () => {
  for (const [name, a, b] of PAIRS) {
    it(`${name}: interleaved operations give each instance's results alone, exactly`, async () => {
      const alone = { ...(await run('a', a, b)), ...(await run('b', a, b)) };
      const both = await run('both', a, b);
      for (const k of ['a', 'b'] as const) {
        expect(both[k].tfjs, k).toBe(alone[k].tfjs);
        expect(both[k].loss, k).toBe(alone[k].loss);
        expect(both[k].theta, k).toEqual(alone[k].theta);
        expect(both[k].topics, k).toEqual(alone[k].topics);
        expect(both[k].npmi, k).toBe(alone[k].npmi);
      }
      // the pair really differs (else the test could not see one instance leak into the other)
      expect(alone.a.theta).not.toEqual(alone.b.theta);
    }, 300_000);
  }
});
