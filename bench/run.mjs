// pnpm bench — speed figures for BENCHMARKS.md, measured on this machine.
//
//   training step: CombinedTM V=2000, E=512, hidden (100,100), K=50, batch 64 (synthetic data)
//   inference:     θ with 20 samples per document
//   embedding:     Universal Sentence Encoder on M10 titles
//   evaluation:    NPMI + C_V + UMass + UCI of 100 topics × 10 words on 20NG
//   distillation:  one KD epoch on M10-shaped data (teacher frozen), on wasm and the node backend
//   reference:     the same training step and KD epoch in PyTorch (bench/pytorch_step.py,
//                  bench/pytorch_kd_epoch.py), when /usr/bin/python3 has torch
//
// Writes bench/results.json and the generated section of BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, ContextualTopicModel, resolveModelConfig, Random, AdamOptimizer, CsrBuilder, trainStep, vaeStepLoss, inferTheta, CpuBackend, ReferenceCorpus, evaluateTopics, distill } from '@topickd/core/plugin';
import { NodeBackend } from '@topickd/backend-node';
import { CrossEntropyLoss, WassersteinLoss } from '@topickd/losses';
import { loadOctis } from '@topickd/core/node';
import { WasmBackend } from '@topickd/backend-wasm';
import { UseEncoder } from '@topickd/encoders';
import { writeBenchmarksSection } from './benchmarks-md.mjs';
import { ENCODER_SHAPES, encoderWork, measurePeaks, roofline, stepWork } from './roofline.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const results = { date: new Date().toISOString(), machine: machine(), runs: {} };

function machine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

function syntheticInputs(V, E, N, seed = 1, wordsPerDoc = 30) {
  const rng = new Random(seed);
  const b = new CsrBuilder(V);
  for (let i = 0; i < N; i++) {
    const m = new Map();
    for (let j = 0; j < wordsPerDoc; j++) {
      const w = Math.floor(rng.next() * V);
      m.set(w, (m.get(w) ?? 0) + 1);
    }
    b.addRow(m);
  }
  return { bow: b.build(), embeddings: { rows: N, cols: E, data: rng.uniformArray(N * E, -0.05, 0.05) } };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The machine's cores: the node engine's threads in the "all cores" runs. */
const CORES = os.availableParallelism();

function backendOf(name) {
  if (name === 'node-threads') return new NodeBackend(undefined, { engines: ['openblas'], threads: CORES });
  if (name === 'wasm-threads') return new WasmBackend({ threads: CORES });
  return name === 'wasm' ? new WasmBackend() : name === 'node' ? new NodeBackend(undefined, { engines: ['openblas'], threads: 1 }) : new CpuBackend();
}

async function trainStepBench(backendName, steps) {
  const { kernels } = await backendOf(backendName).activate();
  const V = 2000, E = 512, K = 50, B = 64;
  const inputs = syntheticInputs(V, E, B * 8);
  const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
  const vars = model.trainableVariables();
  const opt = new AdamOptimizer(vars, { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 }, kernels);
  const rng = new Random(2);
  const batches = Array.from({ length: 8 }, (_, b) => Int32Array.from({ length: B }, (_, i) => b * B + i));
  const step = (i) => trainStep(model, opt, inputs, batches[i % 8], 0, rng, vaeStepLoss, 'manual', kernels);
  for (let i = 0; i < 5; i++) step(i);
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step(i);
    times.push((performance.now() - t0) / steps);
  }
  const ms = median(times);
  // the roofline: what a step computes and moves, against this engine's measured peaks
  const params = vars.reduce((a, v) => a + v.size, 0);
  const work = await stepWork(() => step(0), params);
  const peaks = measurePeaks();
  const roof = { work, peaks, ...roofline(work, peaks, ms) };
  // inference: θ, 20 samples
  let infer = null;
  if (backendName !== 'cpu') {
    const inf = syntheticInputs(V, E, 8192, 3);
    inferTheta(model, inf, { samples: 20 });
    const t0 = performance.now();
    inferTheta(model, inf, { samples: 20 });
    infer = 8192 / ((performance.now() - t0) / 1000);
  }
  model.dispose();
  // inference with a distilled-student-sized ZeroShotTM (M10: 8,355 documents, E=512, hidden 100,100, K=20)
  let studentInfer = null;
  if (backendName !== 'cpu') {
    const student = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 20, vocabSize: 1696, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
    const embeddings = { rows: 8355, cols: E, data: new Random(4).uniformArray(8355 * E, -0.05, 0.05) };
    inferTheta(student, { embeddings }, { samples: 20 });
    const t0 = performance.now();
    inferTheta(student, { embeddings }, { samples: 20 });
    studentInfer = 8355 / ((performance.now() - t0) / 1000);
    student.dispose();
  }
  return { msPerStep: ms, docsPerSecond: B / (ms / 1000), inferDocsPerSecond: infer, studentInferDocsPerSecond: studentInfer, roofline: roof };
}

/** One distillation epoch on M10-shaped synthetic data, as bench/pytorch_kd_epoch.py (per epoch, over 3, including the one-time teacher pass). */
async function distillEpochBench(backendName) {
  const { kernels } = await backendOf(backendName).activate();
  const N = 8355, V = 1696, E = 512, K = 20;
  const inputs = syntheticInputs(V, E, N, 6, 8);
  const teacher = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 1);
  const student = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 2);
  const losses = [{ loss: new WassersteinLoss(), weight: 1 }, { loss: new CrossEntropyLoss(), weight: 1 }];
  const epochs = quick ? 1 : 3;
  const t0 = performance.now();
  await distill(teacher, student, { student: inputs, teacherEmbeddings: inputs.embeddings }, losses, { epochs, alpha: 0.8, temperature: 4, seed: 0, kernels });
  const seconds = (performance.now() - t0) / 1000 / epochs;
  teacher.dispose();
  student.dispose();
  return { documents: N, secondsPerEpoch: seconds };
}

/** The encoder on `texts`: docs/s, then its roofline (products' FLOPs per token, the floor from this engine's peaks). */
async function embeddingBench(backendName = 'wasm', texts = loadOctis(join(root, 'datasets', 'm10')).documents.slice(0, quick ? 500 : 2000)) {
  await backendOf(backendName).activate();
  const enc = new UseEncoder();
  await enc.load();
  await enc.embed(texts.slice(0, 64));
  const t0 = performance.now();
  await enc.embed(texts);
  const seconds = (performance.now() - t0) / 1000;
  const work = await encoderWork(enc, texts);
  const peaks = measurePeaks(ENCODER_SHAPES);
  const roof = roofline(work, peaks, seconds * 1000);
  enc.dispose();
  return { documents: texts.length, docsPerSecond: texts.length / seconds, roofline: { work, peaks, floorSeconds: roof.floorMs / 1000, ofFloor: roof.ofFloor } };
}

function evaluationBench() {
  const ng = loadOctis(join(root, 'datasets', '20ng'));
  const t0 = performance.now();
  const ref = new ReferenceCorpus(ng.documents.map((d) => d.split(' ')));
  const rng = new Random(5);
  const vocab = ng.vocabulary.filter((w) => ref.has(w));
  // 10 distinct words per topic (a topic that lists a word twice is refused)
  const topics = Array.from({ length: 100 }, () => {
    const words = new Set();
    while (words.size < 10) words.add(vocab[Math.floor(rng.next() * vocab.length)]);
    return [...words];
  });
  evaluateTopics(ref, topics, ['npmi', 'cv', 'umass', 'uci', 'td', 'irbo']);
  return { documents: ref.numDocs, topics: 100, seconds: (performance.now() - t0) / 1000 };
}

function pytorchReference(script, threads = 1) {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return { available: false, reason: '/usr/bin/python3 not found' };
  const n = String(threads === 'all' ? os.cpus().length : threads);
  try {
    const out = execFileSync(py, [join(root, 'bench', script), String(threads)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n }, timeout: 600_000 });
    return { available: true, ...JSON.parse(out.trim().split('\n').pop()) };
  } catch (e) {
    return { available: false, reason: `PyTorch not importable by /usr/bin/python3 (${String(e.message).split('\n')[0].slice(0, 120)})` };
  }
}

const STORED_PYTORCH = { msPerStep: 7.1, source: 'ENVIRONMENT.md probe: PyTorch 1.13 (Debian), 1 thread, same step' };
const STORED_PYTORCH_KD = { secondsPerEpoch: 0.71, source: 'bench/pytorch_kd_epoch.py on this machine, 2026-11-22 (0.63–0.73 s over four runs)' };

const nodeEngine = (await new NodeBackend(undefined, { engines: ['openblas'] }).engine()).engine === 'openblas';
console.error('training step (wasm) ...');
results.runs.wasm = await trainStepBench('wasm', quick ? 10 : 30);
if (CORES > 1) {
  console.error(`training step (wasm, products on ${CORES} threads) ...`);
  results.runs.wasmThreads = await trainStepBench('wasm-threads', quick ? 10 : 30);
}
if (nodeEngine) {
  console.error('training step (node: OpenBLAS engine) ...');
  results.runs.node = await trainStepBench('node', quick ? 10 : 30);
  if (CORES > 1) {
    console.error(`training step (node: OpenBLAS engine, ${CORES} threads) ...`);
    results.runs.nodeThreads = await trainStepBench('node-threads', quick ? 10 : 30);
  }
}
console.error('training step (cpu) ...');
results.runs.cpu = await trainStepBench('cpu', quick ? 2 : 4);
console.error('distillation epoch (wasm) ...');
results.runs.distillWasm = await distillEpochBench('wasm');
if (CORES > 1) {
  console.error(`distillation epoch (wasm, products on ${CORES} threads) ...`);
  results.runs.distillWasmThreads = await distillEpochBench('wasm-threads');
}
if (nodeEngine) {
  console.error('distillation epoch (node: OpenBLAS engine) ...');
  results.runs.distillNode = await distillEpochBench('node');
  if (CORES > 1) {
    console.error(`distillation epoch (node: OpenBLAS engine, ${CORES} threads) ...`);
    results.runs.distillNodeThreads = await distillEpochBench('node-threads');
  }
}
console.error('USE embedding ...');
results.runs.embedding = await embeddingBench();
// 20NG posts as the corpus holds them (datasets/20ng: preprocessed, 38 tokens on average; ≤ 128 read)
const posts = [...new Set(loadOctis(join(root, 'datasets', '20ng')).documents)].slice(0, quick ? 64 : 256);
console.error('USE embedding, 20NG posts ...');
results.runs.embeddingPosts = await embeddingBench('wasm', posts);
if (nodeEngine) {
  console.error('USE embedding (node: OpenBLAS engine) ...');
  results.runs.embeddingNode = await embeddingBench('node');
  results.runs.embeddingPostsNode = await embeddingBench('node', posts);
}
console.error('evaluation on 20NG ...');
results.runs.evaluation = evaluationBench();
console.error('PyTorch reference ...');
results.runs.pytorch = pytorchReference('pytorch_step.py');
results.runs.pytorchAll = results.runs.pytorch.available ? pytorchReference('pytorch_step.py', 'all') : results.runs.pytorch;
results.runs.pytorchKd = results.runs.pytorch.available ? pytorchReference('pytorch_kd_epoch.py') : results.runs.pytorch;
const refMs = results.runs.pytorch.available ? results.runs.pytorch.msPerStep : STORED_PYTORCH.msPerStep;
const refKd = results.runs.pytorchKd.available ? results.runs.pytorchKd.secondsPerEpoch : STORED_PYTORCH_KD.secondsPerEpoch;

const f = (x, d = 1) => (x == null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const ratio = (x, ref) => (x == null || ref == null ? '–' : `${f(x / ref, 2)}×`);
const torchName = results.runs.pytorch.available ? `PyTorch ${results.runs.pytorch.torch}, 1 thread (measured now)` : `PyTorch (stored: ${STORED_PYTORCH.source}; ${results.runs.pytorch.reason})`;
const nodeRow = (r) => (r ? '' : ' (not built here)');
const md = `<!-- generated by \`pnpm bench\` (bench/run.mjs); do not edit by hand -->
Measured ${results.date.slice(0, 10)} on: ${results.machine}. Command: \`pnpm bench\`.

| what | engine | ms/step | docs/s | vs PyTorch 1 thread |
| --- | --- | ---: | ---: | ---: |
| CombinedTM training step (V=2000, E=512, hidden 100,100, K=50, batch 64) | tfjs wasm (SIMD, 1 thread) | ${f(results.runs.wasm.msPerStep)} | ${f(results.runs.wasm.docsPerSecond, 0)} | ${ratio(results.runs.wasm.msPerStep, refMs)} |
| same | tfjs wasm, TopicKD's product on ${CORES} threads (products ≥ 8 MFLOP split; ${f(results.runs.wasmThreads ? results.runs.wasm.msPerStep / results.runs.wasmThreads.msPerStep : null, 2)}× its 1 thread) | ${f(results.runs.wasmThreads?.msPerStep)} | ${f(results.runs.wasmThreads?.docsPerSecond, 0)} | ${ratio(results.runs.wasmThreads?.msPerStep, refMs)} |
| same | node: OpenBLAS engine (wasm tensors + OpenBLAS sgemm and Adam, 1 thread)${nodeRow(results.runs.node)} | ${f(results.runs.node?.msPerStep)} | ${f(results.runs.node?.docsPerSecond, 0)} | ${ratio(results.runs.node?.msPerStep, refMs)} |
| same | node: OpenBLAS engine, ${CORES} threads (products and Adam split; ${f(results.runs.node && results.runs.nodeThreads ? results.runs.node.msPerStep / results.runs.nodeThreads.msPerStep : null, 2)}× its 1 thread)${nodeRow(results.runs.nodeThreads)} | ${f(results.runs.nodeThreads?.msPerStep)} | ${f(results.runs.nodeThreads?.docsPerSecond, 0)} | ${ratio(results.runs.nodeThreads?.msPerStep, refMs)} |
| same | tfjs cpu (plain JS) | ${f(results.runs.cpu.msPerStep)} | ${f(results.runs.cpu.docsPerSecond, 0)} | ${ratio(results.runs.cpu.msPerStep, refMs)} |
| same | ${torchName} | ${f(refMs)} | ${f(64 / (refMs / 1000), 0)} | 1.00× |
| same | ${results.runs.pytorchAll?.available ? `PyTorch ${results.runs.pytorchAll.torch}, all ${results.runs.pytorchAll.threads} threads` : 'PyTorch, all threads (not measured)'} | ${f(results.runs.pytorchAll?.msPerStep)} | ${f(results.runs.pytorchAll?.available ? 64 / (results.runs.pytorchAll.msPerStep / 1000) : null, 0)} | ${ratio(results.runs.pytorchAll?.msPerStep, refMs)} |

PyTorch's Adam alone (its \`opt.step()\` timed apart): ${results.runs.pytorch.available && results.runs.pytorch.adamMs != null ? `${f(results.runs.pytorch.adamMs, 2)} ms of its ${f(results.runs.pytorch.msPerStep)} ms step on one thread (${f((100 * results.runs.pytorch.adamMs) / results.runs.pytorch.msPerStep, 0)}%)${results.runs.pytorchAll?.available ? `, ${f(results.runs.pytorchAll.adamMs, 2)} of ${f(results.runs.pytorchAll.msPerStep)} ms on all threads` : ''}` : 'not measured'}.

| what | engine | s/epoch | vs PyTorch 1 thread |
| --- | --- | ---: | ---: |
| distillation epoch, M10-shaped (8,355 docs, V=1696, E=512; teacher CombinedTM 100,100 frozen; student ZeroShotTM 100,100; K=20; W2 + CE) | tfjs wasm | ${f(results.runs.distillWasm.secondsPerEpoch, 2)} | ${ratio(results.runs.distillWasm.secondsPerEpoch, refKd)} |
| same | tfjs wasm, products on ${CORES} threads (${f(results.runs.distillWasmThreads ? results.runs.distillWasm.secondsPerEpoch / results.runs.distillWasmThreads.secondsPerEpoch : null, 2)}× its 1 thread) | ${f(results.runs.distillWasmThreads?.secondsPerEpoch, 2)} | ${ratio(results.runs.distillWasmThreads?.secondsPerEpoch, refKd)} |
| same | node: OpenBLAS engine${nodeRow(results.runs.distillNode)} | ${f(results.runs.distillNode?.secondsPerEpoch, 2)} | ${ratio(results.runs.distillNode?.secondsPerEpoch, refKd)} |
| same | node: OpenBLAS engine, ${CORES} threads (${f(results.runs.distillNode && results.runs.distillNodeThreads ? results.runs.distillNode.secondsPerEpoch / results.runs.distillNodeThreads.secondsPerEpoch : null, 2)}× its 1 thread)${nodeRow(results.runs.distillNodeThreads)} | ${f(results.runs.distillNodeThreads?.secondsPerEpoch, 2)} | ${ratio(results.runs.distillNodeThreads?.secondsPerEpoch, refKd)} |
| same | ${results.runs.pytorchKd.available ? `PyTorch ${results.runs.pytorchKd.torch}, 1 thread, teacher run per batch as the paper's code (bench/pytorch_kd_epoch.py)` : `PyTorch (stored: ${STORED_PYTORCH_KD.source}; not measured now: ${results.runs.pytorchKd.reason})`} | ${f(refKd, 2)} | 1.00× |

The roofline of that step (\`bench/roofline.mjs\`): its products' FLOPs and its other kernels' bytes from \`tf.profile\` of one
step (a product: 2·M·N·K; another kernel: its inputs and output), Adam counted per parameter (12 FLOPs, 28 bytes: read
p, g, m, v; write p, m, v); the peaks measured now on this engine — the product kernel at the step's shapes and a 64 MB
memory copy; the floor = products at the peak + the rest's bytes at copy speed.

| engine | ms/step | products GFLOP | other kernels MB (kernels) | Adam MB | product peak GFLOP/s | copy GB/s | floor ms | step / floor |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${['wasm', 'wasmThreads', 'node', 'nodeThreads', 'cpu'].filter((e) => results.runs[e]).map((e) => { const r = results.runs[e]; const w = r.roofline.work; return `| ${e} | ${f(r.msPerStep)} | ${f(w.products.flops / 1e9, 3)} | ${f(w.other.bytes / 1e6, 1)} (${w.other.kernels}) | ${f(w.adam.bytes / 1e6, 1)} | ${f(r.roofline.peaks.gemmGflops, 1)} | ${f(r.roofline.peaks.copyGBs, 1)} | ${f(r.roofline.floorMs, 2)} | ${f(r.roofline.ofFloor, 1)}× |`; }).join('\n')}

The sentence encoder's roofline (\`encoderWork\` in \`bench/roofline.mjs\`): the kernels of one \`embed\` of the same
texts (tf.profile; products: BatchMatMul and the 1×1 Conv2D of the heads' projections), the tokens it read (each text's,
≤ 128) and the padded token slots of its length-sorted batches of 64; peaks measured now at the encoder's product shapes.

| encoder run | engine | docs/s | tokens (padded) | products GFLOP | MFLOP per token | other kernels MB | product peak GFLOP/s | floor s | s | × floor |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${[['embedding', 'M10 titles', 'wasm'], ['embeddingNode', 'M10 titles', 'node'], ['embeddingPosts', '20NG posts', 'wasm'], ['embeddingPostsNode', '20NG posts', 'node']].filter(([k]) => results.runs[k]).map(([k, what, engine]) => { const r = results.runs[k]; const w = r.roofline.work; return `| ${f(r.documents, 0)} ${what} | ${engine} | ${f(r.docsPerSecond, 0)} | ${f(w.tokens, 0)} (${f(w.paddedTokens, 0)}) | ${f(w.products.flops / 1e9, 2)} | ${f(w.products.flops / w.tokens / 1e6, 2)} | ${f(w.other.bytes / 1e6, 0)} | ${f(r.roofline.peaks.gemmGflops, 1)} | ${f(r.roofline.floorSeconds, 2)} | ${f(r.documents / r.docsPerSecond, 2)} | ${f(r.roofline.ofFloor, 1)}× |`; }).join('\n')}

| what | figure |
| --- | ---: |
| inference θ (20 samples), wasm, the CombinedTM above | ${f(results.runs.wasm.inferDocsPerSecond, 0)} docs/s |
| inference θ (20 samples), wasm, ZeroShotTM student (E=512, hidden 100,100, K=20), 8,355 documents | ${f(results.runs.wasm.studentInferDocsPerSecond, 0)} docs/s |
| same, node: OpenBLAS engine | ${f(results.runs.node?.studentInferDocsPerSecond, 0)} docs/s |
| Universal Sentence Encoder on ${results.runs.embedding.documents} M10 titles, wasm | ${f(results.runs.embedding.docsPerSecond, 0)} docs/s |
| same, node: OpenBLAS engine | ${f(results.runs.embeddingNode?.docsPerSecond, 0)} docs/s |
| Universal Sentence Encoder on ${results.runs.embeddingPosts.documents} 20NG posts, wasm | ${f(results.runs.embeddingPosts.docsPerSecond, 0)} docs/s |
| same, node: OpenBLAS engine | ${f(results.runs.embeddingPostsNode?.docsPerSecond, 0)} docs/s |
| evaluate 100 topics × 10 words on 20NG (${results.runs.evaluation.documents} docs; NPMI, C_V, UMass, UCI, TD, IRBO; incl. counting) | ${f(results.runs.evaluation.seconds, 2)} s |
`;
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 1) + '\n');
writeBenchmarksSection('bench', md);
