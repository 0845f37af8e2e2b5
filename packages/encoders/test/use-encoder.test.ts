import { describe, it, expect, beforeAll } from 'vitest';
import { UseEncoder } from '@topickd/encoders';
import { WasmBackend } from '@topickd/backend-wasm';
import { CpuBackend, currentBackendInfo, noteActivatedBackend, row } from '@topickd/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const cos = (a: Float32Array, b: Float32Array) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d;
};

describe('Universal Sentence Encoder', () => {
  const enc = new UseEncoder();
  beforeAll(async () => {
    // as a registry activates: the encoder then fills short batches as far as the backend says (stableBatch)
    noteActivatedBackend(await new WasmBackend().activate());
    await enc.load();
  });

  it('embeds to 512-d unit vectors', async () => {
    const m = await enc.embed(['The quick brown fox jumps over the lazy dog.', 'neural network learning']);
    expect(m.cols).toBe(512);
    for (let i = 0; i < m.rows; i++) expect(Math.abs(cos(row(m, i), row(m, i)) - 1)).toBeLessThan(1e-4);
  });

  it('paraphrases score ≥ 0.6 and unrelated pairs ≤ 0.3', async () => {
    const paraphrases: [string, string][] = [
      ['How old are you?', 'What is your age?'],
      ['The cat sat on the mat.', 'A cat was sitting on the mat.'],
      ['I like to eat apples.', 'I enjoy eating apples.'],
      ['The weather is nice today.', 'It is a beautiful day today.'],
      ['He bought a new car.', 'He purchased a new automobile.'],
      ['Where is the train station?', 'How do I get to the railway station?'],
      ['neural networks for image classification', 'deep learning for classifying images'],
      ['protein structure prediction', 'predicting the structure of proteins'],
      ['The stock market fell sharply today.', 'Stock prices fell sharply today.'],
      ['She is reading a book.', 'She reads a book.'],
    ];
    const unrelated: [string, string][] = [
      ['How old are you?', 'The stock market fell sharply.'],
      ['The cat sat on the mat.', 'protein structure prediction'],
      ['I like to eat apples.', 'Where is the train station?'],
      ['He bought a new car.', 'neural networks for image classification'],
      ['The weather is nice today.', 'monetary policy and interest rates'],
      ['She is reading a book.', 'crystal growth in optical fibres'],
      ['quantum field theory', 'my favourite pizza recipe'],
      ['soil nitrogen in maize farming', 'a goal in the last minute of the match'],
      ['archaeological excavation of a roman villa', 'how to reset a router password'],
      ['petroleum refinery catalysts', 'a poem about spring flowers'],
    ];
    const all = [...paraphrases, ...unrelated].flat();
    const m = await enc.embed(all);
    paraphrases.forEach((_, i) => expect(cos(row(m, 2 * i), row(m, 2 * i + 1))).toBeGreaterThanOrEqual(0.6));
    unrelated.forEach((_, i) => {
      const j = paraphrases.length + i;
      expect(cos(row(m, 2 * j), row(m, 2 * j + 1))).toBeLessThanOrEqual(0.3);
    });
  });

  it("a document's embedding is the same bytes whatever it is embedded with (batch size, shards, order)", async () => {
    // titles (4–20 tokens) and posts (up to the 128-token cap): lengths shared by several documents and lengths one document has
    const titles = readFileSync(`${REPO}datasets/m10/corpus.tsv`, 'utf8').split('\n').filter(Boolean).slice(0, 60).map((l) => l.split('\t')[0]);
    const posts = readFileSync(`${REPO}datasets/20ng/unpreprocessed.txt`, 'utf8').split('\n').filter(Boolean).slice(0, 24);
    const texts = [...titles, ...posts];
    expect(currentBackendInfo()?.stableBatch).toEqual({ rows: 1, tokens: 256 }); // a long post alone is one row
    const whole = (await enc.embed(texts)).data;
    const rowOf = (m: Float32Array, i: number) => Array.from(m.subarray(i * 512, (i + 1) * 512));
    for (const shard of [1, 7, 50]) {
      for (let s = 0; s < texts.length; s += shard) {
        const part = (await enc.embed(texts.slice(s, s + shard), { batchSize: shard === 7 ? 3 : 64 })).data;
        for (let i = 0; i < Math.min(shard, texts.length - s); i++) expect(rowOf(part, i), `document ${s + i}, shards of ${shard}`).toEqual(rowOf(whole, s + i));
      }
    }
    const reversed = (await enc.embed([...texts].reverse())).data;
    for (let i = 0; i < texts.length; i++) expect(rowOf(reversed, texts.length - 1 - i)).toEqual(rowOf(whole, i));
    // on tfjs's cpu kernels (no filling of short batches there) too: a few titles alone and together
    noteActivatedBackend(await new CpuBackend().activate());
    try {
      // titles of one token length, so they share a batch
      const lens = await Promise.all(titles.map(async (t) => (await enc.tokenize(t)).length));
      const common = lens.reduce((best, l) => (lens.filter((x) => x === l).length > lens.filter((x) => x === best).length ? l : best), lens[0]);
      const few = titles.filter((_, i) => lens[i] === common).slice(0, 5);
      expect(few.length).toBeGreaterThan(2);
      const together = (await enc.embed(few)).data;
      for (let i = 0; i < few.length; i++) expect(rowOf((await enc.embed([few[i]])).data, 0), `cpu: title ${i} alone`).toEqual(rowOf(together, i));
    } finally {
      noteActivatedBackend(await new WasmBackend().activate());
    }
  }, 300_000);

  it('lets the event loop turn between batches (timers and messages run during a long embed)', async () => {
    // tfjs's data() resolves as a microtask: without a turn per batch, a long embed starves timers,
    // I/O and IPC (a server stops answering; vitest's worker RPC timed out after 60 s of this file)
    let fired = false;
    setTimeout(() => (fired = true), 0);
    let firedBeforeTheEnd = false;
    const texts = ['one', 'two words', 'three words here', 'four words in this', 'five words in this one'];
    await enc.embed(texts, { batchSize: 1, onProgress: ({ done }) => done < texts.length && fired && (firedBeforeTheEnd = true) });
    expect(firedBeforeTheEnd).toBe(true);
  });

  it('does not depend on batch size and agrees between cpu and wasm within 1e-5', async () => {
    const texts = ['a short one', 'a somewhat longer sentence about topic models and distillation', '', 'Ünïcödé façade naïve café', 'x'];
    const a = await enc.embed(texts, { batchSize: 1 });
    const b = await enc.embed(texts, { batchSize: 64 });
    let maxDiff = 0;
    for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    await new CpuBackend().activate();
    const c = await enc.embed(texts);
    await new WasmBackend().activate();
    let cpuDiff = 0;
    for (let i = 0; i < a.data.length; i++) cpuDiff = Math.max(cpuDiff, Math.abs(a.data[i] - c.data[i]));
    expect(cpuDiff).toBeLessThan(1e-5);
  });
});
