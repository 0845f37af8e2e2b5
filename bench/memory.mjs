// Memory figures for BENCHMARKS.md (issue: reliability / resources).
//
//   node bench/memory.mjs 20ng   RSS and tf.memory().numTensors after each of 20 epochs of a
//                                CombinedTM (K=50, hidden 100,100) on 20NG (16,457 documents,
//                                V=2000), 512-d synthetic embeddings, wasm backend
//   node bench/memory.mjs large  a 1,000,000-document synthetic corpus and its 512-d embeddings
//                                written to disk, then streamed: preprocessFile (two passes) into a
//                                sparse bag of words and one training epoch of a ZeroShotTM reading
//                                embedding rows from the file on demand; peak RSS
//   node bench/memory.mjs deploy [N]
//                                the pipeline as deployed, each step a new `topickd` process: demo's
//                                peak RSS, export sizes of its student (float32, int8, float16) and of
//                                a static-encoder student, peak RSS of `infer` of the first N (default
//                                10,000) 20NG posts with it, and of `topickd info`; needs /usr/bin/time
//
// Each writes its table between markers in BENCHMARKS.md and prints it.
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, ContextualTopicModel, resolveModelConfig, Random, trainModel, corpusToDataset, encodeNpyHeader } from '@topickd/core';
import { loadOctis, preprocessFile, openEmbeddingRows } from '@topickd/core/node';
import { WasmBackend } from '@topickd/backend-wasm';
import { writeBenchmarksSection } from './benchmarks-md.mjs';
import { dirBytes } from './dir-bytes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const what = process.argv[2] ?? '20ng';
const mb = (bytes) => Math.round(bytes / 2 ** 20);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

// the in-process modes train here; `deploy` runs only CLI processes
const kernels = what === 'deploy' ? undefined : (await new WasmBackend().activate()).kernels;

const bin = join(root, 'packages/cli/dist/bin.js');
/** A CLI command as a new process, as a user runs it: peak RSS (MiB, /usr/bin/time) and seconds. */
const timed = (args) => {
  const r = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`topickd ${args.join(' ')}: ${r.stderr}`);
  const [kb, seconds] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { mb: Math.round(kb / 1024), seconds, lines: r.stdout.trim().split('\n').length };
};

if (what === 'deploy') {
  // The whole pipeline as a user deploys it: `topickd demo`'s peak RSS; the bundles `export` writes
  // of its student (float32, int8, float16) and of a static-encoder student distilled from the same
  // teacher; `infer` of N 20NG posts with that student (three runs) beside `topickd info`.
  const N = Number(process.argv[3] ?? 10_000);
  const work = mkdtempSync(join(tmpdir(), 'topickd-deploy-memory-'));
  const cache = join(work, 'cache');
  const demo = timed(['demo', '--out', join(work, 'demo'), '--cache-dir', cache, '--quiet']);
  const student = join(work, 'demo', 'K20-seed0', 'distilled');
  const teacher = join(work, 'demo', 'K20-seed0', 'teacher');
  const bundles = {};
  for (const q of ['none', 'int8', 'float16']) {
    timed(['export', '--model', student, '--out', join(work, `bundle-${q}`), '--quiet', ...(q === 'none' ? [] : ['--quantize', q])]);
    bundles[q] = dirBytes(join(work, `bundle-${q}`));
  }
  const table = timed(['distill-encoder', '--data', 'm10', '--out', join(work, 'static'), '--cache-dir', cache, '--quiet']);
  const staticStudent = join(work, 'student-static');
  const distilled = timed(['distill', '--teacher', teacher, '--data', 'm10', '--epochs', '30', '--encoder', `static:${join(work, 'static')}`, '--teacher-encoder', 'use', '--cache-dir', cache, '--out', staticStudent, '--quiet']);
  timed(['export', '--model', staticStudent, '--out', join(work, 'bundle-static'), '--quiet']);
  bundles.static = dirBytes(join(work, 'bundle-static'));
  const input = join(work, `posts-${N}.txt`);
  writeFileSync(input, readFileSync(join(root, 'datasets/20ng/unpreprocessed.txt'), 'utf8').split('\n').slice(0, N).join('\n') + '\n');
  const info = [0, 1, 2].map(() => timed(['info']));
  const runs = [0, 1, 2].map(() => timed(['infer', '--model', staticStudent, '--input', input, '--cache-dir', cache]));
  if (runs.some((r) => r.lines !== N)) throw new Error(`infer printed ${runs.map((r) => r.lines)} rows for ${N} documents`);
  const MB = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
  const md = `<!-- generated by \`node bench/memory.mjs deploy\`; do not edit by hand -->
Measured ${new Date().toISOString().slice(0, 10)} on: ${machine}. Command: \`node bench/memory.mjs deploy ${N}\` (each step a new \`topickd\` process, peak RSS by \`/usr/bin/time -f %M\`; a fresh embedding cache).

| step | figure |
| --- | ---: |
| \`topickd demo\` (teacher, student alone, distilled student on M10; embeddings computed) | peak RSS **${demo.mb} MiB**, ${demo.seconds.toFixed(0)} s |
| \`export\` of the demo's student: float32 / \`--quantize int8\` / \`--quantize float16\` | ${MB(bundles.none)} / **${MB(bundles.int8)}** / ${MB(bundles.float16)} |
| \`distill-encoder --data m10\` (a 256-d static table from USE) | ${table.seconds.toFixed(0)} s, peak RSS ${table.mb} MiB |
| \`distill --encoder static:DIR --teacher-encoder use\` from the demo's teacher, 30 epochs | ${distilled.seconds.toFixed(0)} s, peak RSS ${distilled.mb} MiB |
| \`export\` of the static-encoder student | **${MB(bundles.static)}** |
| \`topickd info\` (the floor: Node, tfjs, the backend), three runs | ${info.map((r) => r.mb).join(' / ')} MiB |
| \`infer\` of the first ${N.toLocaleString('en-US')} 20NG posts (${mb(statSync(input).size)} MB) with the static-encoder student, three runs | **${runs.map((r) => r.mb).join(' / ')} MiB**, ${runs.map((r) => r.seconds.toFixed(1)).join(' / ')} s |
`;
  rmSync(work, { recursive: true, force: true });
  writeBenchmarksSection('memory-deploy', md);
} else if (what === '20ng') {
  const ds = corpusToDataset(loadOctis(join(root, 'datasets', '20ng')));
  const E = 512;
  const embeddings = { rows: ds.bow.rows, cols: E, data: new Random(1).uniformArray(ds.bow.rows * E, -0.05, 0.05) };
  const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 50, vocabSize: ds.vocabulary.length, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
  const rows = [];
  const t0 = performance.now();
  await trainModel(model, { bow: ds.bow, embeddings }, {
    kernels,
    epochs: 20,
    seed: 0,
    onEvent: (e) => {
      if (e.type !== 'epoch') return;
      global.gc?.();
      rows.push({ epoch: e.epoch, rss: mb(process.memoryUsage().rss), heap: mb(process.memoryUsage().heapUsed), tensors: tf.memory().numTensors, wasmBytes: tf.memory().numBytes });
      console.error(`epoch ${e.epoch}: rss ${rows.at(-1).rss} MB, tensors ${rows.at(-1).tensors}`);
    },
  });
  const minutes = (performance.now() - t0) / 60000;
  const rss = rows.map((r) => r.rss);
  const md = `<!-- generated by \`node bench/memory.mjs 20ng\`; do not edit by hand -->
Measured ${new Date().toISOString().slice(0, 10)} on: ${machine}. CombinedTM K=50, hidden 100,100, on 20NG (${ds.bow.rows} documents, V=${ds.vocabulary.length}), 512-d synthetic embeddings, wasm backend, 20 epochs (${minutes.toFixed(1)} min). Command: \`node --expose-gc bench/memory.mjs 20ng\`.

| epoch | ${rows.map((r) => r.epoch).join(' | ')} |
| --- | ${rows.map(() => '---:').join(' | ')} |
| RSS (MB) | ${rss.join(' | ')} |
| JS heap used (MB) | ${rows.map((r) => r.heap).join(' | ')} |
| tf.memory().numTensors | ${rows.map((r) => r.tensors).join(' | ')} |

RSS after epoch 1: ${rss[0]} MB; after epoch 20: ${rss.at(-1)} MB; range over epochs 2–20: ${Math.min(...rss.slice(1))}–${Math.max(...rss.slice(1))} MB. Tensors: ${[...new Set(rows.map((r) => r.tensors))].join(', ')}.
`;
  writeBenchmarksSection('memory-20ng', md);
} else if (what === 'large') {
  const N = Number(process.argv[3] ?? 1_000_000);
  const E = 512;
  const work = join(tmpdir(), 'topickd-large');
  mkdirSync(work, { recursive: true });
  const corpus = join(work, `corpus-${N}.txt`);
  const embPath = join(work, `embeddings-${N}.npy`);
  // 5,000 pseudo-words, Zipf-like use; documents of 5–14 words
  const rng = new Random(7);
  const syll = ['ka', 'lo', 'mi', 'nu', 're', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'gu', 'be', 'fi', 'ho'];
  const words = Array.from({ length: 5000 }, (_, i) => {
    let w = '';
    let x = i + 15;
    while (x > 0) {
      w += syll[x % 15];
      x = Math.floor(x / 15);
    }
    return w;
  });
  let t0 = performance.now();
  const generate = !existsSync(corpus) || !existsSync(embPath) || process.argv.includes('--regenerate');
  if (generate) {
    const fd = openSync(corpus, 'w');
    let buf = [];
    for (let d = 0; d < N; d++) {
      const len = 5 + Math.floor(rng.next() * 10);
      const doc = [];
      for (let j = 0; j < len; j++) doc.push(words[Math.floor(5000 * rng.next() ** 2)]);
      buf.push(doc.join(' '));
      if (buf.length === 10000) {
        writeSync(fd, buf.join('\n') + '\n');
        buf = [];
      }
    }
    if (buf.length) writeSync(fd, buf.join('\n') + '\n');
    closeSync(fd);
    const fe = openSync(embPath, 'w');
    writeSync(fe, encodeNpyHeader(N, E));
    for (let s = 0; s < N; s += 10000) {
      const n = Math.min(10000, N - s);
      const chunk = rng.uniformArray(n * E, -0.05, 0.05);
      writeSync(fe, new Uint8Array(chunk.buffer));
    }
    closeSync(fe);
  }
  const genSeconds = (performance.now() - t0) / 1000;
  const rssStart = mb(process.memoryUsage().rss);
  t0 = performance.now();
  const st = await preprocessFile(corpus, { vocabularySize: 2000, stopwords: false, onProgress: (p, n) => console.error(`pass ${p}: ${n} documents`) });
  const prepSeconds = (performance.now() - t0) / 1000;
  const rssAfterPrep = mb(process.memoryUsage().rss);
  const peakAfterPrep = peakMb();
  const file = openEmbeddingRows(embPath);
  const embeddings = file.select(st.kept);
  const model = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 50, vocabSize: st.vocabulary.length, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
  t0 = performance.now();
  let last = 0;
  const res = await trainModel(model, { bow: st.bow, embeddings }, {
    kernels,
    epochs: 1,
    seed: 0,
    onEvent: (e) => {
      if (e.type === 'batch' && e.batch - last >= 2000) {
        last = e.batch;
        console.error(`batch ${e.batch}: rss ${mb(process.memoryUsage().rss)} MB`);
      }
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  file.close();
  const nnz = st.bow.indices.length;
  const md = `<!-- generated by \`node bench/memory.mjs large\`; do not edit by hand -->
Measured ${new Date().toISOString().slice(0, 10)} on: ${machine}. Command: \`node bench/memory.mjs large\` (files in ${work}: ${generate ? `made in ${genSeconds.toFixed(0)} s` : 'reused from an earlier run of this command'}).

| step | figure |
| --- | ---: |
| synthetic corpus | ${N.toLocaleString('en-US')} documents of 5–14 words, one per line (${mb(statSync(corpus).size)} MB) |
| synthetic embeddings | ${N.toLocaleString('en-US')} × ${E} float32 .npy (${mb(N * E * 4)} MB), read row by row when a batch needs them |
| streamed preprocessing (two passes, \`preprocessFile\`) | ${prepSeconds.toFixed(1)} s; V=${st.vocabulary.length}, ${st.bow.rows.toLocaleString('en-US')} documents kept, ${nnz.toLocaleString('en-US')} non-zeros |
| one training epoch, ZeroShotTM K=50, hidden 100,100, batch 64, wasm | ${trainSeconds.toFixed(0)} s (${Math.round(st.bow.rows / trainSeconds).toLocaleString('en-US')} docs/s), final loss ${res.finalLoss.toFixed(2)} |
| RSS at start / after preprocessing | ${rssStart} MB / ${rssAfterPrep} MB (peak so far ${peakAfterPrep} MB) |
| **peak RSS of the whole run** | **${peakMb()} MB** (budget 4,096 MB) |
`;
  model.dispose();
  writeBenchmarksSection('memory-large', md);
  if (process.argv.includes('--clean')) rmSync(work, { recursive: true, force: true });
} else {
  console.error('usage: node bench/memory.mjs 20ng | large [N] [--regenerate] [--clean]');
  process.exit(2);
}
