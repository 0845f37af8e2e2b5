// The quantized encoder against float32 (issue 29): bundle sizes of `topickd export` with and
// without --quantize, and θ of 2,000 20 Newsgroups posts from the model with each encoder
// (max |Δθ| against float32, share of documents whose top topic is unchanged), and embedding
// speed. Usage: node bench/quantize.mjs [MODEL_DIR] (default runs/demo/K20-seed0/distilled,
// which `pnpm demo` writes). Prints one JSON object.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirBytes } from './dir-bytes.mjs';
import { inferTheta } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { UseEncoder } from '@topickd/encoders';
import { bowForModel, createRuntime, loadModelWith } from 'topickd/app';

const root = fileURLToPath(new URL('..', import.meta.url));
const modelDir = process.argv[2] ?? join(root, 'runs/demo/K20-seed0/distilled');
const bin = join(root, 'packages/cli/bin/topickd.mjs');

const work = mkdtempSync(join(tmpdir(), 'topickd-quantize-'));
const bundles = {};
for (const q of ['none', 'int8', 'float16']) {
  const out = join(work, q);
  const r = spawnSync(process.execPath, [bin, 'export', '--model', modelDir, '--out', out, '--quiet', ...(q === 'none' ? [] : ['--quantize', q])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  bundles[q] = dirBytes(out);
}
const rt = await createRuntime({ backend: 'wasm' }, { warn() {} });
const saved = await loadModelWith(rt, modelDir);
const corpus = loadCorpus(join(root, 'datasets/20ng'));
const texts = corpus.documents.slice(0, 2000);
const bow = bowForModel(texts, saved, corpus.pretokenized);
const runs = {};
for (const q of ['none', 'int8', 'float16']) {
  const encoder = new UseEncoder(q === 'none' ? {} : { quantize: q });
  await encoder.embed(texts.slice(0, 16)); // load and warm
  const t0 = performance.now();
  const e = await encoder.embed(texts);
  const seconds = (performance.now() - t0) / 1000;
  runs[q] = { theta: inferTheta(saved.model, { bow, embeddings: e }, { samples: 20, seed: 0 }), docsPerSecond: texts.length / seconds };
}
const K = runs.none.theta.cols;
const result = { machine: `${process.platform} ${process.arch}, Node ${process.version}`, model: modelDir, documents: texts.length, topics: K, bundleBytes: bundles, variants: {} };
for (const q of ['none', 'int8', 'float16']) {
  let maxAbs = 0;
  let same = 0;
  const a = runs.none.theta.data;
  const b = runs[q].theta.data;
  for (let i = 0; i < texts.length; i++) {
    let ta = 0;
    let tb = 0;
    for (let k = 0; k < K; k++) {
      maxAbs = Math.max(maxAbs, Math.abs(a[i * K + k] - b[i * K + k]));
      if (a[i * K + k] > a[i * K + ta]) ta = k;
      if (b[i * K + k] > b[i * K + tb]) tb = k;
    }
    if (ta === tb) same++;
  }
  result.variants[q] = { bundleMB: +(bundles[q] / 1e6).toFixed(2), maxAbsTheta: +maxAbs.toFixed(5), sameTopTopic: +(same / texts.length).toFixed(4), docsPerSecond: +runs[q].docsPerSecond.toFixed(1) };
}
console.log(JSON.stringify(result, null, 1));
