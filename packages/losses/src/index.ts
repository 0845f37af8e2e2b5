export { CrossEntropyLoss } from './cross-entropy-loss.js';
export { WassersteinLoss } from './wasserstein-loss.js';
export { KlLoss } from './kl-loss.js';
export { MseLoss } from './mse-loss.js';
export { lossesModule, lossesModule as default } from './losses-module.js';
