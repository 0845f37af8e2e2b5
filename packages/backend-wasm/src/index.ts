import { Backend, ContainerModule, PluginConfigToken, type PluginConfig } from '@topickd/core/plugin';
import { WasmBackend, validateWasmBackendOptions, type WasmBackendOptions } from './wasm-backend.js';

export { WasmBackend, validateWasmBackendOptions, type WasmBackendOptions } from './wasm-backend.js';
export { installWasmMatMulGradient } from './matmul-gradient.js';
export { pointwiseConvStats } from './pointwise-conv.js';
export { registerWasmKernelSet, kernelSetName, wasmGemmVariant, wasmGemmThreads, wasmGemmActive, xnnpackProducts, WASM_KERNEL_SET_PREFIX, type WasmKernelSettings } from './kernel-set.js';

/**
 * A ContainerModule binding the wasm backend. Without options, the backend takes them from
 * the container's config (`backendOptions.wasm`); with options, those.
 */
export function wasmBackendModule(options?: WasmBackendOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    if (options) bind(Backend).toConstantValue(new WasmBackend(options));
    else
      bind(Backend).toDynamicValue((ctx) => {
        const cfg = ctx.get<PluginConfig>(PluginConfigToken);
        return new WasmBackend(validateWasmBackendOptions(cfg.backendOptions?.wasm ?? {}));
      });
  });
}

export default wasmBackendModule();
export { wasmGemmStats, relaxedSimdSupported, enableRelaxedSimdInNode } from './gemm/wasm-gemm.js';
export { gemmPool, gemmPoolStats, GemmPool, POOL_MIN_FLOPS } from './gemm/gemm-pool.js';
export { columnReductionStats } from './gemm/column-reduction.js';
export { wasmFusedAvailable, wasmReconstructionLoss, wasmBatchNormForward, wasmBatchNormBackward, wasmExp } from './fused/wasm-fused.js';
export { heapCopyStats } from './copy/heap-copy-kernels.js';
export { wasmAdamState, wasmAdamAvailable } from './adam/wasm-adam.js';
