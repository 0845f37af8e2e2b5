// Profiles one CombinedTM training step (synthetic data) on a backend: where the time goes.
import { tf, ContextualTopicModel, resolveModelConfig, Random, AdamOptimizer, CsrBuilder, trainStep, vaeStepLoss } from '@topickd/core/plugin';
import { WasmBackend } from '@topickd/backend-wasm';
import { NodeBackend } from '@topickd/backend-node';
const V = 2000, E = 512, K = 50, B = 64;
// usage: node bench/step-profile.mjs [wasm|node] [manual|tape] [--matmuls] [--xnnpack] [--no-fma] [--no-fused]
//   --matmuls: time of each product of one step
//   wasm only, to measure what each of TopicKD's wasm kernels brings (WasmBackendOptions):
//   --xnnpack: tfjs's XNNPACK products instead of TopicKD's SIMD kernel (simdMatMul: false)
//   --no-fma: plain SIMD products, no relaxed-SIMD fused multiply-adds (relaxedSimd: false)
//   --no-fused: tfjs kernels for the reconstruction loss and batch norm (fusedLoss: false)
//   --no-copies: tfjs's Slice and GatherV2 instead of block copies in the heap
const which = process.argv[2] ?? 'wasm';
const flag = (f) => process.argv.includes(f);
const wasmOptions = { simdMatMul: !flag('--xnnpack'), relaxedSimd: !flag('--no-fma'), fusedLoss: !flag('--no-fused'), heapCopies: !flag('--no-copies') };
const info = await (which === 'node' ? new NodeBackend() : new WasmBackend(wasmOptions)).activate();
const { kernels } = info;
console.log('backend', info.tfjsBackend, which === 'node' ? '' : JSON.stringify(wasmOptions), info.detail ?? '');
const rng = new Random(1);
const b = new CsrBuilder(V);
const N = 2048;
for (let i = 0; i < N; i++) { const m = new Map(); for (let j = 0; j < 30; j++) { const w = Math.floor(rng.next() * V); m.set(w, (m.get(w) ?? 0) + 1); } b.addRow(m); }
const bow = b.build();
const emb = { rows: N, cols: E, data: rng.uniformArray(N * E, -0.05, 0.05) };
const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
const vars = model.trainableVariables();
const opt = new AdamOptimizer(vars, { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 }, kernels);
const rows = Int32Array.from({ length: B }, (_, i) => i);
const mode = process.argv[3] ?? 'manual';
console.log('gradients', mode);
const step = () => trainStep(model, opt, { bow, embeddings: emb }, rows, 0, rng, vaeStepLoss, mode, kernels);
for (let i = 0; i < 10; i++) step();
let t0 = performance.now(); const n = 50;
for (let i = 0; i < n; i++) step();
console.log('full step ms', ((performance.now() - t0) / n).toFixed(2));
// forward+backward only
const { makeBatch, vaeLoss } = await import('@topickd/core/plugin');
// the tape reference: portable kernels (native ones have no tfjs gradient)
const vae = (batch) => { const { forward } = model.forwardTrain(batch, rng); return tf.sum(vaeLoss(batch.bow, forward, model.prior())); };
t0 = performance.now();
for (let i = 0; i < n; i++) tf.tidy(() => { const batch = makeBatch({ bow, embeddings: emb }, rows); const { value, grads } = tf.variableGrads(() => vae(batch), vars); value.dataSync(); });
console.log('fwd+bwd ms', ((performance.now() - t0) / n).toFixed(2));
t0 = performance.now();
for (let i = 0; i < n; i++) tf.tidy(() => { const batch = makeBatch({ bow, embeddings: emb }, rows); vae(batch).dataSync(); });
console.log('fwd ms', ((performance.now() - t0) / n).toFixed(2));
const grads = tf.tidy(() => { const batch = makeBatch({ bow, embeddings: emb }, rows); const { grads } = tf.variableGrads(() => vae(batch), vars); return grads; });
t0 = performance.now();
for (let i = 0; i < n; i++) opt.apply(grads);
console.log('adam ms', ((performance.now() - t0) / n).toFixed(2));
// kernel counts
const prof = await tf.profile(() => { step(); });
const counts = {}; for (const k of prof.kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
console.log('kernels', prof.kernels.length, JSON.stringify(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 25)));
const times = {}; for (const k of prof.kernels) times[k.name] = (times[k.name] ?? 0) + k.kernelTimeMs;
console.log('kernel ms', JSON.stringify(Object.entries(times).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, +v.toFixed(2)])));
if (process.argv.includes('--matmuls')) {
  const p2 = await tf.profile(() => { step(); });
  for (const k of p2.kernels.filter((k) => k.name === 'BatchMatMul')) console.log('  BatchMatMul', JSON.stringify(k.inputShapes), k.kernelTimeMs.toFixed(2), 'ms');
}
