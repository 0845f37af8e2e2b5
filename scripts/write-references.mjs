// Writes docs/reference/cli.md and docs/reference/config.md from the flag declarations and the config schema. Run after a build:
//   node scripts/write-references.mjs
// packages/cli/test/cli.test.ts fails when the committed files are out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const { cliReference, configReference } = await import('../packages/cli/dist/index.js');
const dir = fileURLToPath(new URL('../docs/reference/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}cli.md`, cliReference());
writeFileSync(`${dir}config.md`, configReference());
console.log(`wrote ${dir}cli.md and ${dir}config.md`);
