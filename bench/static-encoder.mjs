// The static encoder against the Universal Sentence Encoder it is distilled from (issue 29):
// docs/s of each on the same 20 Newsgroups posts, same backend (wasm), same run; the table's
// size and build time. Usage: node bench/static-encoder.mjs [N] (default 600 posts). The USE
// embeddings (timed) are also what the table is refined on. Prints one JSON object.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StaticEncoder, UseEncoder } from '@topickd/encoders';
import { createRuntime, distillStaticEncoder } from 'topickd/app';

const root = fileURLToPath(new URL('..', import.meta.url));
const n = Number(process.argv[2] ?? 600);
const posts = readFileSync(join(root, 'datasets/20ng/unpreprocessed.txt'), 'utf8').split('\n').filter(Boolean).slice(0, n);
const rt = await createRuntime({ backend: 'wasm', threads: 1 }, { warn() {} });
const use = new UseEncoder();
await use.embed(['warm up']);
let t = performance.now();
const E = await use.embed(posts);
const useSeconds = (performance.now() - t) / 1000;
use.dispose();
const dir = mkdtempSync(join(tmpdir(), 'topickd-static-bench-'));
const built = await distillStaticEncoder(posts, dir, { documentEmbeddings: E });
const st = new StaticEncoder({ path: dir });
await st.embed(['warm up']);
// the static encoder is fast: repeat until a second has passed
let reps = 0;
t = performance.now();
while (performance.now() - t < 1000 || reps < 3) {
  await st.embed(posts);
  reps++;
}
const staticSeconds = (performance.now() - t) / 1000 / reps;
console.log(JSON.stringify({
  backend: rt.backend.name,
  documents: posts.length,
  use: { seconds: +useSeconds.toFixed(3), docsPerSecond: Math.round(posts.length / useSeconds) },
  static: { seconds: +staticSeconds.toFixed(4), docsPerSecond: Math.round(posts.length / staticSeconds), dim: built.manifest.dim, bytes: built.bytes, buildSeconds: +built.seconds.toFixed(1), cosine: built.manifest.pieces },
  speedup: +(useSeconds / staticSeconds).toFixed(1),
}));
