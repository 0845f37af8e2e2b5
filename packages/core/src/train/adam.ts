import { tf } from '../tfjs/tf.js';

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon?: number;
}

/** Serializable optimizer state (for checkpoints). */
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * Adam exactly as PyTorch's `torch.optim.Adam` (the reference CTM's optimizer):
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
 * The moments live in tensors beside the variables; state can be saved and restored.
 */
export class AdamOptimizer {
  private step = 0;
  private m: tf.Variable[];
  private v: tf.Variable[];
  private readonly eps: number;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly o: AdamOptions,
  ) {
    this.eps = o.epsilon ?? 1e-8;
    this.m = vars.map((x) => tf.variable(tf.zerosLike(x), false));
    this.v = vars.map((x) => tf.variable(tf.zerosLike(x), false));
  }

  /** Applies gradients keyed by variable name (as returned by `tf.variableGrads`). */
  apply(grads: Record<string, tf.Tensor>): void {
    this.step++;
    const { learningRate: lr, beta1: b1, beta2: b2 } = this.o;
    const bc1 = 1 - Math.pow(b1, this.step);
    const bc2 = 1 - Math.pow(b2, this.step);
    const stepSize = lr / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    tf.tidy(() => {
      this.vars.forEach((x, i) => {
        const g = grads[x.name];
        if (!g) return;
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), this.eps);
        x.assign(tf.sub(x, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  getState(): AdamState {
    return {
      step: this.step,
      m: this.m.map((t) => (t.dataSync() as Float32Array).slice()),
      v: this.v.map((t) => (t.dataSync() as Float32Array).slice()),
    };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.m.length) throw new Error(`optimizer state holds ${s.m.length} parameters, the model has ${this.m.length}`);
    this.step = s.step;
    this.m.forEach((t, i) => t.assign(tf.tensor(s.m[i], t.shape)));
    this.v.forEach((t, i) => t.assign(tf.tensor(s.v[i], t.shape)));
  }

  dispose(): void {
    this.m.forEach((t) => t.dispose());
    this.v.forEach((t) => t.dispose());
  }
}
