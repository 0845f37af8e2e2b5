#!/usr/bin/env node
// pnpm check:packages — the packages as npm users get them. Packs every package (pnpm pack,
// which turns workspace ranges into versions), then, in a fresh project outside the
// workspace that installs the tarballs with npm:
//   0. sizes (packed, unpacked; no source maps, no build scripts; core unpacked ≤ 1.05 MB),
//      arethetypeswrong and publint on every package;
//   1. tsc --strict (skipLibCheck off) on a TypeScript consumer with module nodenext and with
//      moduleResolution bundler, and on the browser guide's app with its documented settings, under
//      TypeScript 5.9 and 7;
//   2. the public API as ESM (fit → distill → evaluate → save → load → transform), and with
//      require: every entry point loads and its errors are instanceof TopicKDError;
//   3. a third-party ESM-only loss plugin named in a config file, through the installed CLI
//      (`topickd info --config FILE --json` lists it; `topickd distill --config FILE` uses it),
//      and the README's main job, `npx topickd demo`;
//   4. a browser app bundled with plain `esbuild --bundle --platform=browser`, run in headless
//      Chromium: it loads an exported student and its θ equals Node's.
// Writes the sizes into each package's README (between <!-- size --> markers) with --write-readmes.
// Exits 1 on any failure. Needs the npm registry (the tarballs' dependencies) and, for step 4, /usr/bin/chromium.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = join(root, 'scripts', 'package-check');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const work = mkdtempSync(join(tmpdir(), 'topickd-packages-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
mkdirSync(packs);
mkdirSync(app);
const failures = [];
const t0 = Date.now();
const log = (m) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}
function check(what, ok, detail = '') {
  if (ok) log(`ok   ${what}`);
  else {
    log(`FAIL ${what}${detail ? `\n${detail}` : ''}`);
    failures.push(what);
  }
}

// ---- pack ----
const packageDirs = [...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)), join(root, 'examples', 'loss-plugin-jsd')];
const tarballs = {};
for (const dir of packageDirs) {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  const before = new Set(readdirSync(packs));
  const r = run('pnpm', ['pack', '--pack-destination', packs], { cwd: dir });
  const made = readdirSync(packs).find((f) => !before.has(f));
  check(`pack ${name}`, r.code === 0 && made, r.stderr);
  if (made) tarballs[name] = join(packs, made);
}

// ---- sizes, contents ----
const sizes = {};
for (const [name, tgz] of Object.entries(tarballs)) {
  const list = execFileSync('tar', ['-tvzf', tgz], { encoding: 'utf8' }).trim().split('\n');
  let unpacked = 0;
  const files = [];
  for (const line of list) {
    const parts = line.trim().split(/\s+/);
    unpacked += Number(parts[2]);
    files.push(parts[parts.length - 1]);
  }
  sizes[name] = { packed: statSync(tgz).size, unpacked, files: files.length };
  check(`${name}: no source maps, no build scripts, README and LICENSE`, !files.some((f) => f.endsWith('.map') || /package\/scripts\/bundle-tfjs-gradients/.test(f)) && files.includes('package/README.md') && (name === 'topickd-loss-jsd' || files.includes('package/LICENSE')), files.filter((f) => f.endsWith('.map')).slice(0, 5).join('\n'));
}
// core ships both module formats and their types (d.ts + d.cts); it reached 1.00 MB with the
// encoder contract's `cacheable` (2026-12-07): the budget leaves 5% for growth, and a jump past it
// (a dependency bundled by mistake, source maps) still fails
check(`@topickd/core unpacked ≤ 1.05 MB (${(sizes['@topickd/core']?.unpacked / 1e6).toFixed(2)} MB)`, sizes['@topickd/core']?.unpacked <= 1_050_000);
writeFileSync(join(work, 'sizes.json'), JSON.stringify(sizes, null, 1));
log(`sizes: ${Object.entries(sizes).map(([n, s]) => `${n} ${(s.packed / 1024).toFixed(0)} kB packed, ${(s.unpacked / 1024).toFixed(0)} kB unpacked`).join('; ')}`);
if (process.argv.includes('--write-readmes')) {
  for (const dir of packageDirs) {
    const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
    const readme = join(dir, 'README.md');
    const s = sizes[name];
    if (!s || !existsSync(readme)) continue;
    const text = readFileSync(readme, 'utf8');
    const line = `<!-- size -->Tarball: ${(s.packed / 1024).toFixed(0)} kB packed, ${(s.unpacked / 1024).toFixed(0)} kB unpacked, ${s.files} files (\`pnpm check:packages\`).<!-- /size -->`;
    writeFileSync(readme, text.replace(/<!-- size -->[\s\S]*?<!-- \/size -->/, line));
  }
}

// ---- arethetypeswrong, publint ----
const esmOnly = new Set(['topickd', '@topickd/cli', 'topickd-loss-jsd', '@topickd/datasets']);
for (const [name, tgz] of Object.entries(tarballs)) {
  const r = run(bin('attw'), [tgz, '--format', 'ascii', ...(esmOnly.has(name) ? ['--profile', 'esm-only'] : [])]);
  check(`arethetypeswrong ${name}${esmOnly.has(name) ? ' (ESM only)' : ''}`, r.code === 0, r.stdout + r.stderr);
}
for (const dir of packageDirs) {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  const r = run(bin('publint'), ['--strict'], { cwd: dir });
  check(`publint ${name}`, r.code === 0, r.stdout + r.stderr);
}

// ---- a fresh project outside the workspace, the tarballs installed with npm ----
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'topickd-consumer', private: true, type: 'module' }, null, 1));
log('npm install (the tarballs and their dependencies from the registry) ...');
const install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...Object.values(tarballs), '@types/node@^20'], { cwd: app });
check('npm install of every tarball', install.code === 0, install.stdout + install.stderr);
const installWarnings = (install.stderr.match(/npm warn[^\n]*/gi) ?? []).filter((l) => !/config|deprecated/i.test(l));
check('npm install prints no warning about the packages', installWarnings.length === 0, installWarnings.join('\n'));
// what @topickd/backend-node's README tells npm ≥ 11.16 users to do about its install script (installed
// from a tarball here, npm records it by the tarball's path; from the registry, as @topickd/backend-node@VERSION)
const approve = run('npm', ['approve-scripts', '@topickd/backend-node'], { cwd: app });
const allowScripts = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).allowScripts ?? {};
check('npm approve-scripts @topickd/backend-node records it in allowScripts', approve.code === 0 && Object.entries(allowScripts).some(([k, v]) => /@topickd\/backend-node|topickd-backend-node/.test(k) && v === true), approve.stdout + approve.stderr + JSON.stringify(allowScripts));
for (const f of ['consumer.ts', 'require-check.cjs', 'esm-pipeline.mjs', 'browser-worker.js', 'node-theta.mjs']) copyFileSync(join(here, f), join(app, f));
// the browser consumer: the browser guide's program, then what else the check asks of the page
{
  const guide = readFileSync(join(root, 'docs', 'guides', 'browser.md'), 'utf8');
  const block = /<!-- browser-consumer -->\s*```ts\n([\s\S]*?)```\s*<!-- \/browser-consumer -->/.exec(guide)?.[1];
  check('docs/guides/browser.md has the <!-- browser-consumer --> program', Boolean(block));
  writeFileSync(join(app, 'browser-app.ts'), readFileSync(join(here, 'browser-app.ts'), 'utf8').replace(/^\/\/@docs-block$/m, block ?? ''));
}
copyFileSync(join(root, 'packages', 'cli', 'test', 'e2e', 'fixtures', 'm10-raw-300.jsonl'), join(app, 'corpus.jsonl'));
// 300 posts of 20 Newsgroups (text and newsgroup) for the users' features
writeFileSync(join(app, 'newsgroups.jsonl'), readFileSync(join(root, 'datasets', '20ng', 'corpus.tsv'), 'utf8').split('\n').filter(Boolean).slice(0, 300).map((l) => { const [text, , label] = l.split('\t'); return JSON.stringify({ text, label }); }).join('\n') + '\n');

// 1. TypeScript consumers: Node programs under nodenext and bundler resolution, and the browser
// app with the settings the browser guide documents; under the workspace's TypeScript (5.9) and
// under TypeScript 7 (what `npm i typescript` installs today). skipLibCheck is off, so the
// packages' declaration files are checked too.
const tsconfigs = {
  nodenext: { files: ['consumer.ts'], options: { module: 'nodenext', moduleResolution: 'nodenext' } },
  bundler: { files: ['consumer.ts'], options: { module: 'esnext', moduleResolution: 'bundler' } },
  browser: { files: ['browser-app.ts'], options: { module: 'esnext', moduleResolution: 'bundler', customConditions: ['browser'] } },
};
for (const [label, { files, options }] of Object.entries(tsconfigs)) {
  const cfg = { compilerOptions: { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, lib: ['es2022', 'dom'] }, files };
  writeFileSync(join(app, `tsconfig.${label}.json`), JSON.stringify(cfg, null, 1));
}
const ts7 = join(work, 'ts7');
mkdirSync(ts7);
writeFileSync(join(ts7, 'package.json'), JSON.stringify({ name: 'ts7', private: true }));
const ts7Install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'typescript@7'], { cwd: ts7 });
check('npm install typescript@7', ts7Install.code === 0, ts7Install.stdout + ts7Install.stderr);
const compilers = { [`TypeScript ${run(bin('tsc'), ['-v']).stdout.trim().replace('Version ', '')}`]: bin('tsc'), [`TypeScript ${run(join(ts7, 'node_modules', '.bin', 'tsc'), ['-v']).stdout.trim().replace('Version ', '')}`]: join(ts7, 'node_modules', '.bin', 'tsc') };
for (const [compiler, tsc] of Object.entries(compilers)) {
  for (const label of Object.keys(tsconfigs)) {
    const r = run(tsc, ['-p', `tsconfig.${label}.json`, '--pretty', 'false'], { cwd: app });
    const errors = (r.stdout + r.stderr).split('\n').filter((l) => /error TS\d+/.test(l));
    // ours: the consumer's own files and our packages' declarations; anything else is a dependency's
    const ours = errors.filter((l) => !/node_modules[\\/]/.test(l) || /node_modules[\\/](topickd|@topickd)[\\/]/.test(l));
    // a dependency's errors, each with its package; counted per package, and once per compiler the
    // distinct messages (one per package and code), to report upstream
    const theirs = errors.filter((e) => !ours.includes(e)).map((l) => ({ line: l, pkg: /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(l)?.[1] ?? '?' }));
    const byPackage = {};
    const distinct = new Map();
    for (const { line, pkg } of theirs) {
      byPackage[pkg] = (byPackage[pkg] ?? 0) + 1;
      const key = `${pkg} ${/error (TS\d+)/.exec(line)?.[1]}`;
      if (!distinct.has(key)) distinct.set(key, line.replace(/^.*?node_modules[\\/]/, ''));
    }
    if (label === 'nodenext' && theirs.length) {
      log(`     ${compiler}, skipLibCheck off: dependencies' declaration errors, one per package and code:\n${[...distinct.values()].map((m) => `       ${m.slice(0, 300)}`).join('\n')}`);
    }
    check(`tsc --strict, ${label}, ${compiler}: no error in the consumer or in our declarations${theirs.length ? ` (dependencies' declarations: ${Object.entries(byPackage).map(([p, n]) => `${p} ${n}`).join(', ')})` : ''}`, ours.length === 0 && (r.code === 0 || theirs.length > 0), ours.slice(0, 30).join('\n') || r.stdout + r.stderr);
  }
}

// 2. ESM pipeline; CommonJS entry points and instanceof
{
  const r = run(process.execPath, ['esm-pipeline.mjs', 'corpus.jsonl', 'newsgroups.jsonl'], { cwd: app });
  let out = null;
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {}
  check(
    'ESM pipeline: fit → distill → evaluate → save → load → transform; on 20 Newsgroups: labels, topics per class, update (lineage), choosing K, seeded topics, merging topics',
    r.code === 0 && out && Math.abs(out.theta.reduce((a, b) => a + b, 0) - 1) < 1e-4 && Number.isFinite(out.npmi) && out.labels.length === 10 && out.labels.every((l) => typeof l === 'string' && l !== '') && out.classes === 20 && /^[0-9a-f]{64}$/.test(out.lineage.parent) && out.lineage.documentsAdded > 0 && [3, 4].includes(out.recommendedK) && out.seededTopics[0].includes('god') && out.seededTopics[1].includes('game') && out.reducedK === 4 && Math.abs(out.reducedTheta.reduce((a, b) => a + b, 0) - 1) < 1e-4,
    r.stdout.slice(-2000) + r.stderr.slice(-3000),
  );
  const c = run(process.execPath, ['require-check.cjs'], { cwd: app });
  check('require(): every entry point loads; errors are instanceof TopicKDError; a loaded model is core\'s class', c.code === 0, c.stdout + c.stderr.slice(-3000));
}

// 3. an ESM-only loss plugin by name from a config file, through the installed CLI
{
  writeFileSync(join(app, 'topickd.config.json'), JSON.stringify({ plugins: ['topickd-loss-jsd'], losses: ['w2', 'ce', { name: 'jsd', weight: 1 }] }));
  const cli = join(app, 'node_modules', '.bin', 'topickd');
  const info = run(cli, ['info', '--config', 'topickd.config.json', '--json'], { cwd: app });
  let losses = [];
  try {
    losses = JSON.parse(info.stdout).losses;
  } catch {}
  check('installed CLI: `info --config` lists the ESM-only plugin\'s loss', info.code === 0 && losses.includes('jsd'), info.stdout + info.stderr);
  const fit = run(cli, ['fit', '--data', 'corpus.jsonl', '--model', 'combined', '--topics', '5', '--epochs', '1', '--cache-dir', 'cache', '--out', 'teacher', '--json', '--quiet'], { cwd: app });
  check('installed CLI: fit', fit.code === 0, fit.stderr.slice(-2000));
  const distill = run(cli, ['distill', '--config', 'topickd.config.json', '--teacher', 'teacher', '--data', 'corpus.jsonl', '--epochs', '1', '--cache-dir', 'cache', '--out', 'student', '--json', '--quiet'], { cwd: app });
  let weights = {};
  try {
    weights = JSON.parse(distill.stdout).lossWeights;
  } catch {}
  check('installed CLI: `distill --config` distils with the plugin\'s loss', distill.code === 0 && weights && weights.jsd === 1, distill.stdout + distill.stderr.slice(-2000));
  // the bundled datasets come with the install (@topickd/datasets, an optional dependency of topickd)
  const m10 = run(cli, ['fit', '--data', 'm10', '--model', 'lda', '--topics', '5', '--model-options', 'passes=1', '--out', 'm10-lda', '--json', '--quiet'], { cwd: app });
  let docs = 0;
  try {
    docs = JSON.parse(m10.stdout).documents;
  } catch {}
  check('installed CLI: `fit --data m10` reads the bundled M10 from @topickd/datasets', m10.code === 0 && docs === 8355, m10.stdout.slice(-500) + m10.stderr.slice(-2000));
  // the README's main job from an npm install: `npx topickd demo` (2 epochs per model here, to keep CI short;
  // the embedding of all 8,355 M10 titles with the bundled encoder is the same as the default run's)
  const demo = run('npx', ['--no-install', 'topickd', 'demo', '--epochs', '2', '--out', 'demo-run'], { cwd: app });
  check('npx topickd demo (in the project that installed the tarballs)', demo.code === 0 && /distilled student, NPMI/.test(demo.stdout) && existsSync(join(app, 'demo-run', 'report.html')), demo.stdout.slice(-1500) + demo.stderr.slice(-2000));
}

// 4. a plain esbuild browser bundle, in headless Chromium, θ equal to Node's
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  check('browser bundle in Chromium (needs /usr/bin/chromium: apt-get install chromium)', false);
} else {
  const web = join(app, 'web');
  mkdirSync(join(web, 'wasm'), { recursive: true });
  const exp = run(join(app, 'node_modules', '.bin', 'topickd'), ['export', '--model', 'student', '--out', join(web, 'bundle'), '--quiet'], { cwd: app });
  check('installed CLI: export a bundle', exp.code === 0, exp.stderr);
  // the whole student small: a static encoder distilled from USE, a student trained on it, its bundle
  const cli = join(app, 'node_modules', '.bin', 'topickd');
  const st = run(cli, ['distill-encoder', '--data', 'corpus.jsonl', '--dim', '64', '--refine-epochs', '2', '--cache-dir', 'cache', '--out', 'static', '--quiet'], { cwd: app });
  const sf = run(cli, ['fit', '--data', 'corpus.jsonl', '--model', 'zeroshot', '--topics', '5', '--epochs', '1', '--encoder', 'static:static', '--cache-dir', 'cache', '--out', 'student-static', '--quiet'], { cwd: app });
  const se = run(cli, ['export', '--model', 'student-static', '--out', join(web, 'bundle-static'), '--quiet'], { cwd: app });
  check('installed CLI: distill-encoder, fit --encoder static:DIR, export its bundle (the table inside)', st.code === 0 && sf.code === 0 && se.code === 0 && existsSync(join(web, 'bundle-static', 'encoder', 'static', 'vectors.i8')), st.stderr + sf.stderr + se.stderr);
  const b = run(bin('esbuild'), ['browser-app.ts', '--bundle', '--platform=browser', '--format=esm', `--outfile=${join(web, 'app.js')}`, '--log-level=error'], { cwd: app });
  check('esbuild --bundle --platform=browser of an app importing topickd (no plugins)', b.code === 0, b.stdout + b.stderr);
  const bw = run(bin('esbuild'), ['browser-worker.js', '--bundle', '--platform=browser', '--format=esm', `--outfile=${join(web, 'worker.js')}`, '--log-level=error'], { cwd: app });
  check('esbuild --bundle --platform=browser of its Web Worker importing topickd/worker', bw.code === 0, bw.stdout + bw.stderr);
  const wasmDist = join(app, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  for (const f of readdirSync(wasmDist)) if (f.endsWith('.wasm')) copyFileSync(join(wasmDist, f), join(web, 'wasm', f));
  writeFileSync(join(web, 'index.html'), '<!doctype html><meta charset="utf-8"><title>topickd</title><script type="module" src="./app.js"></script>');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.bin': 'application/octet-stream' };
  const server = createServer((req, res) => {
    const file = normalize(join(web, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const path = file.endsWith('/') ? join(file, 'index.html') : file;
    if (!path.startsWith(web) || !existsSync(path) || !statSync(path).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { chromium } = createRequire(join(root, 'package.json'))('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 300_000 });
    const got = await page.evaluate(() => window.result);
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-artifacts', 'package-browser.png') });
    // Node's θ of the page's text with a bundle's model, against what the page computed
    const againstNode = (bundle, theta, what) => {
      const node = run(process.execPath, ['node-theta.mjs', join(web, bundle, 'model')], { cwd: app });
      let want = null;
      try {
        want = JSON.parse(node.stdout.trim().split('\n').pop());
      } catch {}
      const diff = theta && want ? Math.max(...want.map((v, i) => Math.abs(v - theta[i]))) : Infinity;
      check(`${what} in Chromium computes Node's θ (max |Δ| = ${diff})`, diff <= 1e-4, JSON.stringify(got).slice(0, 2000) + node.stderr.slice(-1000));
    };
    againstNode('bundle', got?.theta, 'the bundled app');
    againstNode('bundle-static', got?.staticTheta, "a static-encoder student's bundle");
    check('the bundled app\'s 2 Web Workers give the θ of its own thread for 600 texts', got?.workers === 2 && got?.rows === 600 && got?.workersSame === true, JSON.stringify(got).slice(0, 2000));
  } finally {
    await browser.close();
    server.close();
  }
}

log(`${failures.length === 0 ? 'all package checks passed' : `${failures.length} package check(s) failed: ${failures.join('; ')}`} (${work})`);
if (failures.length === 0 && !process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
process.exit(failures.length === 0 ? 0 : 1);
