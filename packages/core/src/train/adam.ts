import { DataError } from '../errors.js';
import { tf } from '../tfjs/tf.js';
import { directFloat32View } from '../tfjs/direct-memory.js';
import { PORTABLE_KERNELS, type BackendKernels, type NativeAdamState } from '../contracts/backend.js';

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
 * The update loop, a top-level function with every value a local or an argument: V8
 * compiles a closure over the optimizer's fields into much slower code (BENCHMARKS.md).
 */
function adamLoop(p: Float32Array, old: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, stepSize: number, invSqrtBc2: number, b1: number, b2: number, eps: number): void {
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const n = p.length;
  for (let j = 0; j < n; j++) {
    const gj = g[j];
    const mj = b1 * m[j] + c1 * gj;
    const vj = b2 * v[j] + c2 * gj * gj;
    m[j] = mj;
    v[j] = vj;
    p[j] = old[j] - (stepSize * mj) / (Math.sqrt(vj) * invSqrtBc2 + eps);
  }
}

/**
 * Adam exactly as PyTorch's `torch.optim.Adam` (the reference CTM's optimizer):
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *   p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
 *
 * The whole update is one fused JavaScript loop per parameter instead of ~10 tensor
 * kernels each (tfjs's Adam dispatches ~160 kernels per step for a CombinedTM). On the
 * cpu and wasm backends it reads gradients and parameters straight from the backends'
 * memory (no copies); it updates in place on cpu and writes a new tensor elsewhere.
 * The moments are plain Float32Arrays, so the state saves and restores exactly.
 *
 * Two paths, chosen by the backend's kernel set: a backend-held state updated natively
 * (`kernels.adamState`, wasm), or the moments here with the update in place (where
 * `kernels.inPlaceWeightUpdates`, by `kernels.adamUpdate` or the loop) or into a new tensor.
 */
export class AdamOptimizer {
  private step = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly eps: number;
  private ownedStorage = false;
  private readonly scratch: Float32Array[] = [];
  /** Moments held by the backend (wasm heap) while training on it; this.m/this.v are then stale. */
  private native: { backend: string; state: NativeAdamState } | null = null;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly o: AdamOptions,
    private readonly kernels: BackendKernels = PORTABLE_KERNELS,
  ) {
    this.eps = o.epsilon ?? 1e-8;
    this.m = vars.map((x) => new Float32Array(x.size));
    this.v = vars.map((x) => new Float32Array(x.size));
  }

  /** Gives every variable its own storage, so that in-place updates touch nothing else. */
  private ensureOwnedStorage(): void {
    if (this.ownedStorage) return;
    for (const x of this.vars) tf.tidy(() => x.assign(tf.add(x, tf.scalar(0))));
    this.ownedStorage = true;
  }

  /** Applies gradients keyed by variable name (as returned by `tf.variableGrads`). */
  apply(grads: Record<string, tf.Tensor>): void {
    this.ensureOwnedStorage();
    this.step++;
    const { learningRate: lr, beta1: b1, beta2: b2 } = this.o;
    const stepSize = lr / (1 - Math.pow(b1, this.step));
    const invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(b2, this.step));
    const eps = this.eps;
    // In place only where the backend allows it (cpu, the OpenBLAS engine): tfjs wasm's
    // XNNPACK caches packed weights per tensor, so a weight changed in place would keep
    // being multiplied in its old form there. A backend's native state (wasm's SIMD Adam)
    // decides for itself.
    const kernels = this.kernels;
    const inPlace = kernels.inPlaceWeightUpdates === true;
    const backend = tf.getBackend();
    if (this.native && this.native.backend !== backend) this.unbindNative();
    if (!inPlace && kernels.adamState && !this.native) {
      const state = kernels.adamState(this.vars.map((x) => x.size));
      this.vars.forEach((_, i) => state.write(i, this.m[i], this.v[i]));
      this.native = { backend, state };
    }
    this.vars.forEach((x, i) => {
      const gt = grads[x.name];
      if (!gt) return;
      if (this.native && this.native.state.update(i, x, gt, stepSize, invSqrtBc2, b1, b2, eps)) return;
      const gView = directFloat32View(gt);
      const xView = directFloat32View(x);
      const m = this.m[i];
      const v = this.v[i];
      if (inPlace && kernels.adamUpdate && gView && xView) {
        kernels.adamUpdate(xView, gView, m, v, stepSize, invSqrtBc2, b1, b2, eps);
        return;
      }
      const g = gView ?? (gt.dataSync() as Float32Array);
      const old = xView ?? (x.dataSync() as Float32Array);
      const direct = inPlace && xView !== null;
      const p = direct ? old : (this.scratch[i] ??= new Float32Array(x.size));
      adamLoop(p, old, g, m, v, stepSize, invSqrtBc2, b1, b2, eps);
      // tf.tensor copies `p` into the backend (wasm heap), so the scratch array can be reused.
      if (!direct) tf.tidy(() => x.assign(tf.tensor(p, x.shape, 'float32')));
    });
  }

  /** Copies backend-held moments (if any) into this.m / this.v. */
  private syncFromNative(): void {
    const native = this.native;
    if (!native) return;
    this.vars.forEach((_, i) => {
      const { m, v } = native.state.read(i);
      this.m[i].set(m);
      this.v[i].set(v);
    });
  }

  /** Copies the backend-held moments back and lets them go. */
  private unbindNative(): void {
    if (!this.native) return;
    this.syncFromNative();
    this.native.state.dispose();
    this.native = null;
  }

  getState(): AdamState {
    this.syncFromNative();
    return { step: this.step, m: this.m.map((a) => a.slice()), v: this.v.map((a) => a.slice()) };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.m.length || s.m.some((a, i) => a.length !== this.m[i].length)) {
      throw new DataError(`optimizer state does not fit the model (${s.m.length} parameters saved, ${this.m.length} in the model); resume with the model the checkpoint was written for`, 'DIMENSION_MISMATCH');
    }
    this.step = s.step;
    s.m.forEach((a, i) => this.m[i].set(a));
    s.v.forEach((a, i) => this.v[i].set(a));
    if (this.native) this.vars.forEach((_, i) => this.native!.state.write(i, this.m[i], this.v[i]));
  }

  /** Frees backend-held moments (their values stay readable through getState). */
  dispose(): void {
    this.unbindNative();
  }
}
