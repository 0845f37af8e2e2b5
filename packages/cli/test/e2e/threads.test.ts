/**
 * All the cores, as a user runs them: `topickd embed --threads 2` gives the
 * same bytes as one thread (each 512-text chunk is embedded exactly as on one thread).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, maxAbsDiff } from '@topickd/core/plugin';
import { NodeBackend } from '@topickd/backend-node';
import { ok, RAW_CORPUS, scratchDir, topickd } from './helpers.js';

const openblas = (await new NodeBackend(undefined, { engines: ['openblas'] }).engine()).engine === 'openblas';

describe('all the cores, as a user runs them: worker threads and split products', () => {
  it('embed --threads 2 writes exactly the rows of --threads 1, in order', async () => {
    const work = scratchDir('threads');
    const titles = readFileSync(RAW_CORPUS, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    // 1,200 distinct texts: three chunks of the cache, so two workers share them
    const texts = [0, 1, 2, 3].flatMap((v) => titles.map((t) => (v ? `${t} (${['review', 'survey', 'notes'][v - 1]})` : t)));
    const input = join(work, 'texts.txt');
    writeFileSync(input, texts.join('\n') + '\n');
    const one = ok(await topickd(['embed', '--input', input, '--out', join(work, 'one.npy'), '--threads', '1', '--cache-dir', join(work, 'c1'), '--json'], work)).json();
    const two = ok(await topickd(['embed', '--input', input, '--out', join(work, 'two.npy'), '--threads', '2', '--cache-dir', join(work, 'c2'), '--json'], work)).json();
    expect(one).toMatchObject({ threads: 1, rows: 1200 });
    expect(two).toMatchObject({ threads: 2, rows: 1200, computed: one.computed });
    expect(one.computed).toBeGreaterThan(1024); // distinct texts: more than two chunks
    expect(readFileSync(join(work, 'two.npy')).equals(readFileSync(join(work, 'one.npy')))).toBe(true);
    // the cache written from the workers' rows serves a later run
    const again = ok(await topickd(['embed', '--input', input, '--out', join(work, 'again.npy'), '--threads', '2', '--cache-dir', join(work, 'c2'), '--json'], work)).json();
    expect(again.computed).toBe(0);
    expect(readFileSync(join(work, 'again.npy')).equals(readFileSync(join(work, 'one.npy')))).toBe(true);
  });

  it('infer --threads 2: θ of 1,200 documents in two shards of whole batches equals --threads 1 (CombinedTM, ZeroShotTM, LDA)', async () => {
    const work = scratchDir('infer-threads');
    const corpus = join(work, 'titles.jsonl');
    writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
    const titles = readFileSync(RAW_CORPUS, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    const input = join(work, 'texts.txt');
    writeFileSync(input, [0, 1, 2, 3].flatMap((v) => titles.map((t) => (v ? `${t} ${['review', 'survey', 'notes'][v - 1]}` : t))).join('\n') + '\n');
    const cache = ['--cache-dir', join(work, 'cache')];
    for (const [kind, extra] of [['combined', ['--hidden', '20', '--epochs', '2']], ['zeroshot', ['--hidden', '20', '--epochs', '2']], ['lda', ['--model-options', 'passes=2']]] as const) {
      const dir = join(work, kind);
      ok(await topickd(['fit', '--data', corpus, '--model', kind, '--topics', '5', ...extra, '--out', dir, ...cache], work));
      const one = ok(await topickd(['infer', '--model', dir, '--input', input, '--threads', '1', '--json', ...cache], work)).json();
      const two = ok(await topickd(['infer', '--model', dir, '--input', input, '--threads', '2', '--json', ...cache], work)).json();
      expect(one.threads, kind).toBe(1);
      expect(two.threads, kind).toBe(2);
      expect(two.documents).toBe(1200);
      expect(two.theta, kind).toEqual(one.theta);
    }
  }, 300_000);

  it('fit --threads 2 on the wasm backend (products split over 2 threads) saves the model and θ of --threads 1, byte for byte', async () => {
    const work = scratchDir('fit-threads');
    const corpus = join(work, 'titles.jsonl');
    writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
    const cache = ['--cache-dir', join(work, 'cache')];
    // hidden 300: the first layer's products (batch 64 × vocabulary × 300) are large enough to be split
    const fit = async (threads: string) => ok(await topickd(['fit', '--data', corpus, '--model', 'combined', '--topics', '5', '--hidden', '300', '--epochs', '3', '--threads', threads, '--out', join(work, `t${threads}`), '--json', ...cache], work)).json();
    const one = await fit('1');
    const two = await fit('2');
    expect(one).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(two).toMatchObject({ backend: 'wasm', threads: 2, finalLoss: one.finalLoss, topicWords: one.topicWords });
    const files = readdirSync(join(work, 't1')).filter((f) => f.endsWith('.bin') || f.endsWith('.npy'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect(readFileSync(join(work, 't2', f)).equals(readFileSync(join(work, 't1', f))), f).toBe(true);
  }, 300_000);

  it.skipIf(!openblas)('embed --backend node --threads 2: the OpenBLAS engine splits the encoder\'s products over 2 threads; rows within 1e-5 of one thread\'s', async () => {
    const work = scratchDir('embed-node-threads');
    const titles = readFileSync(RAW_CORPUS, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    const input = join(work, 'texts.txt');
    writeFileSync(input, titles.join('\n') + '\n');
    const run = async (threads: string) => ok(await topickd(['embed', '--input', input, '--out', join(work, `t${threads}.npy`), '--backend', 'node', '--threads', threads, '--no-cache', '--json'], work)).json();
    expect(await run('1')).toMatchObject({ backend: 'node', threads: 1, rows: titles.length });
    expect(await run('2')).toMatchObject({ backend: 'node', threads: 2, rows: titles.length });
    const one = decodeNpy(new Uint8Array(readFileSync(join(work, 't1.npy'))));
    const two = decodeNpy(new Uint8Array(readFileSync(join(work, 't2.npy'))));
    expect(two.data.length).toBe(one.data.length);
    expect(maxAbsDiff(two.data, one.data)).toBeLessThan(1e-5);
  }, 120_000);
});
