/**
 * @topickd/core — for users: the contracts, the container, data, models, training,
 * distillation, evaluation and model files. Browser-safe; Node-only helpers (files, model
 * directories) are in `@topickd/core/node`; what plugin authors need beyond this (kernel
 * helpers, reference ops, the conformance suite) is in `@topickd/core/plugin`.
 *
 * @module @topickd/core
 */
export { tf } from './tfjs/tf.js';
export type { Tensor, Tensor1D, Tensor2D, Scalar, Variable } from './tfjs/tf.js';
export { ContainerModule, Container } from 'inversify';

export * from './errors.js';
export * from './contracts/backend.js';
export * from './contracts/encoder.js';
export * from './contracts/distillation-loss.js';
export * from './contracts/topic-model.js';

export { validatePluginConfig, lossName, lossOptions, lossWeight, encoderType, DEFAULT_LOSSES, type PluginConfig, type EncoderSpec, type LossSpec, type BackendOptions } from './container/config.js';
export { PluginRegistry, PluginConfigToken, Logger, type WeightedLoss } from './container/plugin-registry.js';
export { createContainer, registryOf, coreModule, type CreateContainerOptions } from './container/create-container.js';
export { CpuBackend, CPU_KERNELS } from './backends/cpu-backend.js';
export { currentTfjsBackend, currentBackendInfo, noteActivatedBackend, switchTfjsBackend } from './backends/current-backend.js';

export { row, matrix, gatherRows, isRowSource, toRowArrays, assertFinite, allFinite, topWordsPerRow, logMatrix, type Float32Matrix, type EmbeddingRows, type RowSource } from './util/matrix.js';
export { Random, MAX_SEED, isSeed, checkSeed } from './util/random.js';
export { nestingDepth, MAX_NESTING } from './util/nesting.js';
export { yieldToEventLoop } from './util/event-loop.js';

export { tokenize, type TokenizerOptions } from './text/tokenizer.js';
export { ENGLISH_STOPWORDS } from './text/stopwords.js';
export * from './text/preprocess.js';
export { CsrMatrix, CsrBuilder } from './data/csr-matrix.js';
export * from './data/corpus.js';

export { ContextualTopicModel, contextualWeightFloats, resolveModelConfig, DEFAULT_MODEL_CONFIG, BUILTIN_LAYOUTS, type InputLayout } from './model/contextual-topic-model.js';
export { BUILTIN_MODEL_FACTORIES, type ModelKinds } from './model/builtin-models.js';
export { vaeLoss } from './model/fused-ops.js';
export * from './model/infer-topics.js';
export * from './model/merged-topic-model.js';
export {
  trainModel,
  vaeStepLoss,
  DEFAULT_TRAIN,
  batchesPerEpoch,
  type TrainEvent,
  type TrainOptions,
  type TrainInputs,
  type TrainResult,
  type TrainerState,
  type GradientMode,
  type StepLoss,
  type StepLossContext,
} from './train/trainer.js';
export type { AdamState } from './train/adam.js';
export { distill, distillableModel, validateDistillOptions, teacherPosteriors, supportedLosses, lossReads, type DistillOptions, type DistillInputs } from './distill/distiller.js';
export * from './distill/recipe.js';
export * from './train/seed-topics.js';

export * from './eval/reference-corpus.js';
export * from './eval/coherence.js';

export * from './io/model-format.js';
export * from './io/checkpoint-format.js';
export * from './io/npy.js';
