// Build settings every package shares (each package's tsup.config.ts adds its entries).
//  - ESM and CommonJS, both split into shared chunks: one copy of each module per format, so
//    with `require` an error from `@topickd/core/node` is the same TopicKDError class as from
//    `@topickd/core` (without splitting each CJS entry held a full copy of the library);
//  - declarations for both (`.d.ts` for import, `.d.cts` for require), pointed to per condition
//    in package.json's exports;
//  - no source maps in the published files (the sources are in the repository).
import type { Options } from 'tsup';

export const shared: Options = {
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  sourcemap: false,
  clean: true,
  target: 'es2022',
  shims: true,
};
