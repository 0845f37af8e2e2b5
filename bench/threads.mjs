// pnpm bench:threads — all the cores: embedding and θ inference with 1 thread and with one
// worker thread per core, in the same run, end to end as a command does it (the worker
// threads' start — backend, encoder or model — included).
//
//   embedding: Universal Sentence Encoder, wasm, on 2,000 M10 titles and on 1,024 20NG posts
//              (a fresh cache folder per run: the cache is what splits the work among threads);
//              on the node backend's OpenBLAS engine, the encoder's products split over its own
//              threads (one process, one encoder; rows within 1e-5 of one thread's)
//   θ:         a ZeroShotTM (E=512, hidden 100,100, K=20) on 65,536 and 262,144 documents, 20 samples
//
// Writes the `threads` section of BENCHMARKS.md. The outputs of every thread count are checked
// equal to one thread's.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ContextualTopicModel, resolveModelConfig, Random, maxAbsDiff } from '@topickd/core/plugin';
import { saveModel } from '@topickd/core/node';
import { UseEncoder, embedWithCache } from '@topickd/encoders';
import { createRuntime, embeddingPool, inferThetaParallel, loadDataset } from 'topickd/app';
import { NodeBackend } from '@topickd/backend-node';
import { writeBenchmarksSection } from './benchmarks-md.mjs';

const quick = process.argv.includes('--quick'); // a smoke run: small inputs, BENCHMARKS.md untouched
const cores = os.availableParallelism();
const counts = [...new Set([1, cores])];
const cfg = { backend: 'wasm' };
let rt = await createRuntime(cfg, { warn: (m) => console.error(m) });
const tmp = mkdtempSync(join(os.tmpdir(), 'topickd-bench-threads-'));
const rows = [];
const same = (a, b) => a.rows === b.rows && a.data.length === b.data.length && a.data.every((v, i) => v === b.data[i]);

async function embedding(label, texts) {
  const encoder = new UseEncoder();
  await encoder.load();
  await encoder.embed(texts.slice(0, 32)); // warm
  let first;
  for (const threads of counts) {
    const cacheDir = mkdtempSync(join(tmp, 'cache-'));
    const pool = threads > 1 ? embeddingPool(rt.backend, cfg, 'use', { threads }) : undefined;
    const t0 = performance.now();
    const m = await embedWithCache(encoder, texts, cacheDir, { parallel: pool?.parallel });
    const s = (performance.now() - t0) / 1000;
    await pool?.close();
    first ??= m;
    if (!same(first, m)) throw new Error(`${label}: ${threads} threads gave other rows than one`);
    rows.push({ what: label, threads, seconds: s, rate: texts.length / s });
    console.error(`${label}, ${threads} thread(s): ${(texts.length / s).toFixed(1)} docs/s`);
  }
}

const m10 = loadDataset({}, 'm10').documents.slice(0, quick ? 200 : 2000);
await embedding(`embedding ${m10.length} M10 titles (USE, wasm)`, m10);
const posts = [...new Set(loadDataset({}, '20ng').documents)].slice(0, quick ? 32 : 1024);
await embedding(`embedding ${posts.length} 20NG posts (USE, wasm)`, posts);

// the node backend's OpenBLAS engine: the encoder's products on 1 and on `cores` threads of the engine's pool
async function embeddingOnNodeEngine(label, texts) {
  let first;
  for (const threads of counts) {
    await new NodeBackend(undefined, { engines: ['openblas'], threads }).activate();
    const encoder = new UseEncoder();
    await encoder.load();
    await encoder.embed(texts.slice(0, 32)); // warm
    const t0 = performance.now();
    const m = await encoder.embed(texts);
    const s = (performance.now() - t0) / 1000;
    encoder.dispose();
    first ??= m;
    const diff = maxAbsDiff(m.data, first.data);
    if (!(diff < 1e-5)) throw new Error(`${label}: ${threads} threads differ from one by ${diff}`);
    rows.push({ what: label, threads, seconds: s, rate: texts.length / s });
    console.error(`${label}, ${threads} thread(s): ${(texts.length / s).toFixed(1)} docs/s (max |Δ| ${diff.toExponential(1)})`);
  }
  rt = await createRuntime(cfg, { warn: (m) => console.error(m) });
}
if ((await new NodeBackend(undefined, { engines: ['openblas'] }).engine()).engine === 'openblas') {
  await embeddingOnNodeEngine(`embedding ${posts.length} 20NG posts (USE, node: OpenBLAS engine's products on its threads)`, posts);
}

// θ inference
const E = 512;
const model = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 20, vocabSize: 2000, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
const dir = join(tmp, 'model');
await saveModel(dir, { model, vocabulary: Array.from({ length: 2000 }, (_, i) => `w${i}`), encoder: { id: 'synthetic', dim: E, type: 'use' } });
// two sizes: a thread's start (backend, model) and the copy of its shard are paid once per run
for (const N of quick ? [4096] : [65536, 262144]) {
  const embeddings = { rows: N, cols: E, data: new Random(4).uniformArray(N * E, -0.05, 0.05) };
  let first;
  for (const threads of counts) {
    const t0 = performance.now();
    const theta = await inferThetaParallel(rt.backend, cfg, model, dir, { bow: null, embeddings }, { samples: 20, seed: 0, threads });
    const s = (performance.now() - t0) / 1000;
    first ??= theta;
    if (!same(first, theta)) throw new Error(`θ: ${threads} threads gave another θ than one`);
    rows.push({ what: `θ inference, ZeroShotTM K=20, ${N.toLocaleString('en-US')} documents, 20 samples (wasm)`, threads, seconds: s, rate: N / s });
    console.error(`θ ${N}, ${threads} thread(s): ${(N / s).toFixed(0)} docs/s`);
  }
}
model.dispose();
rmSync(tmp, { recursive: true, force: true });

const cpus = os.cpus();
const one = (what) => rows.find((r) => r.what === what && r.threads === 1);
const md = `<!-- generated by \`pnpm bench:threads\` (bench/threads.mjs); do not edit by hand -->
Measured ${new Date().toISOString().slice(0, 10)} on: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}. Command: \`pnpm bench:threads\`. Outputs equal to one thread's (checked; the OpenBLAS engine's rows within 1e-5).

| what | threads | seconds | docs/s | speed-up |
| --- | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.what} | ${r.threads} | ${r.seconds.toFixed(2)} | ${r.rate.toFixed(r.rate < 100 ? 1 : 0)} | ${(one(r.what).seconds / r.seconds).toFixed(2)}× |`).join('\n')}
`;
if (quick) console.log(md);
else writeBenchmarksSection('threads', md);
