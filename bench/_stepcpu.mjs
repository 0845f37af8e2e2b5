import { tf, ContextualTopicModel, resolveModelConfig, Random, AdamOptimizer, CsrBuilder, trainStep, vaeStepLoss } from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
await new WasmBackend().activate();
const { setHeapCopiesEnabled } = await import('@topickd/backend-wasm');
setHeapCopiesEnabled(process.argv[2] !== 'off');
const V = 2000, E = 512, K = 50, B = 64;
const rng = new Random(1); const b = new CsrBuilder(V); const N = 512;
for (let i = 0; i < N; i++) { const m = new Map(); for (let j = 0; j < 30; j++) { const w = Math.floor(rng.next() * V); m.set(w, (m.get(w) ?? 0) + 1); } b.addRow(m); }
const bow = b.build(); const emb = { rows: N, cols: E, data: rng.uniformArray(N * E, -0.05, 0.05) };
const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
const vars = model.trainableVariables(); const opt = new AdamOptimizer(vars, { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 });
const batches = Array.from({ length: 8 }, (_, b) => Int32Array.from({ length: B }, (_, i) => b * B + i));
const step = (i) => trainStep(model, opt, { bow, embeddings: emb }, batches[i % 8], 0, rng, vaeStepLoss, vars);
for (let i = 0; i < 30; i++) step(i);
const t0 = performance.now(); for (let i = 0; i < 300; i++) step(i); console.log('step', ((performance.now() - t0) / 300).toFixed(2));
