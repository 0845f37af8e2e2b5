import { BackendUnavailableError } from '@topickd/core/plugin';

/**
 * The errors of the node backend: every failure is a BackendUnavailableError (code
 * BACKEND_UNAVAILABLE) for backend "node", saying which engine could not start, why, and
 * how to get one (see TFJS_NODE_INSTALL_HINT) or fall back.
 */
export function nodeUnavailable(reason: string, cause?: unknown): BackendUnavailableError {
  return new BackendUnavailableError('node', reason, cause);
}
