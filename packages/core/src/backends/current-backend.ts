import { tf } from '../tfjs/tf.js';
import type { BackendInfo } from '../contracts/backend.js';
import { TopicKDError } from '../errors.js';

let lastActivated: BackendInfo | null = null;

/** Records what a backend reported when it was activated (PluginRegistry.activateBackend does). */
export function noteActivatedBackend(active: BackendInfo): void {
  lastActivated = active;
}

/**
 * What the backend last activated in this thread reports about itself — when its tfjs backend
 * is still the current one; otherwise (another tfjs backend set directly, none activated
 * through a registry) undefined, and callers assume the least.
 */
export function currentBackendInfo(): BackendInfo | undefined {
  return lastActivated && lastActivated.tfjsBackend === tf.getBackend() ? lastActivated : undefined;
}

/** The tfjs backend now current in this process (tfjs has one, process-wide). */
export function currentTfjsBackend(): string {
  return tf.getBackend();
}

/**
 * Makes an activated backend's tfjs backend current again, synchronously. tfjs keeps one
 * current backend per process; an initialised backend is switched to before `setBackend`'s
 * first await, so the switch is complete when this returns. A backend that is not
 * initialised (never activated) cannot be switched to here: activate it.
 */
export function switchTfjsBackend(active: Pick<BackendInfo, 'name' | 'tfjsBackend'>): void {
  if (tf.getBackend() === active.tfjsBackend) return;
  void tf.setBackend(active.tfjsBackend);
  if (tf.getBackend() !== active.tfjsBackend) {
    throw new TopicKDError('BACKEND_SWITCH', `cannot make backend "${active.name}" (tfjs "${active.tfjsBackend}") current again synchronously; it is not initialised — activate it (createTopicKD) first`);
  }
}
