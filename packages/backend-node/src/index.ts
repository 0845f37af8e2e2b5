import { Backend, ContainerModule } from '@topickd/core';
import { NodeBackend } from './node-backend.js';

export { NodeBackend, TFJS_NODE_PACKAGE, TFJS_NODE_INSTALL_HINT } from './node-backend.js';

/** Binds the `node` backend. Binding it costs nothing: tfjs-node is imported only when the backend is probed or activated. */
export const nodeBackendModule = new ContainerModule(({ bind }) => {
  bind(Backend).toConstantValue(new NodeBackend());
});

export default nodeBackendModule;
