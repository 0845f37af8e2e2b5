// Which of the encoder's weights make int8's θ error (issue 29: the bar is max |Δθ| ≤ 0.01 against
// float32, int8 gives about 0.02): θ of the first N (default 300) 20 Newsgroups posts with the
// Universal Sentence Encoder's float32 weights, then with one weight matrix at a time stored as
// TopicKD's int8 (a float16 scale per 32 values; the others float32), then all of them.
// Usage: node bench/quantize-sensitivity.mjs [MODEL_DIR] [N] (default runs/demo/K20-seed0/distilled,
// which `pnpm demo` writes). Prints one JSON object per variant, and a Markdown table.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inferTheta } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { quantizeWeights, UseEncoder, useModelFiles } from '@topickd/encoders';
import { bowForModel, createRuntime, loadModelWith } from 'topickd/app';

const root = fileURLToPath(new URL('..', import.meta.url));
const modelDir = process.argv[2] ?? join(root, 'runs/demo/K20-seed0/distilled');
const N = Number(process.argv[3] ?? 300);
const rt = await createRuntime({ backend: 'wasm' }, { warn() {} });
const saved = await loadModelWith(rt, modelDir);
const corpus = loadCorpus(join(root, 'datasets/20ng'));
const texts = corpus.documents.slice(0, N);
const bow = bowForModel(texts, saved, corpus.pretokenized);

// the package's files, read once; a source per variant serves model.json with the chosen weights quantized
const { dir } = await useModelFiles();
const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
const shards = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
const weightData = new Uint8Array(Buffer.concat(shards));
const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
const vocab = await readFile(join(dir, 'vocab.json'));
const sourceOf = (select) => {
  const q = quantizeWeights(specs, weightData, 'int8', select);
  const json = JSON.stringify({ ...modelJson, weightsManifest: [{ paths: ['weights.bin'], weights: q.specs }] });
  const files = { 'model.json': new TextEncoder().encode(json), 'vocab.json': new Uint8Array(vocab), 'weights.bin': q.data };
  return { location: 'memory', read: async (name) => files[name] };
};
const thetaOf = async (options) => {
  const encoder = new UseEncoder(options);
  const e = await encoder.embed(texts);
  encoder.dispose?.();
  return inferTheta(saved.model, { bow, embeddings: e }, { samples: 20, seed: 0 }).data;
};
const base = await thetaOf({});
const big = specs.filter((s) => s.dtype === 'float32' && s.shape.reduce((a, b) => a * b, 1) >= 1024);
const short = (name) => name.replace(/^module(_apply_default)?\/Encoder_en\/(KonaTransformer\/Encode\/(TransformerStack\/)?)?/, '').replace(/\/(Tensordot\/Reshape_1|kernel\/part_0|kernel\/ConcatPartitions\/concat|bias\/ConcatPartitions\/concat)$/, '');
const rows = [];
for (const variant of [...big.map((s) => [s.name]), big.map((s) => s.name)]) {
  const t = await thetaOf({ source: sourceOf((name) => variant.includes(name)) });
  let max = 0;
  let sum = 0;
  for (let i = 0; i < t.length; i++) {
    const d = Math.abs(t[i] - base[i]);
    max = Math.max(max, d);
    sum += d;
  }
  const size = variant.length === 1 ? big.find((s) => s.name === variant[0]).shape.reduce((a, b) => a * b, 1) : big.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  const one = variant.length === 1 ? big.find((s) => s.name === variant[0]) : undefined;
  const row = { weights: one ? `${short(one.name)}${one.shape.length === 1 ? ' (bias)' : ''}` : `all ${variant.length}`, values: size, maxAbsTheta: +max.toFixed(5), meanAbsTheta: +(sum / t.length).toExponential(2) };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log(`\n| int8 weights (others float32) | values | max \\|Δθ\\| | mean \\|Δθ\\| |\n| --- | ---: | ---: | ---: |`);
for (const r of rows) console.log(`| ${r.weights} | ${r.values.toLocaleString('en-US')} | ${r.maxAbsTheta} | ${r.meanAbsTheta} |`);
