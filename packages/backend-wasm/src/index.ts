import { Backend, ContainerModule } from '@topickd/core';
import { WasmBackend, type WasmBackendOptions } from './wasm-backend.js';

export { WasmBackend, type WasmBackendOptions } from './wasm-backend.js';
export { installWasmMatMulGradient } from './matmul-gradient.js';
export { installPointwiseConv2D, pointwiseConvStats } from './pointwise-conv.js';

/** A ContainerModule binding the wasm backend (optionally with browser options). */
export function wasmBackendModule(options: WasmBackendOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Backend).toConstantValue(new WasmBackend(options));
  });
}

export default wasmBackendModule();
export { installWasmGemm, setWasmGemmEnabled, setWasmGemmFma, wasmGemmActive, wasmGemmVariant, wasmGemmStats, relaxedSimdSupported, enableRelaxedSimdInNode } from './gemm/wasm-gemm.js';
export { installColumnReductions, columnReductionStats } from './gemm/column-reduction.js';
export { wasmFusedAvailable, wasmReconstructionLoss, wasmBatchNormForward, wasmBatchNormBackward, wasmExp } from './fused/wasm-fused.js';
export { installHeapCopies, setHeapCopiesEnabled, heapCopyStats } from './copy/heap-copy-kernels.js';
export { wasmAdamState, wasmAdamAvailable } from './adam/wasm-adam.js';
