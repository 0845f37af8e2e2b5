import { wasmUnavailable } from './errors.js';
import { tf } from '@topickd/core/plugin';
import { xnnpackProducts } from './kernel-set.js';

/**
 * tfjs's BatchMatMul gradient computes dy·bᵀ and aᵀ·dy with the `transposeA/B` flags,
 * which take XNNPACK off its fast path on the wasm backend, so the tape's backward pass
 * cost several times the forward. This gradient transposes explicitly and then
 * multiplies plainly: the same numbers, faster (BENCHMARKS.md).
 * On any other backend, where TopicKD's SIMD product runs (it takes the flags at full
 * speed: gemm/wasm-gemm.ts), and for batched (rank > 2) products, tfjs's own gradient runs.
 * (TopicKD's training computes its gradients itself; this serves tfjs's tape: plugin
 * losses, the tape reference, other users of tfjs.)
 */
let installed = false;

export function installWasmMatMulGradient(): void {
  if (installed) return;
  const original = tf.getGradient('BatchMatMul');
  if (!original) throw wasmUnavailable('tfjs has no BatchMatMul gradient registered; import @topickd/core first');
  const T = (x: tf.Tensor) => tf.transpose(x);
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const dyT = dy as tf.Tensor;
      if (!xnnpackProducts() || a.rank !== 2 || b.rank !== 2) return original.gradFunc(dy, saved, attrs);
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D);
      if (!transposeA && !transposeB) return { a: () => mm(dyT, T(b)), b: () => mm(T(a), dyT) };
      if (!transposeA && transposeB) return { a: () => mm(dyT, b), b: () => mm(T(dyT), a) };
      if (transposeA && !transposeB) return { a: () => mm(b, T(dyT)), b: () => mm(a, dyT) };
      return { a: () => mm(T(b), T(dyT)), b: () => mm(T(dyT), T(a)) };
    },
  });
  installed = true;
}
