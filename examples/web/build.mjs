// Bundles the demo for browsers with esbuild: dist/index.html, dist/app.js, dist/worker.js, dist/wasm/*.wasm.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
mkdirSync(join(out, 'wasm'), { recursive: true });
await build({
  // the page (app.js) and its Web Worker (worker.js), which main.ts starts with
  // new Worker('./worker.js', { type: 'module' })
  entryPoints: { app: join(here, 'src', 'main.ts'), worker: join(here, 'src', 'worker.ts') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: out,
  // No plugins, no stubs: 'topickd' resolves to its browser entry through the `browser`
  // export condition, which imports no Node module. The workspace's tsconfig paths (which
  // point at the sources, for the tests) are not used: the page builds from the packages as
  // an installed app would.
  tsconfigRaw: '{}',
  logLevel: 'error',
  sourcemap: true,
});
copyFileSync(join(here, 'src', 'index.html'), join(out, 'index.html'));
const require = createRequire(join(here, '..', '..', 'packages', 'backend-wasm', 'package.json'));
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) copyFileSync(join(wasmDir, f), join(out, 'wasm', f));
