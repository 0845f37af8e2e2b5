import { Backend, ContainerModule } from '@topickd/core';
import { NodeBackend } from './node-backend.js';

export { NodeBackend, TFJS_NODE_PACKAGE, TFJS_NODE_INSTALL_HINT, type NodeEngine, type NodeBackendOptions } from './node-backend.js';
export { loadOpenBlasAddon, addonPath, type OpenBlasAddon, type AddonLoad } from './openblas/addon.js';
export { registerOpenBlasEngine, openBlasStats, OPENBLAS_TFJS_BACKEND, PINNED_TFJS_WASM_VERSION } from './openblas/engine.js';

/**
 * Binds the `node` backend. Binding it costs nothing: tfjs-node and the OpenBLAS addon
 * are loaded only when the backend is probed or activated.
 */
export const nodeBackendModule = new ContainerModule(({ bind }) => {
  bind(Backend).toConstantValue(new NodeBackend());
});

export default nodeBackendModule;
