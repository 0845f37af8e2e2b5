import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

// Tests run against the TypeScript sources of every workspace package.
export const sourceAliases = [
  { find: /^@topickd\/core\/node$/, replacement: src('core/src/node/index.ts') },
  { find: /^@topickd\/core\/testing$/, replacement: src('core/src/testing/index.ts') },
  { find: /^@topickd\/core\/plugin$/, replacement: src('core/src/plugin.ts') },
  { find: /^@topickd\/core$/, replacement: src('core/src/index.ts') },
  { find: /^@topickd\/losses$/, replacement: src('losses/src/index.ts') },
  { find: /^@topickd\/models-classic$/, replacement: src('models-classic/src/index.ts') },
  { find: /^@topickd\/encoders$/, replacement: src('encoders/src/index.ts') },
  { find: /^@topickd\/backend-wasm$/, replacement: src('backend-wasm/src/index.ts') },
  { find: /^@topickd\/backend-node$/, replacement: src('backend-node/src/index.ts') },
  { find: /^@topickd\/backend-webgpu$/, replacement: src('backend-webgpu/src/index.ts') },
  { find: /^@topickd\/cli$/, replacement: src('cli/src/index.ts') },
  { find: /^topickd$/, replacement: src('topickd/src/index.ts') },
];

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
    // names a test that blocks its worker's event loop for long (vitest's RPC times out at 60 s)
    setupFiles: ['./test-support/event-loop-stalls.ts'],
  },
});
