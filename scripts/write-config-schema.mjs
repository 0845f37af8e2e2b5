// Writes packages/topickd/topickd.config.schema.json from the schema that validates configs
// (runConfigJsonSchema in packages/topickd/src/app/run/run-config.ts). Run after a build:
//   node scripts/write-config-schema.mjs
// packages/topickd/test/config-schema.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const { runConfigJsonSchema } = await import('../packages/topickd/dist/app.js');
const out = fileURLToPath(new URL('../packages/topickd/topickd.config.schema.json', import.meta.url));
writeFileSync(out, JSON.stringify(runConfigJsonSchema(), null, 2) + '\n');
console.log(`wrote ${out}`);
