import { Backend, ContainerModule, PluginConfigToken, type PluginConfig } from '@topickd/core/plugin';
import { validateWasmBackendOptions } from '@topickd/backend-wasm';
import { NodeBackend, validateNodeBackendOptions } from './node-backend.js';

export { NodeBackend, validateNodeBackendOptions, TFJS_NODE_PACKAGE, TFJS_NODE_INSTALL_HINT, type NodeEngine, type NodeBackendOptions } from './node-backend.js';
export { loadOpenBlasAddon, addonPath, pinnedOpenBlasCore, type OpenBlasAddon, type AddonLoad } from './openblas/addon.js';
export { registerOpenBlasEngine, openBlasStats, OPENBLAS_TFJS_BACKEND, PINNED_TFJS_WASM_VERSION } from './openblas/engine.js';

/**
 * Binds the `node` backend with its options from the container's config
 * (`backendOptions.node`, and `backendOptions.wasm` for the OpenBLAS engine's wasm tensors).
 * Binding it costs nothing: tfjs-node and the OpenBLAS addon are loaded only when the
 * backend is probed or activated.
 */
export const nodeBackendModule = new ContainerModule(({ bind }) => {
  bind(Backend).toDynamicValue((ctx) => {
    const cfg = ctx.get<PluginConfig>(PluginConfigToken);
    const node = validateNodeBackendOptions(cfg.backendOptions?.node ?? {});
    const wasm = validateWasmBackendOptions(cfg.backendOptions?.wasm ?? {});
    return new NodeBackend(undefined, { ...node, wasm });
  });
});

export default nodeBackendModule;
