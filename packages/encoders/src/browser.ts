// Browser-safe entry: the Universal Sentence Encoder (files by URL) and the .npy codec.
export { UseEncoder, urlSource, USE_PACKAGE, USE_PACKAGE_VERSION, type UseEncoderOptions, type UseFileSource } from './use/use-encoder.js';
export { UseTokenizer } from './use/use-tokenizer.js';
export { encodeNpy, decodeNpy } from './precomputed/npy.js';
export { StaticEncoder, STATIC_FILES, type StaticEncoderManifest, type StaticEncoderOptions } from './static/static-encoder.js';
