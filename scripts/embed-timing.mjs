// Times the USE encoder on 2,000 M10 titles and 600 20NG posts (wasm, one thread, after a warm-up),
// the figures behind "what the same-bytes batching costs" in the README. Run after a build:
//   node scripts/embed-timing.mjs          (600 posts, 2,000 titles)
//   node scripts/embed-timing.mjs all      (also all 8,355 M10 titles)
// Compare two commits by running it in each (e.g. 293287f, mixed-length batches, and later).
import { readFileSync } from 'node:fs';
const { createTopicKD } = await import('../packages/topickd/dist/index.js');
const { UseEncoder } = await import('../packages/encoders/dist/index.js');
await createTopicKD({ backend: 'wasm' });
const root = new URL('../datasets/', import.meta.url);
const posts = readFileSync(new URL('20ng/unpreprocessed.txt', root), 'utf8').split('\n').filter(Boolean).slice(0, 600);
const titles = readFileSync(new URL('m10/corpus.tsv', root), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[0]).slice(0, 2000);
const enc = new UseEncoder();
await enc.embed(['warm up']);
const all = readFileSync(new URL('m10/corpus.tsv', root), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
const sets = [['20ng-600-posts', posts], ['m10-2000-titles', titles], ...(process.argv[2] === 'all' ? [['m10-all-titles', all]] : [])];
for (const [name, texts] of sets) {
  const t = performance.now();
  await enc.embed(texts, { batchSize: 64 });
  console.log(`${name}: ${((performance.now() - t) / 1000).toFixed(2)} s`);
}
