import { tf, ContextualTopicModel, resolveModelConfig, Random, AdamOptimizer, CsrBuilder, trainStep, vaeStepLoss } from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
await new WasmBackend({ fusedLoss: process.argv[2] !== 'off' }).activate();
const V = 2000, E = 512, K = 50, B = 64;
const rng = new Random(1); const b = new CsrBuilder(V); const N = 512;
for (let i = 0; i < N; i++) { const m = new Map(); for (let j = 0; j < 30; j++) { const w = Math.floor(rng.next() * V); m.set(w, (m.get(w) ?? 0) + 1); } b.addRow(m); }
const bow = b.build(); const emb = { rows: N, cols: E, data: rng.uniformArray(N * E, -0.05, 0.05) };
const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
const vars = model.trainableVariables(); const opt = new AdamOptimizer(vars, { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 });
const rows = Int32Array.from({ length: B }, (_, i) => i);
const step = () => trainStep(model, opt, { bow, embeddings: emb }, rows, 0, rng, vaeStepLoss, vars);
for (let i = 0; i < 20; i++) step();
const agg = {};
for (let r = 0; r < 5; r++) { const p = await tf.profile(() => step()); for (const k of p.kernels) { const key = k.name + ' ' + JSON.stringify(k.inputShapes); agg[key] = agg[key] ?? { n: 0, ms: 0 }; agg[key].n++; agg[key].ms += k.kernelTimeMs; } }
const list = Object.entries(agg).sort((a, b) => b[1].ms - a[1].ms);
let tot = 0; for (const [, v] of list) tot += v.ms / 5;
console.log('kernel ms/step', tot.toFixed(2));
for (const [k, v] of list.slice(0, 40)) console.log((v.ms / 5).toFixed(3), (v.n / 5).toFixed(0), k);
let t0 = performance.now(); for (let i = 0; i < 50; i++) step(); console.log('step', ((performance.now() - t0) / 50).toFixed(2));
