/**
 * The static (Model2Vec-style) encoder as a user runs it (spawned): `topickd distill-encoder`
 * writes a small int8 table deterministically; `--encoder static:DIR` trains a student that
 * `infer` uses from another folder; a text's embedding is the unit-length sum of its pieces'
 * rows (checked against the files, read independently); a damaged table is refused.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok, RAW_CORPUS, REPO, refused, scratchDir, topickd, nodeProgram } from './helpers.js';

const work = scratchDir('static');
const common = ['--cache-dir', join(work, 'cache'), '--quiet'];
const table = join(work, 'static');
let built: { bytes: number; dim: number; sha256: string; pieces: { kind: string; cosine: { before: number; after: number } } };

beforeAll(async () => {
  built = ok(await topickd(['distill-encoder', '--data', RAW_CORPUS, '--dim', '64', '--refine-epochs', '3', '--out', table, '--json', ...common], work)).json();
}, 300_000);

describe('topickd distill-encoder and --encoder static:DIR', () => {
  it('writes a checksummed int8 table of the vocabulary; the same corpus and options give the same bytes; refinement brings documents closer to the encoder', async () => {
    const m = JSON.parse(readFileSync(join(table, 'static.json'), 'utf8'));
    expect(m).toMatchObject({ format: 'topickd-static', version: 1, dim: 64, tokens: 8000, quantization: 'int8-row', weighting: { kind: 'sif' } });
    expect(statSync(join(table, 'vectors.i8')).size).toBe(8000 * 64);
    expect(built.bytes).toBeLessThan(1_000_000);
    expect(built.pieces.cosine.after).toBeGreaterThan(built.pieces.cosine.before);
    const again = ok(await topickd(['distill-encoder', '--data', RAW_CORPUS, '--dim', '64', '--refine-epochs', '3', '--out', join(work, 'static-2'), '--json', ...common], work)).json();
    expect(again.sha256).toBe(built.sha256);
    expect(readFileSync(join(work, 'static-2', 'vectors.i8')).equals(readFileSync(join(table, 'vectors.i8')))).toBe(true);
  }, 300_000);

  it("a text's embedding is the unit-length sum of its pieces' rows (scale × int8), from the files", async () => {
    const generated = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(generated, { recursive: true });
    const program = join(generated, 'static-embed.mjs');
    writeFileSync(
      program,
      `import { readFileSync } from 'node:fs';
import { StaticEncoder, UseTokenizer } from '@topickd/encoders';
const dir = ${JSON.stringify(table)};
const texts = ['Gene expression in mice', 'the stock market', '', 'ünïcödé façade'];
const m = await new StaticEncoder({ path: dir }).embed(texts);
const q = new Int8Array(readFileSync(dir + '/vectors.i8').buffer.slice(0));
const b = readFileSync(dir + '/scales.f32');
const scales = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const tok = new UseTokenizer(JSON.parse(readFileSync(dir + '/vocab.json', 'utf8')));
let worst = 0;
texts.forEach((t, i) => {
  const sum = new Float64Array(64);
  const ids = tok.encode(t);
  for (const id of ids.length ? ids : tok.encode(' ')) for (let c = 0; c < 64; c++) sum[c] += scales[id] * q[id * 64 + c];
  const n = Math.hypot(...sum) || 1;
  for (let c = 0; c < 64; c++) worst = Math.max(worst, Math.abs(sum[c] / n - m.data[i * 64 + c]));
});
console.log(JSON.stringify({ rows: m.rows, cols: m.cols, worst, norms: texts.map((_, i) => Math.hypot(...m.data.subarray(i * 64, i * 64 + 64))) }));
`,
    );
    const r = await nodeProgram(program, work);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ rows: 4, cols: 64 });
    expect(out.worst).toBeLessThan(1e-5);
    for (const n of out.norms) expect(n).toBeCloseTo(1, 4);
  }, 120_000);

  it('a student trained with --encoder static:DIR (relative) infers from another folder with the table it recorded; a damaged table is refused', async () => {
    const model = join(work, 'student');
    ok(await topickd(['fit', '--data', RAW_CORPUS, '--model', 'zeroshot', '--topics', '4', '--hidden', '16', '--epochs', '2', '--encoder', 'static:static', '--out', model, ...common], work));
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    expect(manifest.encoder).toMatchObject({ type: 'static', dim: 64, options: { path: table } });
    expect(manifest.encoder.id).toBe(`static@${built.sha256.slice(0, 16)}`);
    const docs = join(work, 'new.txt');
    writeFileSync(docs, 'gene expression in mice\nneural networks for vision\n');
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    const theta = ok(await topickd(['infer', '--model', model, '--input', docs, '--json', ...common], elsewhere)).json();
    expect(theta.documents).toBe(2);
    // a .txt or .jsonl input is read and inferred block by block (--shard-size documents at a
    // time): 1,100 documents in 3 blocks of 512, in 1 block, and as JSONL give the same θ; a
    // static table is faster than the embedding cache, so none is written for it
    const titles = readFileSync(RAW_CORPUS, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text as string);
    const many = Array.from({ length: 1100 }, (_, i) => `${titles[i % titles.length]} ${i}`);
    writeFileSync(join(work, 'many.txt'), many.join('\n') + '\n');
    writeFileSync(join(work, 'many.jsonl'), many.map((text) => JSON.stringify({ text })).join('\n') + '\n');
    const cacheDir = join(work, 'infer-cache');
    const inferred = async (input: string, shard: string) => ok(await topickd(['infer', '--model', model, '--input', input, '--shard-size', shard, '--json', '--cache-dir', cacheDir, '--quiet'], work)).json();
    const blocks = await inferred('many.txt', '512');
    expect(blocks.documents).toBe(1100);
    expect((await inferred('many.txt', '1536')).theta).toEqual(blocks.theta);
    expect((await inferred('many.jsonl', '512')).theta).toEqual(blocks.theta);
    expect(existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.startsWith('static')) : []).toEqual([]);
    const text = ok(await topickd(['infer', '--model', model, '--input', 'many.txt', '--cache-dir', cacheDir, '--quiet'], work)).stdout.trim().split('\n');
    expect(text).toHaveLength(1100);
    expect(text[1099].split('\t').map(Number)).toEqual(blocks.theta[1099].map((v: number) => Number(v.toFixed(4))));
    // one flipped byte in the table: refused by its checksum, naming what to do
    const damaged = join(work, 'static-damaged');
    ok(await topickd(['distill-encoder', '--data', RAW_CORPUS, '--dim', '64', '--refine-epochs', '0', '--out', damaged, ...common], work));
    const v = readFileSync(join(damaged, 'vectors.i8'));
    v[100] ^= 0x40;
    writeFileSync(join(damaged, 'vectors.i8'), v);
    refused(await topickd(['infer', '--model', model, '--input', docs, '--encoder', `static:${damaged}`, ...common], work), 1, /does not match its checksum .* distill-encoder/);
    refused(await topickd(['distill-encoder', '--data', RAW_CORPUS, '--dim', '600', '--out', join(work, 'x'), ...common], work), 2, /--dim must be an integer from 1 to 512/);
  }, 300_000);
});
