#!/usr/bin/env node
// `pnpm topickd ARGS`: runs the CLI from the build, building first when it is missing.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
if (!existsSync(bin)) {
  process.stderr.write('topickd: first run — building the packages (pnpm build) ...\n');
  execSync('pnpm run --silent build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
const r = spawnSync(process.execPath, [bin, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
