import { tf, type Tensor1D, type Tensor2D } from '../tfjs/tf.js';
import { PORTABLE_KERNELS, type BackendKernels } from '../contracts/backend.js';
import type { Batch, OutputGradients, TrainForward } from '../contracts/topic-model.js';
import { BN_EPS, batchNormBackward, batchNormForward, sampleTheta } from './fused-ops.js';
import type { Random } from '../util/random.js';
import type { TopicModelConfig } from '../contracts/topic-model.js';

/**
 * What the inference network reads: `bow+embedding` ([x, W·e], CombinedTM), `embedding`
 * (e, ZeroShotTM) or `bow` (x alone, ProdLDA's encoder).
 */
export type InputLayout = 'bow+embedding' | 'embedding' | 'bow';

/** The network these passes run: its parameters by name, its config and input layout (ContextualTopicModel). */
export interface Network {
  readonly params: Map<string, tf.Variable>;
  readonly config: TopicModelConfig;
  readonly input: InputLayout;
  /** The first layer's input for a batch. */
  encoderInput(batch: Batch): Tensor2D;
  /** θ → word logits; default: the product of experts BN(θβ) (ProdLDA, CombinedTM, ZeroShotTM). */
  readonly decoder?: Decoder;
}

/**
 * The decoder part of the training pass, with its backward pass written out: word logits
 * from θ (after dropout), and from their gradient the gradient with respect to θ and the
 * decoder's parameters (keyed by parameter name). Plugin models with another decoder
 * (NeuralLDA's and ETM's mixture θ·softmax(·)) supply one and keep core's encoder passes.
 */
export interface Decoder {
  /** `preBnWordLogits`: the logits before the decoder's batch norm, for a decoder that has one. */
  forward(theta: Tensor2D, stats: TrainForward['bnStats'], kernels: BackendKernels): { wordLogits: Tensor2D; preBnWordLogits?: Tensor2D; cache: unknown };
  /**
   * `gWordLogits` undefined: the loss did not read the word logits (zero gradients).
   * `gPreBn`: a gradient with respect to `preBnWordLogits` as well (a decoder without them never gets one).
   */
  backward(gWordLogits: Tensor2D | undefined, theta: Tensor2D, cache: unknown, kernels: BackendKernels, gPreBn?: Tensor2D): { gTheta: Tensor2D | null; grads: Record<string, tf.Tensor> };
}

/** The product-of-experts decoder l = BN(θβ) (batch norm without affine over the batch). */
export function productOfExpertsDecoder(params: Map<string, tf.Variable>): Decoder {
  const beta = () => params.get('beta')! as unknown as Tensor2D;
  return {
    forward: (theta, stats, kernels) => {
      const pre = tf.matMul(theta, beta()) as Tensor2D;
      const bn = bnForward(pre, 'beta', stats, kernels);
      return { wordLogits: bn.y, preBnWordLogits: pre, cache: bn };
    },
    backward: (g, theta, cache, kernels, gPreBn) => {
      if (!g && !gPreBn) return { gTheta: null, grads: { beta: tf.zeros(beta().shape) } };
      const throughBn = g ? bnBackward(g, cache as { y: Tensor2D; r: Tensor1D }, kernels) : undefined;
      const gPre = (throughBn && gPreBn ? tf.add(throughBn, gPreBn) : (throughBn ?? gPreBn)) as Tensor2D;
      const flags = kernels.fastTransposedMatMul === true;
      return {
        grads: { beta: (flags ? tf.matMul(theta, gPre, true, false) : tf.matMul(tf.transpose(theta), gPre)) as Tensor2D },
        gTheta: (flags ? tf.matMul(gPre, beta(), false, true) : tf.matMul(gPre, tf.transpose(beta()))) as Tensor2D,
      };
    },
  };
}

export type { OutputGradients } from '../contracts/topic-model.js';

/**
 * The training-mode forward pass of a ContextualTopicModel that keeps what its backward
 * pass needs, and that backward pass written out by hand: tfjs's tape records
 * every kernel and clones every tensor it saves, which costs as much as the arithmetic
 * for models this small. The loss itself (RL + KL, distillation losses, plugins) is
 * still differentiated by tfjs, but only from the model's outputs (μ, log σ², θ, word
 * logits) and the prior, a few kernels; `backward` carries those gradients through the
 * network. This is the model's only training forward pass: `test/manual-gradients.test.ts`
 * checks `backward` against tfjs's autodiff (the tape) of this same forward pass, run with
 * portable kernels, which the tape can differentiate.
 */
export interface ForwardCache {
  batch: Batch;
  /** Input of the first layer: [x, W·e + b] (bow+embedding), e or x. */
  input: Tensor2D;
  /** Pre-activations and outputs of the softplus layers. */
  pre: Tensor2D[];
  act: Tensor2D[];
  /** Dropout multipliers (null without dropout) after the trunk and on θ. */
  hMask: Tensor2D | null;
  thetaMask: Tensor2D | null;
  /** Trunk output after dropout (the heads' input). */
  trunk: Tensor2D;
  /** Batch-norm outputs and reciprocal standard deviations of μ and log σ². */
  bn: { mu: { y: Tensor2D; r: Tensor1D }; logvar: { y: Tensor2D; r: Tensor1D } };
  /** What the decoder's backward pass needs. */
  decoder: unknown;
  eps: Tensor2D;
  /** softmax(z) before dropout, and θ after it (the decoder's input). */
  thetaSoft: Tensor2D;
  thetaDrop: Tensor2D;
}

function bnForward(x: Tensor2D, name: string, stats: TrainForward['bnStats'], kernels: BackendKernels): { y: Tensor2D; r: Tensor1D } {
  const { y, r, mean, variance } = batchNormForward(x, BN_EPS, kernels);
  stats.push({ name, mean: mean as Tensor1D, variance: variance as Tensor1D });
  return { y: y as Tensor2D, r: r as Tensor1D };
}

const bnBackward = (g: Tensor2D, c: { y: Tensor2D; r: Tensor1D }, kernels: BackendKernels) => batchNormBackward(g, c.y, c.r, kernels) as Tensor2D;

/** tf.dropout's multiplier, computed as tf.dropout does (same seed, same values). */
function dropoutMask(shape: number[], rate: number, seed: number): Tensor2D {
  const keep = 1 - rate;
  return tf.div(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), keep)), keep) as Tensor2D;
}

export function forwardTrainWithCache(model: Network, batch: Batch, rng: Random, kernels: BackendKernels = PORTABLE_KERNELS): { forward: TrainForward; cache: ForwardCache } {
  const P = (n: string) => model.params.get(n)! as unknown as Tensor2D;
  const dense = (x: Tensor2D, n: string) => tf.add(tf.matMul(x, P(`${n}.weight`)), P(`${n}.bias`)) as Tensor2D;
  const stats: TrainForward['bnStats'] = [];
  const rate = model.config.dropout;
  const input = model.encoderInput(batch);
  const pre: Tensor2D[] = [];
  const act: Tensor2D[] = [];
  let h = input;
  model.config.hiddenSizes.forEach((_, i) => {
    const z = dense(h, `hidden${i}`);
    pre.push(z);
    h = tf.softplus(z) as Tensor2D;
    act.push(h);
  });
  const hMask = rate > 0 ? dropoutMask(h.shape, rate, rng.seed()) : null;
  const trunk = hMask ? (tf.mul(h, hMask) as Tensor2D) : h;
  const mu = bnForward(dense(trunk, 'mu'), 'mu', stats, kernels);
  const logvar = bnForward(dense(trunk, 'logvar'), 'logvar', stats, kernels);
  const eps = tf.randomNormal(mu.y.shape, 0, 1, 'float32', rng.seed()) as Tensor2D;
  const thetaSoft = sampleTheta(mu.y, logvar.y, eps) as Tensor2D;
  const thetaMask = rate > 0 ? dropoutMask(thetaSoft.shape, rate, rng.seed()) : null;
  const thetaDrop = thetaMask ? (tf.mul(thetaSoft, thetaMask) as Tensor2D) : thetaSoft;
  const decoded = (model.decoder ?? productOfExpertsDecoder(model.params)).forward(thetaDrop, stats, kernels);
  const forward: TrainForward = { mu: mu.y, logvar: logvar.y, theta: thetaDrop, wordLogits: decoded.wordLogits, ...(decoded.preBnWordLogits ? { preBnWordLogits: decoded.preBnWordLogits } : {}), bnStats: stats };
  return { forward, cache: { batch, input, pre, act, hMask, thetaMask, trunk, bn: { mu, logvar }, decoder: decoded.cache, eps, thetaSoft, thetaDrop } };
}

/**
 * Carries output gradients through the network; returns the gradient of every
 * trainable parameter except the prior (whose gradient comes with the loss), keyed by
 * variable name, as tf.variableGrads does.
 */
export function backward(model: Network, c: ForwardCache, g: OutputGradients, kernels: BackendKernels = PORTABLE_KERNELS): Record<string, tf.Tensor> {
  const P = (n: string) => model.params.get(n)! as unknown as Tensor2D;
  const out: Record<string, tf.Tensor> = {};
  const put = (n: string, t: tf.Tensor) => (out[model.params.get(n)!.name] = t);
  // aᵀ·b and a·bᵀ: with transpose flags where the backend multiplies them at full speed,
  // else transposed explicitly (tfjs wasm's XNNPACK leaves its fast path with the flags).
  const flags = kernels.fastTransposedMatMul === true;
  const atb = (a: Tensor2D, b: Tensor2D) => (flags ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b)) as Tensor2D;
  const abt = (a: Tensor2D, b: Tensor2D) => (flags ? tf.matMul(a, b, false, true) : tf.matMul(a, tf.transpose(b))) as Tensor2D;
  const { config } = model;
  const B = c.batch.bow.shape[0];
  const K = config.numTopics;

  // decoder: l = BN(θd·β) by default
  let gTheta: Tensor2D | null = g.theta ?? null;
  const dec = (model.decoder ?? productOfExpertsDecoder(model.params)).backward(g.wordLogits, c.thetaDrop, c.decoder, kernels, g.preBnWordLogits);
  for (const [n, t] of Object.entries(dec.grads)) put(n, t);
  if (dec.gTheta) gTheta = gTheta ? (tf.add(gTheta, dec.gTheta) as Tensor2D) : dec.gTheta;
  // θd = θ·mask; θ = softmax(z), z = μ + exp(½ log σ²)·ε
  let gMu = g.mu ?? null;
  let gLv = g.logvar ?? null;
  if (gTheta) {
    const gSoft = c.thetaMask ? (tf.mul(gTheta, c.thetaMask) as Tensor2D) : gTheta;
    const gz = tf.mul(c.thetaSoft, tf.sub(gSoft, tf.sum(tf.mul(gSoft, c.thetaSoft), 1, true))) as Tensor2D;
    gMu = gMu ? (tf.add(gMu, gz) as Tensor2D) : gz;
    const gzLv = tf.mul(gz, tf.mul(tf.mul(tf.exp(tf.mul(c.bn.logvar.y, 0.5)), c.eps), 0.5)) as Tensor2D;
    gLv = gLv ? (tf.add(gLv, gzLv) as Tensor2D) : gzLv;
  }
  gMu ??= tf.zeros([B, K]) as Tensor2D;
  gLv ??= tf.zeros([B, K]) as Tensor2D;
  // heads: μ = BN(trunk·Wμ + bμ), log σ² = BN(trunk·Wλ + bλ)
  const gMuPre = bnBackward(gMu, c.bn.mu, kernels);
  const gLvPre = bnBackward(gLv, c.bn.logvar, kernels);
  put('mu.weight', atb(c.trunk, gMuPre));
  put('mu.bias', tf.sum(gMuPre, 0));
  put('logvar.weight', atb(c.trunk, gLvPre));
  put('logvar.bias', tf.sum(gLvPre, 0));
  const layers = config.hiddenSizes.map((_, i) => `hidden${i}`);
  const needInputGrad = model.input === 'bow+embedding';
  const V = config.vocabSize;
  // gradient with respect to the adapted-embedding half of the first layer's input
  const adaptHalf = (gOut: Tensor2D, w: Tensor2D) => abt(gOut, tf.slice(w, [V, 0], [V, w.shape[1]]) as Tensor2D);
  let gAdapt: Tensor2D | null = null;
  if (layers.length === 0) {
    if (needInputGrad) {
      // the heads read the dropped-out input directly
      gAdapt = tf.add(adaptHalf(gMuPre, P('mu.weight')), adaptHalf(gLvPre, P('logvar.weight'))) as Tensor2D;
      if (c.hMask) gAdapt = tf.mul(gAdapt, tf.slice(c.hMask, [0, V], [B, V])) as Tensor2D;
    }
  } else {
    let gH = tf.add(abt(gMuPre, P('mu.weight')), abt(gLvPre, P('logvar.weight'))) as Tensor2D;
    if (c.hMask) gH = tf.mul(gH, c.hMask) as Tensor2D;
    for (let i = layers.length - 1; i >= 0; i--) {
      const gPre = tf.mul(gH, tf.sigmoid(c.pre[i])) as Tensor2D; // softplus' = sigmoid
      const inp = i === 0 ? c.input : c.act[i - 1];
      put(`${layers[i]}.weight`, atb(inp, gPre));
      put(`${layers[i]}.bias`, tf.sum(gPre, 0));
      if (i > 0) gH = abt(gPre, P(`${layers[i]}.weight`));
      else if (needInputGrad) gAdapt = adaptHalf(gPre, P(`${layers[i]}.weight`));
    }
  }
  if (gAdapt) {
    put('adapt.weight', atb(c.batch.embeddings, gAdapt));
    put('adapt.bias', tf.sum(gAdapt, 0));
  }
  return out;
}
