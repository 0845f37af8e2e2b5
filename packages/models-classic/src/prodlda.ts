import { ContextualTopicModel, contextualWeightFloats, type TopicModelConfig, type TopicModelFactory } from '@topickd/core';

/**
 * ProdLDA (Srivastava & Sutton 2017): the VAE of CombinedTM with the bag of words alone as
 * the inference network's input — no sentence embedding — and the product-of-experts
 * decoder p(w|d) = softmax(BN(θβ)). The same network, losses and training as core's
 * models (`ContextualTopicModel` with the `bow` input layout), so it differs from CombinedTM
 * only in what it reads: the baseline that shows what the embeddings bring.
 */
export const prodLdaFactory = {
  name: 'prodlda',
  description: 'ProdLDA (Srivastava & Sutton 2017): bag of words alone in, product-of-experts decoder',
  needsBow: true,
  // the inference network reads the bag of words alone: no encoder runs for it (fit, infer, export)
  needsEmbeddings: false,
  create: (config: Omit<TopicModelConfig, 'kind'>, seed: number): ContextualTopicModel => new ContextualTopicModel({ ...config, kind: 'prodlda' }, seed, 'bow'),
  weightFloats: (config: Omit<TopicModelConfig, 'kind'>): number => contextualWeightFloats(config, 'bow'),
} satisfies TopicModelFactory;
