import type { TopicModelFactory } from '../contracts/topic-model.js';
import { ContextualTopicModel, contextualWeightFloats } from './contextual-topic-model.js';
import { MERGED_KIND, mergedModelFactory } from './merged-topic-model.js';

/** Core's two model kinds; `coreModule` binds them and the model loader knows them without a container. */
export const BUILTIN_MODEL_FACTORIES: readonly TopicModelFactory[] = Object.freeze([
  {
    name: 'combined',
    description: 'CombinedTM: bag of words + sentence embedding in (Bianchi et al. 2021)',
    needsBow: true,
    create: (config, seed) => new ContextualTopicModel({ ...config, kind: 'combined' }, seed),
    weightFloats: (config) => contextualWeightFloats(config, 'bow+embedding'),
  },
  {
    name: 'zeroshot',
    description: 'ZeroShotTM: sentence embedding only in; predicts topics for unseen text',
    needsBow: false,
    create: (config, seed) => new ContextualTopicModel({ ...config, kind: 'zeroshot' }, seed),
    weightFloats: (config) => contextualWeightFloats(config, 'embedding'),
  },
]);

/** Where a loader finds the factory of a saved model's kind: a plugin registry, or a list of factories. */
export type ModelKinds = { modelFactory(kind: string): TopicModelFactory; modelNames(): string[] } | readonly TopicModelFactory[];

/** The factory of `kind` among `kinds`, or undefined. */
export function findModelFactory(kinds: ModelKinds, kind: string): TopicModelFactory | undefined {
  // a merged model (topickd reduce) wraps a model of any kind these kinds know
  if (kind === MERGED_KIND && Array.isArray(kinds) && !(kinds as readonly TopicModelFactory[]).some((f) => f.name === kind)) return mergedModelFactory((k) => findModelFactory(kinds, k));
  if (Array.isArray(kinds)) return (kinds as readonly TopicModelFactory[]).find((f) => f.name === kind);
  const registry = kinds as Exclude<ModelKinds, readonly TopicModelFactory[]>;
  return registry.modelNames().includes(kind) ? registry.modelFactory(kind) : undefined;
}

export function modelKindNames(kinds: ModelKinds): string[] {
  return Array.isArray(kinds) ? [...(kinds as readonly TopicModelFactory[]).map((f) => f.name), MERGED_KIND] : (kinds as Exclude<ModelKinds, readonly TopicModelFactory[]>).modelNames();
}
