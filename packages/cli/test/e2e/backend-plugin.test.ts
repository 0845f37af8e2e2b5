/**
 * A new backend is a package and a line of config: the test-only plugin `fixtures/toy-backend`
 * (tfjs's JavaScript kernels under a tfjs backend of its own, written outside TopicKD's
 * packages) is named in a config file, and `fit`, `infer --threads 2` and `info` run on it as
 * a user types them. Its capabilities come from its own `activate()` (no worker threads: θ is
 * inferred on the main thread); nothing in TopicKD branches on its name.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, RAW_CORPUS, scratchDir, topickd } from './helpers.js';

const plugin = fileURLToPath(new URL('./fixtures/toy-backend', import.meta.url));

describe('a backend package added by config alone', () => {
  it('fit and infer run on it, and info lists it as the active backend', async () => {
    const work = scratchDir('toy-backend');
    const config = join(work, 'topickd.config.json');
    writeFileSync(config, JSON.stringify({ backend: 'toy', plugins: [plugin] }));
    const corpus = join(work, 'titles.jsonl');
    writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
    const info = ok(await topickd(['info', '--config', config, '--json'], work)).json();
    expect(info).toMatchObject({ activeBackend: 'toy', tfjsBackend: 'toy-js' });
    expect(info.backends).toContain('toy');
    const fit = ok(await topickd(['fit', '--config', config, '--data', corpus, '--model', 'prodlda', '--topics', '5', '--epochs', '3', '--out', join(work, 'model'), '--json'], work)).json();
    expect(fit.backend).toBe('toy');
    const manifest = JSON.parse(readFileSync(join(work, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.training.backend).toBe('toy');
    // 1,200 documents: more than two inference batches, so --threads 2 would split them, but the
    // backend says it does not run in worker threads (workerThreads: false): θ on this thread
    const titles = readFileSync(RAW_CORPUS, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    const input = join(work, 'texts.txt');
    writeFileSync(input, [0, 1, 2, 3].flatMap(() => titles).join('\n') + '\n');
    const inferred = ok(await topickd(['infer', '--config', config, '--model', join(work, 'model'), '--input', input, '--threads', '2', '--json'], work)).json();
    expect(inferred).toMatchObject({ model: 'prodlda', documents: 1200, threads: 1 });
    expect(inferred.theta).toHaveLength(1200);
    for (const theta of inferred.theta as number[][]) {
      expect(theta).toHaveLength(5);
      expect(Math.abs(theta.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    }
    // the same θ as the wasm backend up to rounding: the toy backend computes, not just answers
    const onWasm = ok(await topickd(['infer', '--backend', 'wasm', '--model', join(work, 'model'), '--input', input, '--json'], work)).json();
    const diff = Math.max(...(inferred.theta as number[][]).flatMap((row, i) => row.map((v, k) => Math.abs(v - onWasm.theta[i][k]))));
    expect(diff).toBeLessThan(1e-4);
  }, 180_000);
});
