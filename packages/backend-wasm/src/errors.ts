import { BackendUnavailableError } from '@topickd/core/plugin';

/**
 * The errors of the wasm backend: every failure is a BackendUnavailableError (code
 * BACKEND_UNAVAILABLE) for backend "wasm", whose message says what is missing here and
 * what to do; a pipeline configured with `fallback` continues on its fallback.
 */
export function wasmUnavailable(reason: string, cause?: unknown): BackendUnavailableError {
  return new BackendUnavailableError('wasm', reason, cause);
}
