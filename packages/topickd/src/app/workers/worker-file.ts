import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built file of a worker thread (`embed-worker`, `infer-worker`, `tune-worker`): next to
 * the bundle in dist; from the sources (tests), the package's dist. Undefined when not built.
 */
export function builtWorkerFile(name: string): string | undefined {
  for (const rel of [`./${name}.js`, `../../dist/${name}.js`]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}
