// Bundles the demo for browsers with esbuild: dist/index.html, dist/app.js, dist/wasm/*.wasm.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
mkdirSync(join(out, 'wasm'), { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: join(out, 'app.js'),
  // Node-only branches (file loading, tfjs-node, onnxruntime) are never taken in a browser:
  // their modules become empty stand-ins, so no import of them reaches the page.
  plugins: [
    {
      name: 'node-only-modules',
      setup(b) {
        b.onResolve({ filter: /^(node:.*|@tensorflow\/tfjs-node|onnxruntime-node|onnxruntime-web)$/ }, (a) => ({ path: a.path, namespace: 'node-only' }));
        b.onLoad({ filter: /.*/, namespace: 'node-only' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      },
    },
  ],
  logLevel: 'error',
  sourcemap: true,
});
copyFileSync(join(here, 'src', 'index.html'), join(out, 'index.html'));
const require = createRequire(join(here, '..', '..', 'packages', 'backend-wasm', 'package.json'));
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) copyFileSync(join(wasmDir, f), join(out, 'wasm', f));
