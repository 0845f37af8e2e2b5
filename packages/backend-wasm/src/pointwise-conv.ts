import { tf } from '@topickd/core/plugin';
import { overrideKernel, type KernelFn } from './wasm-heap.js';

/**
 * A 1×1 Conv2D (stride 1, dilation 1, NHWC) is a matrix product:
 *   out[N·H·W, Cout] = x[N·H·W, Cin] · filter[Cin, Cout].
 * The Universal Sentence Encoder applies its dense layers this way, to inputs whose
 * length changes with every batch; tfjs wasm's Conv2D rebuilds (and repacks) its XNNPACK
 * operator for every new input shape, which made those convolutions many times slower than
 * the same product through BatchMatMul, whose operator is built once per filter (BENCHMARKS.md).
 * This routes such convolutions through the active backend's BatchMatMul; any other
 * convolution runs tfjs's own kernel.
 */
type Info = tf.TensorInfo;

/** How many convolutions ran as matrix products and how many with tfjs's kernel (for tests and profiles). */
export const pointwiseConvStats = { matmul: 0, conv: 0 };

/** Replaces Conv2D of the tfjs backend `backendName` (a TopicKD kernel set): 1×1 convolutions run as products. */
export function installPointwiseConv2D(backendName: string): boolean {
  return overrideKernel('Conv2D', backendName, pointwiseAsMatMul, (fast) => (fast ? pointwiseConvStats.matmul++ : pointwiseConvStats.conv++));
}

function pointwiseAsMatMul(args: Parameters<KernelFn>[0]): Info | null {
  const { x, filter } = args.inputs;
  const a = (args.attrs ?? {}) as { strides?: number | number[]; dilations?: number | number[]; dataFormat?: string };
  const ones = (v: number | number[] | undefined) => v === undefined || (Array.isArray(v) ? v.every((s) => s === 1) : v === 1);
  const pointwise =
    x.dtype === 'float32' && filter.dtype === 'float32' && x.shape.length === 4 && filter.shape[0] === 1 && filter.shape[1] === 1 && ones(a.strides) && ones(a.dilations) && (a.dataFormat ?? 'NHWC') === 'NHWC';
  const active = tf.getBackend();
  const mm = tf.getKernel('BatchMatMul', active)?.kernelFunc as unknown as KernelFn | undefined;
  const reshape = tf.getKernel('Reshape', active)?.kernelFunc as unknown as KernelFn | undefined;
  if (!pointwise || !mm || !reshape) return null;
  const [n, h, w, cin] = x.shape;
  const cout = filter.shape[3];
  const be = args.backend as { disposeData(id: object): void };
  const x2 = reshape({ inputs: { x }, backend: args.backend, attrs: { shape: [n * h * w, cin] } });
  const f2 = reshape({ inputs: { x: filter }, backend: args.backend, attrs: { shape: [cin, cout] } });
  const y = mm({ inputs: { a: x2, b: f2 }, backend: args.backend, attrs: { transposeA: false, transposeB: false } });
  const out = reshape({ inputs: { x: y }, backend: args.backend, attrs: { shape: [n, h, w, cout] } });
  be.disposeData(x2.dataId);
  be.disposeData(f2.dataId);
  be.disposeData(y.dataId);
  return out;
}
