import { ContainerModule, TopicModelFactory } from '@topickd/core';
import { prodLdaFactory } from './prodlda.js';

export { prodLdaFactory } from './prodlda.js';

/** Binds the baseline model kinds: `prodlda`. */
export const classicModelsModule = new ContainerModule(({ bind }) => {
  bind(TopicModelFactory).toConstantValue(prodLdaFactory);
});

export default classicModelsModule;
