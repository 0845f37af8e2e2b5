/**
 * The CLI is the API: for the same data and options, `topickd fit`, `topickd distill` and
 * `topickd experiment` (each a spawned process, as a user types them) and a program calling
 * `tkd.fit`, `tkd.distill` and `tkd.experiment` (its own process, importing `topickd`) write
 * byte-identical weights and θ of the training documents (theta.npy), and manifests and results
 * equal apart from what differs by nature:
 * recorded times, the folders' own names, and the digests that cover them.
 */
import { describe, it, expect } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeProgram, ok, RAW_CORPUS, scratchDir, topickd } from './helpers.js';

const generated = fileURLToPath(new URL('../.generated/', import.meta.url));
const program = join(generated, 'cli-is-api.mjs');

const API = `
import { createTopicKD } from 'topickd';
import { writeFileSync } from 'node:fs';
const [corpus, cache, other] = process.argv.slice(2);
const tkd = await createTopicKD({ backend: 'wasm', cacheDir: cache });
const teacher = await tkd.fit(corpus, { model: 'combined', topics: 5, epochs: 2, seed: 0, hidden: [20] });
await teacher.save('teacher');
const student = await tkd.distill(teacher, corpus, { model: 'zeroshot', hidden: [10], epochs: 2, seed: 0 });
await student.save('student');
// a corpus other than the teacher's: read over the teacher's vocabulary by both
await (await tkd.distill(teacher, other, { model: 'zeroshot', hidden: [10], epochs: 2, seed: 0 })).save('student-other');
await tkd.experiment({ dataset: corpus, topics: [5], seeds: [0], epochs: 2, out: 'grid', teacher: { hidden: [20] }, student: { hidden: [10] } });
// θ of new documents: tkd.infer as topickd infer computes it, and transform the same rows
const loaded = await tkd.load('student');
const inferred = await tkd.infer(loaded, other);
const rows = (m) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
writeFileSync('theta.json', JSON.stringify({ infer: rows(inferred.theta), transform: await loaded.transform(other) }));
// scores of a model and of a bare topic list, embeddings, and the report of two models
const scored = await tkd.evaluateTopics(loaded, corpus, { metrics: ['npmi', 'cv', 'td'] });
const listed = await tkd.evaluateTopics([['soil', 'water'], ['crop', 'yield']], corpus, { metrics: ['npmi'], topn: 2 });
const embedded = await tkd.embed(other);
writeFileSync('embedded.bin', Buffer.from(embedded.matrix.data.buffer, embedded.matrix.data.byteOffset, embedded.matrix.data.byteLength));
const reported = await tkd.report({ models: ['student'], teacher: 'teacher', corpus, out: 'report.html' });
writeFileSync('scores.json', JSON.stringify({ scored, listed, embedded: { rows: embedded.rows, dim: embedded.dim }, reported }));
`;

const weights = (dir: string) => readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('weights-'))!));

/** A JSON document without the keys that differ by nature (times, the run's own folders, digests over them). */
function comparable(value: unknown, folder: string): unknown {
  const drop = new Set(['seconds', 'trainSeconds', 'embeddingSeconds', 'digest', 'createdAt', 'date', 'startedAt', 'finishedAt', 'wallSeconds', 'totalSeconds', 'machine', 'out']);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => !drop.has(k)).map(([k, x]) => [k, walk(x)]));
    return typeof v === 'string' ? v.split(folder).join('<run>') : v;
  };
  return walk(value);
}

describe('the CLI is the API', () => {
  it('fit, distill, experiment, infer, evaluate, embed and report: the same weights, manifests, θ, scores and pages from both', async () => {
    const work = scratchDir('cli-is-api');
    const cache = join(work, 'cache');
    const viaApi = join(work, 'api');
    const viaCli = join(work, 'cli');
    mkdirSync(viaApi);
    mkdirSync(viaCli);
    mkdirSync(generated, { recursive: true });
    writeFileSync(program, API);
    // half of the corpus, and a document with none of its words (left out, with a warning)
    const other = join(work, 'other.jsonl');
    const lines = readFileSync(RAW_CORPUS, 'utf8').trim().split('\n');
    writeFileSync(other, [...lines.slice(100, 250), JSON.stringify({ text: 'qqqq zzzz wwww' })].join('\n') + '\n');
    const r = await nodeProgram(program, viaApi, [RAW_CORPUS, cache, other]);
    expect(r.status, r.stderr).toBe(0);
    const common = ['--backend', 'wasm', '--cache-dir', cache, '--quiet'];
    ok(await topickd(['fit', ...common, '--data', RAW_CORPUS, '--model', 'combined', '--topics', '5', '--epochs', '2', '--seed', '0', '--hidden', '20', '--out', 'teacher'], viaCli));
    ok(await topickd(['distill', ...common, '--teacher', 'teacher', '--data', RAW_CORPUS, '--student', 'zeroshot', '--hidden', '10', '--epochs', '2', '--seed', '0', '--out', 'student'], viaCli));
    const d2 = ok(await topickd(['distill', ...common, '--teacher', 'teacher', '--data', other, '--student', 'zeroshot', '--hidden', '10', '--epochs', '2', '--seed', '0', '--out', 'student-other'], viaCli));
    expect(d2.stderr).toMatch(/1 of 151 documents have no word of the model's vocabulary/);
    ok(await topickd(['experiment', ...common, '--dataset', RAW_CORPUS, '--topics', '5', '--seeds', '0', '--epochs', '2', '--teacher-hidden', '20', '--student-hidden', '10', '--out', 'grid'], viaCli));

    const models = ['teacher', 'student', 'student-other', 'grid/K5-seed0/teacher', 'grid/K5-seed0/student', 'grid/K5-seed0/distilled'];
    for (const m of models) {
      expect(weights(join(viaCli, m)).equals(weights(join(viaApi, m))), `${m}: weights`).toBe(true);
      const manifest = (root: string) => comparable(JSON.parse(readFileSync(join(root, m, 'manifest.json'), 'utf8')), root);
      expect(manifest(viaCli), `${m}: manifest`).toEqual(manifest(viaApi));
    }
    // θ of the training documents: the CLI writes it with the model, and so does the API's save()
    for (const m of ['teacher', 'student', 'student-other']) {
      for (const f of ['theta.npy', 'theta.json']) expect(readFileSync(join(viaCli, m, f)).equals(readFileSync(join(viaApi, m, f))), `${m}/${f}`).toBe(true);
    }
    // θ: topickd infer (its JSON) = tkd.infer = transform, row for row
    const inf = ok(await topickd(['infer', ...common, '--model', 'student', '--input', other, '--json'], viaCli));
    const apiTheta = JSON.parse(readFileSync(join(viaApi, 'theta.json'), 'utf8'));
    const cliTheta = JSON.parse(inf.stdout).theta;
    expect(cliTheta.length).toBe(151);
    expect(apiTheta.infer).toEqual(cliTheta);
    expect(apiTheta.transform).toEqual(cliTheta);
    const results = (root: string) => comparable(JSON.parse(readFileSync(join(root, 'grid', 'results.json'), 'utf8')), root);
    expect(results(viaCli)).toEqual(results(viaApi));

    // evaluate (a model; a topic list), embed and report: the command's JSON = the API's result
    const api = JSON.parse(readFileSync(join(viaApi, 'scores.json'), 'utf8'));
    const ev = JSON.parse(ok(await topickd(['evaluate', ...common, '--corpus', RAW_CORPUS, '--topics', 'student', '--metrics', 'npmi,cv,td', '--json'], viaCli)).stdout);
    expect({ npmi: ev.npmi, cv: ev.cv, td: ev.td, topics: ev.topics, topn: ev.topn, documents: ev.documents, preprocessing: ev.preprocessing }).toEqual({ ...api.scored.scores, topics: api.scored.topics, topn: api.scored.topn, documents: api.scored.documents, preprocessing: 'model' });
    writeFileSync(join(viaCli, 'topics.json'), JSON.stringify([['soil', 'water'], ['crop', 'yield']]));
    const listed = JSON.parse(ok(await topickd(['evaluate', ...common, '--corpus', RAW_CORPUS, '--topics', 'topics.json', '--metrics', 'npmi', '--topn', '2', '--json'], viaCli)).stdout);
    expect({ npmi: listed.npmi, documents: listed.documents, preprocessing: listed.preprocessing }).toEqual({ ...api.listed.scores, documents: api.listed.documents, preprocessing: 'default' });
    ok(await topickd(['embed', ...common, '--input', other, '--out', 'embedded.npy'], viaCli));
    const npy = readFileSync(join(viaCli, 'embedded.npy'));
    const apiBytes = readFileSync(join(viaApi, 'embedded.bin'));
    expect(npy.subarray(npy.length - apiBytes.length).equals(apiBytes)).toBe(true);
    expect(api.embedded).toEqual({ rows: 151, dim: 512 });
    const rep = JSON.parse(ok(await topickd(['report', ...common, '--model', 'student', '--teacher', 'teacher', '--corpus', RAW_CORPUS, '--out', 'report.html', '--json'], viaCli)).stdout);
    expect(rep).toEqual(api.reported);
    // the page's data (every topic, document and coordinate) is the same; only the embedded folder names could differ
    expect(readFileSync(join(viaCli, 'report.html'), 'utf8')).toBe(readFileSync(join(viaApi, 'report.html'), 'utf8'));
  }, 600_000);
});
