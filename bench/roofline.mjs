// The roofline of a training step: what one step computes and moves, measured from the
// kernels it runs (tf.profile: products' FLOPs from their shapes, element-wise work and bytes
// from their inputs and outputs) plus Adam (TopicKD's own kernel, outside tfjs: counted per
// parameter), against this machine's measured peaks — the product kernel's GFLOP/s and a
// memory copy's GB/s — to give the step's floor and how far above it the step runs.
import { tf } from '@topickd/core/plugin';

const size = (shape) => shape.reduce((a, b) => a * b, 1);

/** FLOPs of a BatchMatMul from its shapes: 2·M·N·K per output matrix. */
function matMulFlops(k) {
  const [a] = k.inputShapes;
  const out = k.outputShapes[0];
  const M = out[out.length - 2];
  const r = a.length;
  const inner = a[r - 2] === M && a[r - 1] !== M ? a[r - 1] : a[r - 2] === M ? a[r - 1] : a[r - 2];
  return 2 * size(out) * inner;
}

/**
 * Profiles `fn` (one training step) and returns its work: products (FLOPs, bytes), element-wise
 * and other kernels (outputs as FLOPs, inputs + outputs as bytes), Adam for `params` parameters.
 */
export async function stepWork(fn, params) {
  const prof = await tf.profile(fn);
  const work = { products: { flops: 0, bytes: 0, kernels: 0 }, other: { flops: 0, bytes: 0, kernels: 0 }, adam: { flops: 12 * params, bytes: 28 * params } };
  for (const k of prof.kernels) {
    const bytes = 4 * (k.inputShapes.reduce((a, s) => a + (s ? size(s) : 0), 0) + k.outputShapes.reduce((a, s) => a + (s ? size(s) : 0), 0));
    if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') {
      work.products.flops += matMulFlops(k);
      work.products.bytes += bytes;
      work.products.kernels++;
    } else {
      work.other.flops += k.outputShapes.reduce((a, s) => a + (s ? size(s) : 0), 0);
      work.other.bytes += bytes;
      work.other.kernels++;
    }
  }
  return work;
}

/** This machine's peaks on the active backend: the product kernel (GFLOP/s, best of the step's shapes) and a memory copy (GB/s). */
export function measurePeaks() {
  const shapes = [
    [64, 512, 2000],
    [512, 512, 512],
    [64, 4000, 100],
  ];
  let gflops = 0;
  for (const [M, K, N] of shapes) {
    const a = tf.randomUniform([M, K]);
    const b = tf.randomUniform([K, N]);
    for (let i = 0; i < 3; i++) tf.matMul(a, b).dispose();
    const reps = Math.max(3, Math.round(2e9 / (2 * M * N * K)));
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.matMul(a, b).dataSync();
    const s = (performance.now() - t0) / 1000;
    gflops = Math.max(gflops, (2 * M * N * K * reps) / s / 1e9);
    a.dispose();
    b.dispose();
  }
  // memory: copy 64 MB (read + write), best of 5
  const src = new Float32Array(16 * 2 ** 20).fill(1);
  const dst = new Float32Array(src.length);
  let gbs = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    dst.set(src);
    gbs = Math.max(gbs, (2 * src.byteLength) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return { gemmGflops: gflops, copyGBs: gbs };
}

/** The floor of a step: its products at the kernel's peak plus its other kernels' and Adam's bytes at the copy's (they run one after another). */
export function roofline(work, peaks, msPerStep) {
  const floorMs = (work.products.flops / (peaks.gemmGflops * 1e9) + (work.other.bytes + work.adam.bytes) / (peaks.copyGBs * 1e9)) * 1000;
  return { floorMs, ofFloor: msPerStep / floorMs };
}
