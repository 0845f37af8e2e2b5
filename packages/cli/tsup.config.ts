import { defineConfig } from 'tsup';
import { shared } from '../../tsup.shared';

// ESM only, like the topickd package it renders: a command-line program (bin/topickd.mjs).
export default defineConfig({ ...shared, format: ['esm'], entry: { index: 'src/index.ts', bin: 'src/bin.ts' }, dts: { entry: { index: 'src/index.ts' } } });
