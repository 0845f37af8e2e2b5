export { UseEncoder, urlSource, USE_PACKAGE, USE_PACKAGE_VERSION, type UseEncoderOptions, type UseFileSource } from './use/use-encoder.js';
export { UseTokenizer } from './use/use-tokenizer.js';
export { PrecomputedEncoder } from './precomputed/precomputed-encoder.js';
export { encodeNpy, decodeNpy } from './precomputed/npy.js';
export { EmbeddingCache, embedWithCache } from './cache/embedding-cache.js';
export { encodersModule, encoderFactories } from './encoders-module.js';
export { encodersModule as default } from './encoders-module.js';
export { OnnxEncoder, type OnnxEncoderOptions } from './onnx/onnx-encoder.js';
export { WordPieceTokenizer } from './onnx/wordpiece-tokenizer.js';
