// Recipe experiments (the README's "distillation phase" table): one teacher (seed 0), then per seed the
// student alone and the student distilled under each recipe, one JSON line per model in OUT
// (resumable: lines already there are skipped). Summarise with scripts/summarize-recipe-runs.mjs OUT.
// RECIPES' alpha may be "auto" (autoAlpha of the corpus) or "paper" (paperHyper's α and T).
// TEACHER_CACHE=DIR (default scratch/teachers; "" for none) saves each teacher there and reads it back in later runs.
// env: DATA, K, EPOCHS, TEPOCHS, SEEDS, RECIPES (JSON [{name, alpha, temperature, tdrop, kdEpochs}]), BACKEND, OUT
// e.g. DATA=m10 K=20 EPOCHS=30 BACKEND=node OUT=results/recipe-phase/m10k20-e30.jsonl \
//   RECIPES='[{"name":"auto","alpha":0.441,"temperature":4},{"name":"auto-kd15","alpha":0.441,"temperature":4,"kdEpochs":15}]' node scripts/recipe-phase-runs.mjs
import { createRuntime, loadDataset, embedDataset, fitOn, Progress, evaluateModel, trainOptionsOf, loadModelWith } from '../packages/topickd/dist/app.js';
import { saveModel } from '../packages/core/dist/node.js';
import { distill, resolveModelConfig, ReferenceCorpus, autoAlpha, paperHyper } from '../packages/core/dist/index.js';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

const DATA = process.env.DATA ?? 'm10';
const K = Number(process.env.K ?? 20);
const EPOCHS = Number(process.env.EPOCHS ?? 30);
const TEPOCHS = Number(process.env.TEPOCHS ?? EPOCHS);
const SEEDS = (process.env.SEEDS ?? '0,1,2,3,4').split(',').map(Number);
const RECIPES = JSON.parse(process.env.RECIPES ?? '[{"name":"a0.8T4","alpha":0.8,"temperature":4}]');
const OUT = process.env.OUT ?? `scratch/res-${DATA}-K${K}-e${EPOCHS}.jsonl`;
const logger = { warn: (m) => process.stderr.write(`warn ${m}\n`), info() {}, debug() {} };
const cfg = { backend: process.env.BACKEND ?? 'node', epochs: EPOCHS, cacheDir: '.topickd-cache', quiet: true };
const rt = await createRuntime(cfg, logger);
const progress = new Progress({ quiet: true });
const dataset = loadDataset(cfg, DATA);
let tokens = 0;
for (let i = 0; i < dataset.bow.values.length; i++) tokens += dataset.bow.values[i];
const nbar = tokens / dataset.bow.rows;
console.error(`${DATA}: ${dataset.bow.rows} docs, V=${dataset.vocabulary.length}, mean tokens ${nbar.toFixed(2)}`);
const emb = (await embedDataset(rt, dataset, 'use', cfg, progress)).embeddings;
const ref = new ReferenceCorpus(dataset.tokens);
const done = new Set(existsSync(OUT) ? readFileSync(OUT, 'utf8').trim().split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l); return `${r.recipe}|${r.seed}`; }) : []);
const write = (r) => { appendFileSync(OUT, JSON.stringify(r) + '\n'); console.error(JSON.stringify(r)); };

const teachers = new Map();
async function teacherFor(tdrop, tseed = 0) {
  const key = `${tdrop}|${tseed}`;
  if (!teachers.has(key)) {
    // TEACHER_CACHE: a folder where teachers are saved and read again by later runs (same DATA, K, epochs, dropout, seed)
    const cacheRoot = process.env.TEACHER_CACHE ?? "scratch/teachers";
    const dir = cacheRoot ? `${cacheRoot}/${DATA.replace(/[^\w.-]+/g, '_')}-K${K}-e${TEPOCHS}-d${tdrop}-s${tseed}` : undefined;
    if (dir && existsSync(`${dir}/manifest.json`)) {
      teachers.set(key, (await loadModelWith(rt, dir)).model);
      return teachers.get(key);
    }
    const t = await fitOn(rt, dataset, emb, { kind: 'combined', topics: K, hidden: [100, 100] }, { ...cfg, epochs: TEPOCHS, dropout: tdrop }, progress, 'teacher', tseed);
    const ev = evaluateModel(t.model, dataset.vocabulary, ref);
    if (!done.has(`teacher-d${tdrop}-s${tseed}|${tseed}`)) write({ recipe: `teacher-d${tdrop}-s${tseed}`, seed: tseed, npmi: ev.npmi, cv: ev.cv, td: ev.td, sec: t.result.seconds });
    if (dir) await saveModel(dir, { model: t.model, vocabulary: dataset.vocabulary, encoder: { id: 'use', type: 'use', dim: emb.cols }, training: { role: 'teacher', seed: tseed, epochs: TEPOCHS } });
    teachers.set(key, t.model);
  }
  return teachers.get(key);
}

if (process.env.TEACHERS) {
  for (const t of JSON.parse(process.env.TEACHERS)) {
    const m = await fitOn(rt, dataset, emb, { kind: t.kind ?? 'combined', topics: K, hidden: t.hidden ?? [100, 100] }, { ...cfg, epochs: t.epochs ?? TEPOCHS, dropout: t.dropout ?? 0.2, learningRate: t.lr }, progress, 'teacher', t.seed ?? 0);
    const ev = evaluateModel(m.model, dataset.vocabulary, ref);
    write({ recipe: t.name, seed: t.seed ?? 0, npmi: ev.npmi, cv: ev.cv, td: ev.td, sec: m.result.seconds, params: m.model.paramCount() });
    m.model.dispose();
  }
  process.exit(0);
}
for (const seed of SEEDS) {
  if (!done.has(`alone|${seed}`)) {
    const a = await fitOn(rt, dataset, emb, { kind: 'zeroshot', topics: K, hidden: [100, 100] }, cfg, progress, 'alone', seed);
    const ev = evaluateModel(a.model, dataset.vocabulary, ref);
    write({ recipe: 'alone', seed, npmi: ev.npmi, cv: ev.cv, td: ev.td, sec: a.result.seconds });
    a.model.dispose();
  }
  for (const r of RECIPES) {
    if (done.has(`${r.name}|${seed}`)) continue;
    const teacher = await teacherFor(r.tdrop ?? 0.2, r.tseed ?? 0);
    // alpha "auto": the auto recipe's α of this corpus; "paper": the paper's α and T for DATA and K
    const paper = r.alpha === 'paper' ? paperHyper(DATA, K) : undefined;
    const alpha = paper ? paper.alpha : r.alpha === 'auto' ? autoAlpha(nbar) : r.rho !== undefined ? (r.rho * nbar) / (r.rho * nbar + r.temperature) : r.alpha;
    if (paper) r.temperature = paper.temperature;
    const config = resolveModelConfig({ kind: 'zeroshot', numTopics: K, vocabSize: dataset.vocabulary.length, embeddingDim: emb.cols, hiddenSizes: [100, 100], dropout: r.sdrop });
    const student = rt.registry.modelFactory('zeroshot').create(config, seed);
    const losses = rt.registry.weightedLosses(r.losses ?? ['w2', 'ce']);
    const res = await distill(teacher, student, { student: { bow: dataset.bow, embeddings: emb }, teacherEmbeddings: emb }, losses, {
      ...trainOptionsOf(rt, cfg, progress, 'd', seed), epochs: r.epochs ?? EPOCHS, alpha, temperature: r.temperature, kdEpochs: r.kdEpochs,
    });
    const ev = evaluateModel(student, dataset.vocabulary, ref);
    write({ recipe: r.name, seed, alpha, temperature: r.temperature, npmi: ev.npmi, cv: ev.cv, td: ev.td, sec: res.seconds });
    student.dispose();
  }
}
