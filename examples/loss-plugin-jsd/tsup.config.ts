import { defineConfig } from 'tsup';
// ESM only, as many third-party packages are: TopicKD finds it by its `import` condition.
export default defineConfig({ entry: ['src/index.ts'], format: ['esm'], dts: true, clean: true, target: 'es2022' });
