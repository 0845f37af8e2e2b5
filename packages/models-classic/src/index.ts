import { ContainerModule, TopicModelFactory } from '@topickd/core';
import { prodLdaFactory } from './prodlda.js';
import { neuralLdaFactory } from './neurallda.js';

export { prodLdaFactory } from './prodlda.js';
export { NeuralLda, neuralLdaFactory } from './neurallda.js';

/** Binds the baseline model kinds: `prodlda`, `neurallda`. */
export const classicModelsModule = new ContainerModule(({ bind }) => {
  bind(TopicModelFactory).toConstantValue(prodLdaFactory);
  bind(TopicModelFactory).toConstantValue(neuralLdaFactory);
});

export default classicModelsModule;
