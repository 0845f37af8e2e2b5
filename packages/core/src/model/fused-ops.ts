import { tf, type Tensor1D, type Tensor2D } from '../tfjs/tf.js';
import { PORTABLE_KERNELS, type BackendKernels } from '../contracts/backend.js';

/** tf.customGrad's parameter type (not exported by tfjs-core): inputs, then the save function. */
type CustomGradFn = Parameters<typeof tf.customGrad>[0];

/**
 * The VAE's building blocks with gradients written in closed form (`tf.customGrad`).
 * tfjs's tape records every kernel of a composite op and clones each tensor it saves;
 * a fused op is one tape node whose backward pass dispatches only the arithmetic.
 * `test/fused-ops.test.ts` checks each against tfjs's autodiff of the plain formula
 * and against finite differences.
 */

/** Batch norm's ε (PyTorch's BatchNorm1d default). */
export const BN_EPS = 1e-5;

/**
 * Batch norm without affine parameters in training mode:
 *   y = (x − μ_B) · r, r = 1/√(σ²_B + ε), μ_B, σ²_B the batch mean and (biased) variance.
 */
export function batchNormForward(x: tf.Tensor, eps: number, kernels: BackendKernels = PORTABLE_KERNELS): { y: tf.Tensor; r: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const native = kernels.batchNorm?.forward(x, eps);
  if (native) return native;
  const m = tf.moments(x, 0);
  const r = tf.rsqrt(tf.add(m.variance, eps));
  return { y: tf.mul(tf.sub(x, m.mean), r), r, mean: m.mean, variance: m.variance };
}

/** ∂L/∂x of y = batchNormForward(x).y from g = ∂L/∂y: r · (g − mean_B(g) − y · mean_B(g·y)). */
export function batchNormBackward(g: tf.Tensor, y: tf.Tensor, r: tf.Tensor, kernels: BackendKernels = PORTABLE_KERNELS): tf.Tensor {
  const native = kernels.batchNorm?.backward(g, y, r);
  if (native) return native;
  const mg = tf.mean(g, 0);
  const mgy = tf.mean(tf.mul(g, y), 0);
  return tf.mul(r, tf.sub(tf.sub(g, mg), tf.mul(y, mgy)));
}

/**
 * Batch norm in training mode as one tape node (batchNormForward, with
 * batchNormBackward as its gradient). Returns the batch statistics too (owned by the
 * caller's scope).
 */
export function batchNormTrain(x: Tensor2D, eps: number, kernels: BackendKernels = PORTABLE_KERNELS): { y: Tensor2D; mean: Tensor1D; variance: Tensor1D } {
  let mean: tf.Tensor | undefined;
  let variance: tf.Tensor | undefined;
  const f = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const bn = batchNormForward(input, eps, kernels);
    mean = tf.keep(bn.mean);
    variance = tf.keep(bn.variance);
    save([bn.y, bn.r]);
    return { value: bn.y, gradFunc: (dy: tf.Tensor, [ys, rs]: tf.Tensor[]) => batchNormBackward(dy, ys, rs, kernels) };
  }) as unknown as CustomGradFn);
  const y = f(x) as Tensor2D;
  // adopt the statistics into the caller's tidy scope
  const out = { y, mean: tf.clone(mean!) as Tensor1D, variance: tf.clone(variance!) as Tensor1D };
  mean!.dispose();
  variance!.dispose();
  return out;
}

/**
 * Per-document reconstruction loss RL = −Σ_v x_v · log softmax(l)_v (shape [B]);
 *   ∂RL/∂l = softmax(l) · Σ_v x_v − x (times the upstream gradient of each document).
 * The bag of words gets no gradient.
 */
export function reconstructionLoss(bow: Tensor2D, logits: Tensor2D, kernels: BackendKernels = PORTABLE_KERNELS): Tensor1D {
  const native = kernels.reconstructionLoss;
  // One exp over the logits: p = softmax(l) is kept for the backward pass, and
  // −Σ x log p = (Σ x)·logsumexp(l) − Σ x·l.
  const f = tf.customGrad(((l: tf.Tensor, save: tf.GradSaveFunc) => {
    // a backend's one-pass kernel (the wasm backend's): loss and gradient together
    const fused = native?.(bow, l as Tensor2D);
    if (fused) {
      save([fused.grad]);
      return { value: fused.loss, gradFunc: (dy: tf.Tensor, [g]: tf.Tensor[]) => tf.mul(tf.reshape(dy, [-1, 1]), g) };
    }
    const m = tf.max(l, 1, true);
    const e = tf.exp(tf.sub(l, m));
    const z = tf.sum(e, 1, true);
    const p = tf.div(e, z);
    const n = tf.sum(bow, 1, true);
    const lse = tf.add(m, tf.log(z));
    // saved, not captured: tensors made inside a gradient's forward function are gone by the backward pass
    save([p, n, bow]);
    return {
      value: tf.reshape(tf.sub(tf.mul(n, lse), tf.sum(tf.mul(bow, l), 1, true)), [-1]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ps, ns, x] = saved;
        return tf.mul(tf.reshape(dy, [-1, 1]), tf.sub(tf.mul(ps, ns), x));
      },
    };
  }) as unknown as CustomGradFn);
  return f(logits) as Tensor1D;
}

/**
 * Per-document KL(N(μ, σ²) ‖ N(m, v)) with diagonal covariances, σ² = exp(λ) (shape [B]):
 *   KL = ½ (Σ e^λ/v + Σ (m − μ)²/v − K + Σ log v − Σ λ)
 *   ∂/∂μ = (μ − m)/v,  ∂/∂λ = ½ (e^λ/v − 1),
 *   ∂/∂m = Σ_B (m − μ)/v,  ∂/∂v = Σ_B ½ (1/v − (e^λ + (m − μ)²)/v²).
 */
export function gaussianKl(mu: Tensor2D, logvar: Tensor2D, priorMean: tf.Tensor, priorVar: tf.Tensor): Tensor1D {
  const K = mu.shape[1];
  const f = tf.customGrad(((m: tf.Tensor, lv: tf.Tensor, pm: tf.Tensor, pv: tf.Tensor, save: tf.GradSaveFunc) => {
    const ev = tf.exp(lv);
    const diff = tf.sub(pm, m);
    const invV = tf.reciprocal(pv);
    const inner = tf.sub(tf.mul(tf.add(ev, tf.square(diff)), invV), lv);
    const value = tf.mul(0.5, tf.add(tf.sub(tf.sum(inner, 1), K), tf.sum(tf.log(pv))));
    save([ev, diff, invV]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [e, d, iv] = saved;
        const g = tf.reshape(dy, [-1, 1]);
        const dMu = tf.mul(g, tf.mul(tf.neg(d), iv));
        const dLv = tf.mul(g, tf.mul(0.5, tf.sub(tf.mul(e, iv), 1)));
        const dPm = tf.sum(tf.mul(g, tf.mul(d, iv)), 0);
        const dPv = tf.sum(tf.mul(g, tf.mul(0.5, tf.sub(iv, tf.mul(tf.add(e, tf.square(d)), tf.square(iv))))), 0);
        return [dMu, dLv, dPm, dPv];
      },
    };
  }) as unknown as CustomGradFn);
  return f(mu, logvar, priorMean, priorVar) as Tensor1D;
}

/**
 * The reparameterised draw of topic proportions, θ = softmax(μ + exp(½ log σ²)·ε), for
 * any leading shape of ε (one draw per document, or S draws stacked in front: [S, B, K]).
 * The one θ sampler: training, distillation's teacher and inference all call it.
 */
export function sampleTheta(mu: tf.Tensor, logvar: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  const K = mu.shape[mu.rank - 1];
  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps));
  return z.rank === 2 ? tf.softmax(z) : tf.reshape(tf.softmax(tf.reshape(z, [-1, K])), z.shape);
}

/**
 * The VAE's per-document loss from a model's outputs and its prior: reconstruction
 * −Σ x log softmax(wordLogits) plus KL(N(μ, σ²) ‖ N(prior mean, prior variance)), shape [B].
 */
export function vaeLoss(
  bow: Tensor2D,
  out: { mu: Tensor2D; logvar: Tensor2D; wordLogits: Tensor2D },
  prior: { mean: tf.Tensor; variance: tf.Tensor },
  kernels: BackendKernels = PORTABLE_KERNELS,
): Tensor1D {
  return tf.add(reconstructionLoss(bow, out.wordLogits, kernels), gaussianKl(out.mu, out.logvar, prior.mean, prior.variance)) as Tensor1D;
}
