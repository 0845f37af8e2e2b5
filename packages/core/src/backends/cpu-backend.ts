import { tf } from '../tfjs/tf.js';
import type { ActiveBackend, Backend, BackendKernels } from '../contracts/backend.js';
import { BackendUnavailableError } from '../errors.js';

/** tfjs-backend-cpu: plain JavaScript kernels. The reference every backend is compared with, and the fallback. */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly priority = 1;
  readonly description = 'TensorFlow.js CPU backend (plain JavaScript; slow, always available)';

  async probe(): Promise<{ available: boolean; reason?: string }> {
    return { available: tf.findBackendFactory('cpu') != null };
  }

  async activate(): Promise<ActiveBackend> {
    const ok = await tf.setBackend('cpu');
    if (!ok) throw new BackendUnavailableError('cpu', 'the tfjs cpu backend failed to initialise');
    await tf.ready();
    // On its first write the cpu backend prints an advertisement for tfjs-node in Node;
    // TopicKD has its own node backend, so mark that first use as done.
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return { name: this.name, tfjsBackend: tf.getBackend(), threads: 1, canTrain: true, kernels: CPU_KERNELS, numerics: 'cpu', stableBatch: { rows: 1, tokens: 1 } };
  }
}

/** The cpu backend's tensors are JavaScript arrays: updated in place; transposed products cost the same. */
export const CPU_KERNELS: BackendKernels = Object.freeze({ inPlaceWeightUpdates: true, fastTransposedMatMul: true });
