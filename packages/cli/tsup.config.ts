import { defineConfig } from 'tsup';
import { shared } from '../../tsup.shared';

// ESM only, like the topickd package it renders: a command-line program (bin/topickd.mjs).
// optional dependencies stay imports (tsup bundles what is not a dependency or peer): loaded at run time when installed
export default defineConfig({ ...shared, external: ['@topickd/queue', '@topickd/datasets'], format: ['esm'], entry: { index: 'src/index.ts', bin: 'src/bin.ts' }, dts: { entry: { index: 'src/index.ts' } } });
