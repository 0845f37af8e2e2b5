// Universal Sentence Encoder speed on the wasm backend: 2,000 M10 titles, three passes.
// usage: node bench/use-speed.mjs [--xnnpack] [--no-fma] [--no-copies]
//   --xnnpack: tfjs's XNNPACK products instead of TopicKD's SIMD kernel; --no-fma: plain SIMD;
//   --no-copies: tfjs's Slice and GatherV2 instead of block copies in the heap
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOctis } from '@topickd/core/node';
import { WasmBackend } from '@topickd/backend-wasm';
import { UseEncoder } from '@topickd/encoders';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const flag = (f) => process.argv.includes(f);
const info = await new WasmBackend({ simdMatMul: !flag('--xnnpack'), relaxedSimd: !flag('--no-fma'), heapCopies: !flag('--no-copies') }).activate();
console.log(info.detail, flag('--no-copies') ? '(tfjs Slice/GatherV2)' : '(block copies)');
const texts = loadOctis(join(root, 'datasets', 'm10')).documents.slice(0, 2000);
const enc = new UseEncoder();
await enc.load();
await enc.embed(texts.slice(0, 64));
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  await enc.embed(texts);
  console.log(`pass ${r + 1}: ${(texts.length / ((performance.now() - t0) / 1000)).toFixed(0)} docs/s`);
}
