// Which OpenBLAS kernel families sum a row of a product the same way whatever its place in the
// batch and whatever the batch's size — the property the embedding cache and `--shard-size`
// rest on (packages/backend-node/src/openblas/addon.ts, pinOpenBlasCore, pins one of them).
// Each family runs in its own process (OPENBLAS_CORETYPE is read when OpenBLAS loads), on the
// raw addon, without TopicKD's pin. Usage: node bench/openblas-kernels.mjs [FAMILY ...]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { writeBenchmarksSection } from './benchmarks-md.mjs';

const ADDON = fileURLToPath(new URL('../packages/backend-node/build/Release/topickd_openblas.node', import.meta.url));

if (process.argv[2] === '--child') {
  const addon = createRequire(import.meta.url)(ADDON);
  addon.setThreads(1);
  const K = 512, N = 512;
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const A = new Float32Array(256 * K).map(rnd);
  const B = new Float32Array(K * N).map(rnd);
  /** Row r of A·B computed with A's rows `rows`, at place `at`. */
  const rowOf = (rows, at) => {
    const a = new Float32Array(rows.length * K);
    rows.forEach((r, i) => a.set(A.subarray(r * K, (r + 1) * K), i * K));
    const c = new Float32Array(rows.length * N);
    addon.sgemm(false, false, rows.length, N, K, a, B, c, 1, 0, 0, rows.length * N);
    return c.subarray(at * N, (at + 1) * N);
  };
  const same = (x, y) => x.every((v, j) => v === y[j]);
  const ref = rowOf(Array.from({ length: 64 }, (_, i) => i), 0);
  // row 0 at every place of a 24-row batch (the other rows: 1, 2, ...)
  const places = [];
  for (let p = 0; p < 24; p++) {
    const rows = Array.from({ length: 24 }, (_, i) => i + 1);
    rows[p] = 0;
    if (!same(rowOf(rows, p), ref)) places.push(p);
  }
  // row 0 at place 0 of batches of 1..80 rows
  const sizes = [];
  for (let m = 1; m <= 80; m++) if (!same(rowOf(Array.from({ length: m }, (_, i) => i), 0), ref)) sizes.push(m);
  const t0 = performance.now();
  const a = new Float32Array(1024 * K).map(rnd), c = new Float32Array(1024 * N);
  for (let i = 0; i < 20; i++) addon.sgemm(false, false, 1024, N, K, a, B, c, 1, 0, 0, 1024 * N);
  const ms = (performance.now() - t0) / 20;
  console.log(JSON.stringify({ places, sizes, ms }));
  process.exit(0);
}

const families = process.argv.slice(2).length ? process.argv.slice(2) : ['Sandybridge', 'Haswell', 'Zen', 'SkylakeX', 'Cooperlake', 'Nehalem'];
const lines = [
  '## OpenBLAS kernel families (`node bench/openblas-kernels.mjs`)',
  '',
  `Each family in its own process (OPENBLAS_CORETYPE), on the raw addon, one thread; ${cpus()[0]?.model.trim() ?? '?'}, ${cpus().length} cores, Node ${process.version}.`,
  'A row of A·B (K = N = 512) compared with the same row of a 64-row product: where the family sums it differently by its place in a',
  '24-row batch, and by the batch size at place 0. The node backend pins Sandybridge on x86-64 with AVX',
  '(packages/backend-node/src/openblas/addon.ts, pinOpenBlasCore): the embedding cache and `--shard-size` rest on',
  "a row's bytes not depending on its batch-mates, which Haswell/Zen break (this machine image sets OPENBLAS_CORETYPE=Haswell).",
  '',
  '| OpenBLAS family | places in a 24-row batch where a row sums differently | batch sizes (1–80) where it does | 1024×512×512 product, ms |',
  '| --- | --- | --- | ---: |',
];
for (const f of families) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { env: { ...process.env, OPENBLAS_CORETYPE: f, OPENBLAS_VERBOSE: '2' }, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop();
  const core = /Core: (\S+)/.exec(r.stdout + r.stderr)?.[1] ?? '?';
  if (r.status !== 0 || !line?.startsWith('{')) {
    lines.push(`| ${f} | failed (${(r.stderr || r.stdout).trim().split('\n').pop()}) | | |`);
    continue;
  }
  const { places, sizes, ms } = JSON.parse(line);
  const list = (xs) => (xs.length ? xs.join(', ') : 'none');
  lines.push(`| ${f}${core !== f ? ` (ran ${core})` : ''} | ${list(places)} | ${list(sizes)} | ${ms.toFixed(2)} |`);
}
writeBenchmarksSection('openblas-kernels', lines.join('\n'));
