import { defineConfig } from 'tsup';
export default defineConfig({ entry: { index: 'src/index.ts', browser: 'src/browser.ts' }, format: ['esm', 'cjs'], dts: true, sourcemap: true, clean: true, target: 'es2022', shims: true });
