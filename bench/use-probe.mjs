import { join } from 'node:path';
import { loadOctis } from '@topickd/core/node';
import { WasmBackend } from '@topickd/backend-wasm';
import { NodeBackend } from '@topickd/backend-node';
import { UseEncoder } from '@topickd/encoders';
console.log((await (process.argv[2] === 'node' ? new NodeBackend() : new WasmBackend()).activate()).tfjsBackend);
const texts = loadOctis(join(process.cwd(), 'datasets', 'm10')).documents.slice(0, 1000);
const enc = new UseEncoder();
await enc.load();
await enc.embed(texts.slice(0, 64));
for (const bs of [64, 128, 256, 64]) {
  const t0 = performance.now();
  await enc.embed(texts, { batchSize: bs });
  console.log('batch', bs, (1000 / ((performance.now() - t0) / 1000)).toFixed(0), 'docs/s');
}
const m = enc.model;
const orig = m.executeAsync.bind(m);
m.executeAsync = async (inp) => m.execute(inp);
try {
  for (const bs of [64, 64]) {
    const t0 = performance.now();
    await enc.embed(texts, { batchSize: bs });
    console.log('sync execute, batch', bs, (1000 / ((performance.now() - t0) / 1000)).toFixed(0), 'docs/s');
  }
} catch (e) { console.log('sync execute failed:', e.message.slice(0, 200)); }
m.executeAsync = orig;
const { tf } = await import('@topickd/core');
const prof = await tf.profile(async () => { await enc.embed(texts.slice(0, 256), { batchSize: 64 }); });
const t = {}; const c = {};
for (const k of prof.kernels) { t[k.name] = (t[k.name] ?? 0) + k.kernelTimeMs; c[k.name] = (c[k.name] ?? 0) + 1; }
console.log(JSON.stringify(Object.entries(t).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => [k, +v.toFixed(1), c[k]])));
const prof2 = await tf.profile(async () => { await enc.embed(texts.slice(0, 64), { batchSize: 64 }); });
for (const k of prof2.kernels.filter((k) => k.name === 'Conv2D' || k.name === 'BatchMatMul').slice(0, 12)) console.log(k.name, JSON.stringify(k.inputShapes), JSON.stringify(k.outputShapes), k.kernelTimeMs.toFixed(1));
