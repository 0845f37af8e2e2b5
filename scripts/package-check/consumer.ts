// Type-checked by the package check under `tsc --strict` with module nodenext and with
// moduleResolution bundler: the public API as an installed program sees it.
import { createTopicKD, type TrainedTopicModel, type EvaluationResult } from 'topickd';
import { ConfigError, TopicKDError, createContainer, isNeuralTopicModel, registryOf, type ActiveBackend, type TopicModel, type DistillationLoss, type ModelOutputs, type Tensor1D, tf } from '@topickd/core';
import { runBackendConformance, AdamOptimizer, type BackendKernels } from '@topickd/core/plugin';
import { loadModel } from '@topickd/core/node';
import wasm, { WasmBackend, type WasmBackendOptions } from '@topickd/backend-wasm';
import losses, { WassersteinLoss } from '@topickd/losses';
import { UseEncoder } from '@topickd/encoders';

export class ThetaMse implements DistillationLoss {
  readonly name = 'theta-mse';
  compute(t: ModelOutputs, s: ModelOutputs): Tensor1D {
    return tf.sum(tf.square(tf.sub(s.theta, t.theta)), 1) as Tensor1D;
  }
}

export async function pipeline(texts: string[]): Promise<{ scores: EvaluationResult; theta: number[][]; backend: ActiveBackend }> {
  const tkd = await createTopicKD({ backend: 'wasm' });
  const teacher: TrainedTopicModel = await tkd.fit(texts, { model: 'combined', topics: 5, epochs: 1 });
  const student = await tkd.distill(teacher, texts, { model: 'zeroshot', hidden: [20], epochs: 1 });
  const scores = await tkd.evaluate(student, texts);
  await student.save('out/student');
  const again = await tkd.load('out/student');
  return { scores, theta: await again.transform(['a new text']), backend: tkd.backend };
}

export async function lowLevel(): Promise<TopicModel> {
  const options: WasmBackendOptions = { simdMatMul: true };
  const registry = registryOf(await createContainer({ backend: 'wasm', backendOptions: { wasm: { ...options } } }, { modules: [wasm, losses] }));
  const { kernels }: { kernels: BackendKernels } = await registry.activateBackend();
  const model = registry.modelFactory('zeroshot').create({ numTopics: 3, vocabSize: 10, embeddingDim: 4, hiddenSizes: [], dropout: 0, learnPriors: true }, 0);
  // a factory returns any TopicModel; gradient-trained ones are NeuralTopicModels (LDA and BERTopic train themselves)
  if (!isNeuralTopicModel(model)) throw new TopicKDError('CONFIG_INVALID', 'zeroshot is trained by gradients');
  new AdamOptimizer(model.trainableVariables(), { learningRate: 1e-3, beta1: 0.9, beta2: 0.99 }, kernels).dispose();
  void new WassersteinLoss();
  void new UseEncoder();
  void WasmBackend;
  void runBackendConformance;
  void loadModel;
  return model;
}

export function isUsageError(e: unknown): boolean {
  return e instanceof TopicKDError && e instanceof ConfigError && e.kind === 'usage';
}
