// ESM: the public API from the installed packages, fit → distill → evaluate → save → load → transform
// (M10 titles), then on 300 posts of 20 Newsgroups: labels, topics per class (the newsgroups), update,
// choosing K, seeded topics and merging topics.
import { createTopicKD } from 'topickd';
import { readFileSync } from 'node:fs';

const [corpus, newsgroups] = process.argv.slice(2);
const texts = readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);
const tkd = await createTopicKD({ backend: 'wasm', cacheDir: 'cache' });
const teacher = await tkd.fit(texts, { model: 'combined', topics: 10, epochs: 2, seed: 0 });
const student = await tkd.distill(teacher, texts, { model: 'zeroshot', hidden: [50], epochs: 2, seed: 0 });
const scores = await tkd.evaluate(student, texts);
await student.save('runs/student');
const again = await tkd.load('runs/student');
const theta = await again.transform(['stock markets fell sharply today']);
// users' features from the packed package, on 20 Newsgroups: labels, topics per class, updating, choosing K, seeds, merging
const posts = readFileSync(newsgroups, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const ngTexts = posts.map((p) => p.text);
const ng = await tkd.fit(ngTexts, { model: 'combined', topics: 10, epochs: 2, seed: 0 });
const labels = await ng.labels(ngTexts);
const perClass = await tkd.topicsOverTime(ng, ngTexts, posts.map((p) => p.label), { bins: 'class' });
const updated = await tkd.update(ng, ngTexts.slice(0, 100), { epochs: 1 });
const k = await tkd.tune({ data: newsgroups, topics: [3, 4], model: 'prodlda', hidden: [20], seeds: [0], epochs: 1, out: 'runs/k' });
const seeded = await tkd.fit(ngTexts, { model: 'combined', topics: 10, epochs: 2, seed: 0, seedTopics: [['god', 'christian'], ['game', 'team']] });
const reduced = await tkd.reduce(ng, { topics: 4 });
const reducedTheta = await reduced.transform(['stock markets fell sharply today']);
console.log(JSON.stringify({ backend: tkd.backend.tfjsBackend, npmi: scores.npmi.mean, params: student.params, theta: theta[0], labels, classes: perClass.bins.length, lineage: updated.lineage, recommendedK: k.recommendedK, seededTopics: seeded.topics(10).slice(0, 2), reducedK: reduced.numTopics, reducedTheta: reducedTheta[0] }));
