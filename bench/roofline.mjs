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

/** FLOPs of a Conv2D from its shapes: 2 · output size · (filter height · width · input channels). */
function convFlops(k) {
  const [kh, kw, cin] = k.inputShapes[1];
  return 2 * size(k.outputShapes[0]) * kh * kw * cin;
}

/**
 * The work of profiled kernels: products (BatchMatMul, fused MatMul, Conv2D: FLOPs from their
 * shapes, bytes), element-wise and other kernels (outputs as FLOPs, inputs + outputs as bytes).
 */
export function kernelWork(kernels) {
  const work = { products: { flops: 0, bytes: 0, kernels: 0 }, other: { flops: 0, bytes: 0, kernels: 0 } };
  for (const k of kernels) {
    const bytes = 4 * (k.inputShapes.reduce((a, s) => a + (s ? size(s) : 0), 0) + k.outputShapes.reduce((a, s) => a + (s ? size(s) : 0), 0));
    const product = k.name === 'BatchMatMul' || k.name === '_FusedMatMul' ? matMulFlops(k) : k.name === 'Conv2D' || k.name === 'FusedConv2D' ? convFlops(k) : null;
    if (product != null) {
      work.products.flops += product;
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

/**
 * Profiles `fn` (one training step) and returns its work: its kernels' (kernelWork) and Adam
 * for `params` parameters (TopicKD's own kernel, outside tfjs).
 */
export async function stepWork(fn, params) {
  const prof = await tf.profile(fn);
  return { ...kernelWork(prof.kernels), adam: { flops: 12 * params, bytes: 28 * params } };
}

/**
 * The sentence encoder's work on `texts`: its kernels' (kernelWork) over one `encoder.embed`,
 * with the tokens it read (each text's, at most `maxTokens`) and the padded token slots
 * (texts sorted by length, batches of `batchSize` padded to their longest, as the encoder does).
 */
export async function encoderWork(encoder, texts, { batchSize = 64, maxTokens = 128 } = {}) {
  const lengths = (await Promise.all(texts.map((t) => encoder.tokenize(t)))).map((t) => Math.max(1, Math.min(maxTokens, t.length))).sort((a, b) => a - b);
  let padded = 0;
  for (let s = 0; s < lengths.length; s += batchSize) padded += Math.min(batchSize, lengths.length - s) * lengths[Math.min(lengths.length, s + batchSize) - 1];
  const prof = await tf.profile(async () => {
    await encoder.embed(texts);
  });
  return { ...kernelWork(prof.kernels), documents: texts.length, tokens: lengths.reduce((a, b) => a + b, 0), paddedTokens: padded };
}

/** This machine's peaks on the active backend: the product kernel (GFLOP/s, best of the step's shapes) and a memory copy (GB/s). */
/** The training step's product shapes [M, K, N] (the default of measurePeaks). */
export const STEP_SHAPES = [
  [64, 512, 2000],
  [512, 512, 512],
  [64, 4000, 100],
];
/** The sentence encoder's (USE lite: 297 tokens of a batch of M10 titles; width 256, heads' projections 768, feed-forward 1536). */
export const ENCODER_SHAPES = [
  [297, 256, 768],
  [297, 256, 1536],
  [297, 1536, 256],
];

export function measurePeaks(shapes = STEP_SHAPES) {
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
  const floorMs = (work.products.flops / (peaks.gemmGflops * 1e9) + (work.other.bytes + (work.adam?.bytes ?? 0)) / (peaks.copyGBs * 1e9)) * 1000;
  return { floorMs, ofFloor: msPerStep / floorMs };
}
