import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', plugin: 'src/plugin.ts', node: 'src/node/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The generated gradient bundle is ours (src/tfjs/generated), so it is bundled; tfjs-core itself stays external.
});
