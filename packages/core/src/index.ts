// @topickd/core — browser-safe entry. Node-only helpers (files, model directories) are in `@topickd/core/node`.
export { tf } from './tfjs/tf.js';
export type { Tensor, Tensor1D, Tensor2D, Scalar, Variable } from './tfjs/tf.js';
export { ContainerModule, Container } from 'inversify';

export * from './errors.js';
export * from './contracts/backend.js';
export * from './contracts/encoder.js';
export * from './contracts/distillation-loss.js';
export * from './contracts/topic-model.js';

export * from './container/config.js';
export * from './container/plugin-registry.js';
export * from './container/create-container.js';
export { CpuBackend } from './backends/cpu-backend.js';

export * from './util/matrix.js';
export { Random } from './util/random.js';

export { tokenize, type TokenizerOptions } from './text/tokenizer.js';
export { ENGLISH_STOPWORDS } from './text/stopwords.js';
export * from './text/preprocess.js';
export { CsrMatrix, CsrBuilder } from './data/csr-matrix.js';
export * from './data/corpus.js';

export * from './model/contextual-topic-model.js';
export * from './model/infer-topics.js';
export * from './train/trainer.js';
export { forwardTrainWithCache, backward, type ForwardCache, type OutputGradients } from './model/manual-gradients.js';
export { reconstructionLoss, gaussianKl, batchNormTrain, BN_EPS } from './model/fused-ops.js';
export { AdamOptimizer, type AdamOptions, type AdamState } from './train/adam.js';
export * from './train/snapshot.js';
export * from './distill/distiller.js';

export * from './eval/reference-corpus.js';
export * from './eval/coherence.js';

export * from './io/model-format.js';
export * from './io/checkpoint-format.js';
export { sha256Hex } from './io/sha256.js';
export * from './io/npy.js';
export { directFloat32View, wasmHeapFloat32 } from './tfjs/direct-memory.js';
export { matMulGeometry, type MatMulGeometry } from './tfjs/matmul-geometry.js';
export { registerBackendTraits, backendTraits, type BackendTraits, type AdamUpdateKernel, type NativeAdamState } from './tfjs/backend-traits.js';
export { canonicalJson, canonicalDigest } from './io/canonical-digest.js';
