// The one place core imports TensorFlow.js from. Importing this module:
//  1. loads tfjs-core,
//  2. registers the cpu backend (the reference and fallback backend),
//  3. registers tfjs's gradient functions (tfjs-core alone registers none; see the
//     generator script for why they are bundled).
// ESM evaluates imports in order, so tfjs-core's engine exists before the bundled
// gradient code looks it up.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './generated/tfjs-gradients.js';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Scalar, Variable, Rank } from '@tensorflow/tfjs-core';
