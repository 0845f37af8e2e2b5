/**
 * An encoder's settings travel with the model: a model trained with a plugin encoder's option
 * (`{ type: "toy-hash", dim: 16 }`, fixtures/toy-hash-encoder) records it in its manifest, and
 * `transform` in a new instance configured with no encoder, and `topickd infer` as a spawned
 * command, create the same encoder again from it — the same θ, no "embeddings have 32
 * dimensions but the model was trained on 16".
 */
import { describe, it, expect } from 'vitest';
import { runNode } from '../../../test-support/child-process.js';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const plugin = fileURLToPath(new URL('./fixtures/toy-hash-encoder', import.meta.url));
const corpus = fileURLToPath(new URL('../../cli/test/e2e/fixtures/m10-raw-300.jsonl', import.meta.url));
const bin = join(root, 'packages', 'cli', 'bin', 'topickd.mjs');
const dir = join(root, 'packages', 'topickd', 'test', '.generated');
const script = join(dir, 'encoder-options.mjs');

const program = `
import { createTopicKD } from 'topickd';
const [plugin, corpus, texts] = process.argv.slice(2);
const docs = JSON.parse(texts);
const tkd = await createTopicKD({ plugins: [plugin], encoder: { type: 'toy-hash', dim: 16 }, cacheDir: 'cache' });
const model = await tkd.fit(corpus, { model: 'zeroshot', topics: 4, epochs: 2, seed: 0, hidden: [10] });
const theta = await model.transform(docs);
await model.save('model');
const fresh = await createTopicKD({ plugins: [plugin], cacheDir: 'cache2' });
const again = await fresh.load('model');
console.log(JSON.stringify({ theta, again: await again.transform(docs) }));
`;

describe('encoder settings saved with the model', () => {
  it('transform in a new instance and infer from the CLI recreate the encoder with its options', async () => {
    const work = mkdtempSync(join(tmpdir(), 'topickd-encoder-options-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(script, program);
    const docs = ['stock market prices fall', 'football match results', 'gene protein expression in plant cells'];
    const r = await runNode(script, [plugin, corpus, JSON.stringify(docs)], { cwd: work, timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.theta[0]).toHaveLength(4);
    expect(out.again).toEqual(out.theta);
    const manifest = JSON.parse(readFileSync(join(work, 'model', 'manifest.json'), 'utf8'));
    expect(manifest.encoder).toMatchObject({ id: 'toy-hash-16', dim: 16, type: 'toy-hash', options: { dim: 16 } });
    writeFileSync(join(work, 'config.json'), JSON.stringify({ plugins: [plugin] }));
    writeFileSync(join(work, 'texts.txt'), docs.join('\n') + '\n');
    const cli = await runNode(bin, ['infer', '--config', 'config.json', '--model', 'model', '--input', 'texts.txt', '--json'], { cwd: work, timeoutMs: 120_000 });
    expect(cli.status, cli.stderr).toBe(0);
    const inferred = JSON.parse(cli.stdout);
    const diff = Math.max(...(inferred.theta as number[][]).flatMap((row, i) => row.map((v, k) => Math.abs(v - out.theta[i][k]))));
    expect(diff).toBeLessThan(1e-6);
  }, 180_000);
});
