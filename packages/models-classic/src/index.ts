import { ContainerModule, TopicModelFactory } from '@topickd/core';
import { prodLdaFactory } from './prodlda.js';
import { neuralLdaFactory } from './neurallda.js';
import { ldaFactory } from './lda/lda-model.js';
import { etmFactory } from './etm.js';
import { berTopicFactory } from './bertopic/bertopic.js';

export { prodLdaFactory } from './prodlda.js';
export { NeuralLda, neuralLdaFactory } from './neurallda.js';
export { Etm, etmFactory, readWordVectors, type EtmOptions } from './etm.js';
export { BerTopic, berTopicFactory, berTopicSettingsOf, type BerTopicOptions } from './bertopic/bertopic.js';
export { classTfidf } from './bertopic/class-tfidf.js';
export { OnlineLda, ldaFactory, ldaSettingsOf, type LdaOptions } from './lda/lda-model.js';
export { OnlineLdaState, type OnlineLdaSettings } from './lda/online-vb.js';
export { digamma, lgamma } from './lda/special-functions.js';

/** Binds the baseline model kinds: `lda`, `prodlda`, `neurallda`, `etm`, `bertopic`. */
export const classicModelsModule = new ContainerModule(({ bind }) => {
  bind(TopicModelFactory).toConstantValue(prodLdaFactory);
  bind(TopicModelFactory).toConstantValue(neuralLdaFactory);
  bind(TopicModelFactory).toConstantValue(ldaFactory);
  bind(TopicModelFactory).toConstantValue(etmFactory);
  bind(TopicModelFactory).toConstantValue(berTopicFactory);
});

export default classicModelsModule;
