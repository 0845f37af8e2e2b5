import type { ContextualTopicModel, TopicModelConfig, TopicModelKind } from '../model/contextual-topic-model.js';

/**
 * A kind of topic model, by name (`combined`, `zeroshot`): builds a fresh model for a
 * vocabulary and embedding size. Core binds CombinedTM and ZeroShotTM; a plugin may
 * bind another ProdLDA-style variant under a new name.
 */
export interface TopicModelFactory {
  readonly name: TopicModelKind;
  readonly description: string;
  create(config: Omit<TopicModelConfig, 'kind'>, seed: number): ContextualTopicModel;
  /** Whether inference needs the bag of words (CombinedTM) or only embeddings (ZeroShotTM). */
  readonly needsBow: boolean;
}

/** Service identifier for `TopicModelFactory` bindings (multi-bound). */
export const TopicModelFactory = Symbol.for('topickd.TopicModelFactory');

