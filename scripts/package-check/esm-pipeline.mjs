// ESM: the public API from the installed packages, fit → distill → evaluate → save → load → transform.
import { createTopicKD } from 'topickd';
import { readFileSync } from 'node:fs';

const [corpus] = process.argv.slice(2);
const texts = readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);
const tkd = await createTopicKD({ backend: 'wasm', cacheDir: 'cache' });
const teacher = await tkd.fit(texts, { model: 'combined', topics: 10, epochs: 2, seed: 0 });
const student = await tkd.distill(teacher, texts, { model: 'zeroshot', hidden: [50], epochs: 2, seed: 0 });
const scores = await tkd.evaluate(student, texts);
await student.save('runs/student');
const again = await tkd.load('runs/student');
const theta = await again.transform(['stock markets fell sharply today']);
console.log(JSON.stringify({ backend: tkd.backend.tfjsBackend, npmi: scores.npmi.mean, params: student.params, theta: theta[0] }));
