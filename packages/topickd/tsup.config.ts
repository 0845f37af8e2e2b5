import { defineConfig } from 'tsup';
// ESM only, like the CLI built on it: its plugins (inversify 8) are ESM-only.
export default defineConfig({ entry: { index: 'src/index.ts', 'embed-worker': 'src/app/embed-worker.ts' }, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'es2022', shims: true });
