#!/usr/bin/env node
// Builds the OpenBLAS engine (native/openblas_engine.cc) with node-gyp at install time.
// Never fails the install: where a C++ compiler, OpenBLAS's headers or node-gyp are
// missing, it says what is missing and the backend runs without the engine.
//
// Environment: TOPICKD_SKIP_NATIVE=1 skips the build; TOPICKD_NATIVE_CXX names the
// compiler to look for (default c++); TOPICKD_CBLAS_INCLUDE is the folder to find
// cblas.h in (default: the usual system folders).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(pkgDir, 'package.json'));
const say = (m) => console.log(`@topickd/backend-node: ${m}`);
const skip = (why) => {
  say(`the OpenBLAS engine was not built (${why}); --backend node will use @tensorflow/tfjs-node if installed, otherwise report that it is unavailable.`);
  process.exit(0);
};

if (process.env.TOPICKD_SKIP_NATIVE === '1') skip('TOPICKD_SKIP_NATIVE=1');
if (process.platform === 'win32') skip('the engine is built on Linux and macOS only');

const cxx = process.env.TOPICKD_NATIVE_CXX ?? process.env.CXX ?? 'c++';
if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status !== 0) skip(`no C++ compiler (${cxx}); install build-essential`);

// TOPICKD_CBLAS_INCLUDE, when set, is the only folder searched
const headerDirs = process.env.TOPICKD_CBLAS_INCLUDE ? [process.env.TOPICKD_CBLAS_INCLUDE] : ['/usr/include/x86_64-linux-gnu/openblas-pthread', '/usr/include/aarch64-linux-gnu/openblas-pthread', '/usr/include/openblas', '/usr/include', '/usr/local/include', '/opt/homebrew/opt/openblas/include'];
const header = headerDirs.find((d) => existsSync(join(d, 'cblas.h')));
if (!header) skip('no cblas.h; install libopenblas-dev (Debian/Ubuntu) or openblas (Homebrew)');

let addonApi;
try {
  addonApi = require('node-addon-api');
} catch {
  skip('node-addon-api is not installed');
}
void addonApi;

// node-gyp: the one npm/pnpm hands to install scripts, else a resolvable one, else npm's bundled copy.
const candidates = [
  process.env.npm_config_node_gyp,
  (() => {
    try {
      return require.resolve('node-gyp/bin/node-gyp.js');
    } catch {
      return undefined;
    }
  })(),
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'pnpm', 'dist', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));
if (!candidates.length) skip('node-gyp was not found');

// Build offline against the running Node's headers when they are on disk.
const args = [candidates[0], 'rebuild', '--release'];
for (const root of [join(dirname(process.execPath), '..'), '/usr', '/usr/local']) {
  if (existsSync(join(root, 'include', 'node', 'node_api.h')) && existsSync(join(root, 'include', 'node', 'common.gypi'))) {
    args.push(`--nodedir=${root}`);
    break;
  }
}
say('building the OpenBLAS engine (node-gyp)...');
const r = spawnSync(process.execPath, args, { cwd: pkgDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CXX: cxx, TOPICKD_CBLAS_DIR: header } });
if (r.status !== 0) {
  const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-8).join('\n');
  rmSync(join(pkgDir, 'build'), { recursive: true, force: true });
  skip(`node-gyp failed:\n${tail}\n`);
}
say('OpenBLAS engine built (build/Release/topickd_openblas.node).');
