import { describe, it, expect, beforeAll } from 'vitest';
import { tf, CpuBackend, ContextualTopicModel, resolveModelConfig, Random, vaeLoss, type TrainForward, type Batch, type InputLayout } from '@topickd/core/plugin';

// The hand-written backward pass against tfjs's autodiff (the tape) of the same, one
// forward pass, for every input layout the model supports, with dropout on (same seeds ⇒
// same masks).

type Loss = (m: ContextualTopicModel, batch: Batch, f: TrainForward) => tf.Tensor1D;
const vae: Loss = (m, batch, f) => vaeLoss(batch.bow, f, m.prior());
// a loss that also reads θ and weights the documents unequally, like a distillation loss might
const withTheta: Loss = (m, batch, f) =>
  tf.add(tf.mul(vae(m, batch, f), tf.linspace(0.5, 1.5, batch.bow.shape[0])), tf.sum(tf.mul(tf.square(f.theta), 3), 1)) as tf.Tensor1D;
// a loss that reads the decoder's logits before batch norm as well as after (ce with logits "pre-bn" does)
const withPreBn: Loss = (m, batch, f) =>
  tf.add(vae(m, batch, f), tf.neg(tf.sum(tf.mul(tf.softmax(tf.mul(f.wordLogits, 0.5)), tf.logSoftmax(tf.div(f.preBnWordLogits!, 2))), 1))) as tf.Tensor1D;

function gradsBoth(kind: 'combined' | 'zeroshot' | 'bow-only', hidden: number[], dropout: number, loss: Loss) {
  const V = 9;
  const E = 6;
  const K = 4;
  const B = 5;
  const layout: InputLayout = kind === 'combined' ? 'bow+embedding' : kind === 'zeroshot' ? 'embedding' : 'bow';
  const model = new ContextualTopicModel(resolveModelConfig({ kind, numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: hidden, dropout }), 3, layout);
  const r = new Random(8);
  const bowData = Float32Array.from({ length: B * V }, () => Math.floor(r.next() * 3));
  const embData = r.uniformArray(B * E, -1, 1);
  const vars = model.trainableVariables();
  let result!: { values: number[]; pairs: { name: string; tape: number[]; manual: number[] | null }[] };
  tf.tidy(() => {
    const batch = { bow: tf.tensor2d(bowData, [B, V]), embeddings: tf.tensor2d(embData, [B, E]) };
    const tape = tf.variableGrads(() => tf.sum(loss(model, batch, model.forwardTrain(batch, new Random(21)).forward)) as tf.Scalar, vars);
    const { forward, cache } = model.forwardTrain(batch, new Random(21));
    const priors = vars.filter((v) => v.name.startsWith('prior.'));
    expect(forward.preBnWordLogits?.shape).toEqual([B, V]);
    const res = tf.engine().gradients(() => tf.sum(loss(model, batch, forward)) as tf.Scalar, [forward.mu, forward.logvar, forward.theta, forward.wordLogits, forward.preBnWordLogits!, ...priors], undefined, true);
    const [gMu, gLv, gTheta, gL, gPre, ...gP] = res.grads as tf.Tensor2D[];
    const manual = model.backward(cache, { mu: gMu, logvar: gLv, theta: gTheta, wordLogits: gL, preBnWordLogits: gPre });
    priors.forEach((v, i) => (manual[v.name] = gP[i]));
    result = {
      values: [tape.value.dataSync()[0], res.value.dataSync()[0]],
      pairs: vars.map((v) => ({ name: v.name, tape: Array.from(tape.grads[v.name].dataSync()), manual: manual[v.name] ? Array.from(manual[v.name].dataSync()) : null })),
    };
  });
  model.dispose();
  return result;
}

describe('manual backward pass', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });
  const cases: [('combined' | 'zeroshot' | 'bow-only'), number[], number, Loss, string][] = [
    ['bow-only', [7, 5], 0.2, vae, 'VAE loss'],
    ['bow-only', [], 0.2, withTheta, 'a loss that reads θ'],
    ['combined', [7, 5], 0.2, vae, 'VAE loss'],
    ['combined', [], 0.2, vae, 'VAE loss'],
    ['zeroshot', [7], 0.2, vae, 'VAE loss'],
    ['zeroshot', [], 0, vae, 'VAE loss'],
    ['combined', [7], 0.2, withTheta, 'a loss that reads θ'],
    ['zeroshot', [7, 5], 0.2, withTheta, 'a loss that reads θ'],
    ['zeroshot', [7], 0.2, withPreBn, 'a loss that reads the logits before batch norm'],
    ['combined', [7, 5], 0.2, withPreBn, 'a loss that reads the logits before batch norm'],
  ];
  for (const [kind, hidden, dropout, loss, what] of cases) {
    it(`${kind}, hidden [${hidden}], dropout ${dropout}, ${what}: every parameter's gradient equals tfjs's autodiff`, () => {
      const { values, pairs } = gradsBoth(kind, hidden, dropout, loss);
      expect(values[1]).toBeCloseTo(values[0], 4);
      // differences relative to the largest gradient of the model: a bias followed by batch
      // norm has gradient 0, which both sides compute as float32 noise
      const global = Math.max(...pairs.flatMap((p) => p.tape.map(Math.abs)));
      for (const p of pairs) {
        expect(p.manual, p.name).not.toBeNull();
        const scale = Math.max(global * 1e-2, ...p.tape.map(Math.abs));
        const diff = Math.max(...p.tape.map((t, i) => Math.abs(t - p.manual![i])));
        expect(diff / scale, p.name).toBeLessThan(1e-4);
      }
    });
  }
});
