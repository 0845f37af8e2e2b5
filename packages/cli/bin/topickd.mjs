#!/usr/bin/env node
// The `topickd` command. A committed launcher (not the built file itself), so that package
// managers link it at install time, before the first build; it runs the built CLI.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('topickd: the CLI is not built yet; run `pnpm build` at the repository root (`pnpm demo` and `pnpm test` build first)\n');
  process.exit(1);
}
await import(built.href);
