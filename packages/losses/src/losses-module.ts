import { ContainerModule, DistillationLoss } from '@topickd/core';
import { CrossEntropyLoss } from './cross-entropy-loss.js';
import { KlLoss } from './kl-loss.js';
import { MseLoss } from './mse-loss.js';
import { WassersteinLoss } from './wasserstein-loss.js';

/** Binds the built-in distillation losses: `ce`, `w2`, `kl`, `mse`. */
export const lossesModule = new ContainerModule(({ bind }) => {
  for (const loss of [new CrossEntropyLoss(), new WassersteinLoss(), new KlLoss(), new MseLoss()]) {
    bind(DistillationLoss).toConstantValue(loss);
  }
});

export default lossesModule;
