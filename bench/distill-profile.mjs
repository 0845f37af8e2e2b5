// Profiles distillation steps (M10-shaped synthetic data) on a backend: kernel counts and where time goes.
// usage: node bench/distill-profile.mjs [wasm|node]
import { tf, ContextualTopicModel, resolveModelConfig, Random, CsrBuilder, distill } from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
import { NodeBackend } from '@topickd/backend-node';
import { CrossEntropyLoss, WassersteinLoss } from '@topickd/losses';
const which = process.argv[2] ?? 'wasm';
const active = await (which === 'node' ? new NodeBackend() : new WasmBackend()).activate();
const { kernels } = active;
console.log('backend', active.tfjsBackend);
const N = 2048, V = 1696, E = 512, K = 20;
const rng = new Random(1);
const b = new CsrBuilder(V);
for (let i = 0; i < N; i++) { const m = new Map(); for (let j = 0; j < 8; j++) { const w = Math.floor(rng.next() * V); m.set(w, (m.get(w) ?? 0) + 1); } b.addRow(m); }
const inputs = { bow: b.build(), embeddings: { rows: N, cols: E, data: rng.uniformArray(N * E, -0.05, 0.05) } };
const teacher = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 1);
const student = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 2);
const losses = [{ loss: new WassersteinLoss(), weight: 1 }, { loss: new CrossEntropyLoss(), weight: 1 }];
const run = (epochs) => distill(teacher, student, { student: inputs, teacherEmbeddings: inputs.embeddings }, losses, { epochs, alpha: 0.8, temperature: 4, seed: 0, kernels });
await run(1);
let t0 = performance.now();
await run(2);
console.log('ms per step (2 epochs incl. teacher pass)', ((performance.now() - t0) / (2 * N / 64)).toFixed(2));
const prof = await tf.profile(async () => { await distill(teacher, student, { student: inputs, teacherEmbeddings: inputs.embeddings }, losses, { epochs: 1, alpha: 0.8, temperature: 4, seed: 0, batchSize: 2048, kernels }); });
const counts = {}; for (const k of prof.kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
console.log('kernels (one epoch of one 2048-doc batch, incl. teacher pass)', prof.kernels.length, JSON.stringify(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 30)));
