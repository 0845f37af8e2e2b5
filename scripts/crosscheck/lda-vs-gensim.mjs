#!/usr/bin/env node
// TopicKD's `lda` against gensim 4's LdaModel (Debian's python3-gensim) on the same bag of
// words and settings: mean NPMI (and C_V, TD) over seeds, and training time, in one run.
//
//   node scripts/crosscheck/lda-vs-gensim.mjs [--datasets m10,20ng] [--topics 20,50] [--seeds 0,1,2]
//        [--passes 10] [--iterations 50] [--chunksize 2000] [--out results/lda-gensim]
//
// Both models' topics are scored by TopicKD's coherence (equal to gensim's CoherenceModel, see
// the fixtures tests) on the dataset's own documents, exactly as `topickd experiment` scores rows.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuBackend, ReferenceCorpus, coherence, topicDiversity, resolveModelConfig, trainModel } from '@topickd/core';
import { ldaFactory } from '@topickd/models-classic';
import { loadDataset } from 'topickd/app';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((a, x, i, all) => (x.startsWith('--') ? [...a, [x.slice(2), all[i + 1]]] : a), []));
const list = (s, d) => (s ?? d).split(',');
const datasets = list(args.datasets, 'm10,20ng');
const Ks = list(args.topics, '20,50').map(Number);
const seeds = list(args.seeds, '0,1,2').map(Number);
const settings = { passes: Number(args.passes ?? 10), iterations: Number(args.iterations ?? 50), chunksize: Number(args.chunksize ?? 2000) };
const out = args.out ?? join(here, '..', '..', 'results', 'lda-gensim');

await new CpuBackend().activate(); // LDA runs on typed arrays; tensors only hold its parameters
const tmp = mkdtempSync(join(os.tmpdir(), 'lda-gensim-'));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const rows = [];
let gensimVersion;
for (const name of datasets) {
  const dataset = loadDataset({}, name, { warn: () => {} });
  const { bow, vocabulary } = dataset;
  const ref = new ReferenceCorpus(dataset.tokens);
  const docs = Array.from({ length: bow.rows }, (_, d) => Array.from({ length: bow.indptr[d + 1] - bow.indptr[d] }, (_, j) => [bow.indices[bow.indptr[d] + j], bow.values[bow.indptr[d] + j]]));
  const bowFile = join(tmp, `${name}.json`);
  writeFileSync(bowFile, JSON.stringify({ V: vocabulary.length, docs }));
  const score = (top) => {
    const words = top.map((t) => t.map((i) => vocabulary[i]));
    const top10 = words.map((t) => t.slice(0, 10));
    return { npmi: coherence(ref, top10, 'c_npmi', { skipUnknownWords: true }).mean, cv: coherence(ref, top10, 'c_v', { skipUnknownWords: true }).mean, td: topicDiversity(words, 25).mean };
  };
  for (const K of Ks)
    for (const seed of seeds) {
      const model = ldaFactory.create(resolveModelConfig({ kind: 'lda', numTopics: K, vocabSize: vocabulary.length, embeddingDim: 0, options: settings }), seed);
      const r = await trainModel(model, { bow, embeddings: { rows: bow.rows, cols: 0, data: new Float32Array(0) } }, { seed });
      const d = model.topicWordDistribution();
      const top = Array.from({ length: K }, (_, k) => Array.from(d.data.subarray(k * d.cols, (k + 1) * d.cols).keys()).sort((a, b) => d.data[k * d.cols + b] - d.data[k * d.cols + a] || a - b).slice(0, 25));
      model.dispose();
      const ours = { implementation: 'topickd', dataset: name, K, seed, seconds: r.seconds, ...score(top) };
      const g = JSON.parse(execFileSync('/usr/bin/python3', [join(here, 'gensim_lda.py'), bowFile, String(K), String(seed), String(settings.passes), String(settings.iterations), String(settings.chunksize)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }, maxBuffer: 1 << 26 }));
      gensimVersion = g.gensim;
      const theirs = { implementation: `gensim ${g.gensim}`, dataset: name, K, seed, seconds: g.seconds, ...score(g.top) };
      rows.push(ours, theirs);
      console.log(`${name} K=${K} seed=${seed}: topickd NPMI ${ours.npmi.toFixed(4)} (${ours.seconds.toFixed(1)} s), gensim NPMI ${theirs.npmi.toFixed(4)} (${theirs.seconds.toFixed(1)} s)`);
    }
}
const summary = [];
for (const name of datasets)
  for (const K of Ks) {
    const pick = (impl) => rows.filter((r) => r.dataset === name && r.K === K && r.implementation.startsWith(impl));
    const [a, b] = [pick('topickd'), pick('gensim')];
    const s = (rs, k) => ({ mean: mean(rs.map((r) => r[k])), std: std(rs.map((r) => r[k])) });
    const entry = { dataset: name, K, topickd: { npmi: s(a, 'npmi'), cv: s(a, 'cv'), td: s(a, 'td'), seconds: s(a, 'seconds') }, gensim: { npmi: s(b, 'npmi'), cv: s(b, 'cv'), td: s(b, 'td'), seconds: s(b, 'seconds') } };
    // "within the seed spread": |mean difference| ≤ the larger of the two seed standard deviations
    entry.npmiWithinSeedSpread = Math.abs(entry.topickd.npmi.mean - entry.gensim.npmi.mean) <= Math.max(entry.topickd.npmi.std, entry.gensim.npmi.std);
    summary.push(entry);
  }
mkdirSync(out, { recursive: true });
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
writeFileSync(join(out, 'results.json'), JSON.stringify({ settings, seeds, gensim: gensimVersion, machine: { cpu, cores: os.cpus().length }, summary, runs: rows }, null, 2) + '\n');
const f = (x) => `${x.mean.toFixed(4)} ± ${x.std.toFixed(4)}`;
const md = [
  `# TopicKD lda vs gensim ${gensimVersion} LdaModel`,
  '',
  `Same bag of words, passes ${settings.passes}, iterations ${settings.iterations}, chunksize ${settings.chunksize}, α = η = 1/K, seeds ${seeds.join(', ')}; one thread each; ${cpu}.`,
  `Command: \`node scripts/crosscheck/lda-vs-gensim.mjs --datasets ${datasets.join(',')} --topics ${Ks.join(',')} --seeds ${seeds.join(',')}\``,
  '',
  '| dataset | K | NPMI topickd | NPMI gensim | within seed spread | C_V topickd | C_V gensim | TD topickd | TD gensim | seconds topickd | seconds gensim |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...summary.map((e) => `| ${e.dataset} | ${e.K} | ${f(e.topickd.npmi)} | ${f(e.gensim.npmi)} | ${e.npmiWithinSeedSpread ? 'yes' : 'no'} | ${f(e.topickd.cv)} | ${f(e.gensim.cv)} | ${f(e.topickd.td)} | ${f(e.gensim.td)} | ${e.topickd.seconds.mean.toFixed(1)} | ${e.gensim.seconds.mean.toFixed(1)} |`),
  '',
].join('\n');
writeFileSync(join(out, 'results.md'), md);
console.log(md);
