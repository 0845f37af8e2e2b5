/**
 * @topickd/core/plugin — for plugin authors: everything in `@topickd/core`, plus what a
 * backend, a loss or a model kind needs to be written and checked: tensor-memory helpers
 * for native kernels, the reference implementations of the fused ops, the model's forward
 * and backward pass, the optimizer, and the backend conformance suite.
 *
 * @module @topickd/core/plugin
 */
export * from './index.js';
export { directFloat32View, wasmHeapFloat32 } from './tfjs/direct-memory.js';
export { matMulGeometry, type MatMulGeometry } from './tfjs/matmul-geometry.js';
export { reconstructionLoss, gaussianKl, batchNormTrain, batchNormForward, batchNormBackward, sampleTheta, BN_EPS } from './model/fused-ops.js';
export { forwardTrainWithCache, backward, productOfExpertsDecoder, type ForwardCache, type Decoder } from './model/manual-gradients.js';
export { findModelFactory, modelKindNames } from './model/builtin-models.js';
export { AdamOptimizer, type AdamOptions } from './train/adam.js';
export { trainStep, makeBatch, checkInputs, evaluateLoss, splitValidation } from './train/trainer.js';
export { snapshotModel, restoreModel, type ModelSnapshot } from './train/snapshot.js';
export { canonicalJson, canonicalDigest } from './io/canonical-digest.js';
export { sha256Hex } from './io/sha256.js';
export { describeValue } from './container/config.js';
export { runBackendConformance, adamReference, maxAbsDiff, reference64, type TestApi, type ConformanceOptions } from './testing/index.js';
export { nodeBuiltin } from './util/node-builtin.js';
export { tapeBackward } from './model/tape-backward.js';
