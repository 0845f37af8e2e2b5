import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, COMMANDS, cliReference, configReference } from '@topickd/cli';
import { encodeNpy, decodeNpy } from '@topickd/encoders';
import { Random } from '@topickd/core';
import { runNode } from '../../../test-support/child-process.js';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

const dir = mkdtempSync(join(tmpdir(), 'topickd-cli-'));
const m10 = fileURLToPath(new URL('../../../datasets/m10/corpus.tsv', import.meta.url));
const titles = readFileSync(m10, 'utf8').split('\n').slice(0, 240).map((l) => l.split('\t')[0]);
const corpusTxt = join(dir, 'titles.txt');
const embNpy = join(dir, 'emb.npy');

beforeAll(() => {
  writeFileSync(corpusTxt, titles.join('\n') + '\n');
  const r = new Random(3);
  writeFileSync(embNpy, encodeNpy({ rows: titles.length, cols: 16, data: r.uniformArray(titles.length * 16, -1, 1) }));
});

describe('topickd info and backends', () => {
  it('info --json lists plugins from the container and the active backend', async () => {
    const r = await run('info', '--backend', 'wasm', '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.backends).toEqual(expect.arrayContaining(['cpu', 'wasm', 'node']));
    expect(j.encoders).toEqual(expect.arrayContaining(['use', 'precomputed']));
    expect(j.losses).toEqual(expect.arrayContaining(['ce', 'w2', 'kl', 'mse']));
    expect(j.activeBackend).toBe('wasm');
    expect((await run('info', '--backend', 'cpu', '--json')).json().activeBackend).toBe('cpu');
  });

  it('an unknown backend is a usage error (exit 2) naming the registered ones', async () => {
    const r = await run('info', '--backend', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown backend "nope".*registered backends: cpu, wasm, node/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--backend node runs the OpenBLAS engine where it was built; info --json names the engine', async () => {
    const probe = (await run('info', '--json')).json();
    expect(['tfjs-node', 'openblas', null]).toContain(probe.nodeEngine);
    if (probe.nodeEngine === null) expect(probe.nodeEngineReason).toMatch(/OpenBLAS engine/);
    if (probe.nodeEngine !== 'openblas') return; // no compiler or libopenblas-dev here: the child-process test below covers it
    const r = await run('info', '--backend', 'node', '--json');
    expect(r.code).toBe(0);
    expect(r.json().activeBackend).toBe('node');
    expect(r.json().tfjsBackend).toBe('openblas');
  });

  it('without tfjs-node and without the OpenBLAS engine, --backend node exits 1 with the hint; with a fallback it runs on wasm', async () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const env = { TOPICKD_OPENBLAS_ADDON: join(dir, 'no-such-addon.node') };
    const info = await runNode(bin, ['info', '--json'], { env });
    expect(info.status).toBe(0);
    const j = JSON.parse(info.stdout);
    if (j.nodeEngine === 'tfjs-node') return; // tfjs-node is installed on this machine
    expect(j.nodeEngine).toBeNull();
    expect(j.nodeEngineReason).toMatch(/@tensorflow\/tfjs-node is not installed.*OpenBLAS engine is not built/);
    const r = await runNode(bin, ['info', '--backend', 'node'], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/pnpm add @tensorflow\/tfjs-node/);
    expect(r.stderr).toMatch(/libopenblas-dev/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const f = await runNode(bin, ['info', '--backend', 'node', '--fallback', 'wasm', '--json'], { env });
    expect(f.status).toBe(0);
    expect(JSON.parse(f.stdout).activeBackend).toBe('wasm');
    expect(f.stderr).toMatch(/falling back to "wasm"/);
  });

  it('usage errors: unknown command, unknown flag, missing value, bad number', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    const r = await run('fit', '--nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown flag --nope/);
    expect((await run('fit', '--topics')).stderr).toMatch(/--topics needs a value/);
    expect((await run('fit', '--topics', 'abc')).code).toBe(2);
  });

  it('required flags are declared once: the usage line lists them, a missing one is a usage error naming it, a config file may give one', async () => {
    const required = COMMANDS.flatMap((c) => Object.entries(c.flags).filter(([, s]) => s.required).map(([name, s]) => ({ command: c.name, name, arg: s.arg })));
    expect(required.length).toBeGreaterThan(20);
    for (const c of COMMANDS) {
      const names = Object.entries(c.flags).filter(([, s]) => s.required).map(([n]) => n);
      const help = await run(c.name, '--help');
      const usage = help.stdout.split('\n')[0];
      expect(usage).toBe(`Usage: topickd ${c.name}${names.map((n) => ` --${n}${c.flags[n].arg ? ` ${c.flags[n].arg}` : ''}`).join('')} [options]`);
      if (!names.length) continue;
      // nothing given: refused before any work, naming the first required flag and what it is
      const r = await run(c.name);
      expect(r.code, `${c.name}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^topickd: error: give --${names[0]}\\b`));
      expect(r.stderr).not.toMatch(/\(required\)/);
      for (const n of names) expect(help.stdout).toMatch(new RegExp(`--${n}\\b.*required`));
    }
    // tune's --data and --out given by a config file: the next thing missing is its teacher
    const cfgFile = join(dir, 'tune-required.yaml');
    writeFileSync(cfgFile, `data: ${corpusTxt}\nout: ${join(dir, 'tune-out')}\n`);
    const r = await run('tune', '--config', cfgFile);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give the teacher model folder: --teacher DIR/);
    expect(existsSync(join(dir, 'tune-out'))).toBe(false);
  });

  it('docs/reference/cli.md and docs/reference/config.md are generated from the flag declarations and the config schema (the committed files are up to date)', () => {
    const docs = fileURLToPath(new URL('../../../docs/reference/', import.meta.url));
    expect(readFileSync(join(docs, 'cli.md'), 'utf8'), 'run `pnpm run build && node scripts/write-references.mjs`').toBe(cliReference());
    expect(readFileSync(join(docs, 'config.md'), 'utf8'), 'run `pnpm run build && node scripts/write-references.mjs`').toBe(configReference());
    for (const c of COMMANDS) expect(cliReference()).toContain(`## ${c.name}\n`);
  });

  it('every command has --help with an example', async () => {
    for (const c of ['fit', 'distill', 'experiment', 'evaluate', 'infer', 'export', 'info', 'embed', 'report', 'demo']) {
      const r = await run(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example:\n  topickd /);
    }
  });
});

describe('fit, infer, evaluate, distill, export end to end (precomputed embeddings)', () => {
  const teacherDir = join(dir, 'models', 'teacher');
  const studentDir = join(dir, 'models', 'student');

  it('fit --json prints the contract fields and writes a model folder (creating missing folders)', async () => {
    const r = await run('fit', '--data', corpusTxt, '--model', 'combined', '--topics', '5', '--epochs', '3', '--encoder', `precomputed:${embNpy}`, '--out', teacherDir, '--json', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = r.json();
    for (const k of ['model', 'topics', 'params', 'epochs', 'finalLoss', 'seconds', 'docsPerSecond', 'topicWords']) expect(j).toHaveProperty(k);
    expect(j.model).toBe('combined');
    expect(j.topics).toBe(5);
    expect(j.epochs).toBe(3);
    expect(j.topicWords).toHaveLength(5);
    expect(j.topicWords[0]).toHaveLength(10);
    expect(existsSync(join(teacherDir, 'manifest.json'))).toBe(true);
  });

  it('infer prints θ per document', async () => {
    const r = await run('infer', '--model', teacherDir, '--input', corpusTxt, '--encoder', `precomputed:${embNpy}`, '--json', '--quiet');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.theta).toHaveLength(titles.length);
    expect(j.theta[0]).toHaveLength(5);
    expect(j.theta[0].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('evaluate accepts a topics JSON or a model folder and prints every metric', async () => {
    const ref = join(dir, 'ref.txt');
    writeFileSync(ref, titles.join('\n'));
    const topics = join(dir, 'topics.json');
    writeFileSync(topics, JSON.stringify([titles[0].split(' ').slice(0, 3), titles[1].split(' ').slice(0, 3)]));
    const tooMany = await run('evaluate', '--corpus', ref, '--topics', topics, '--json');
    expect(tooMany.code).toBe(2); // 3-word topics, default --topn 10
    expect(tooMany.stderr).toMatch(/--topn 10 is more words than a topic has \(3\)/);
    const r = await run('evaluate', '--corpus', ref, '--topics', topics, '--topn', '3', '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    for (const m of ['npmi', 'cv', 'umass', 'uci', 'td', 'irbo']) {
      expect(typeof j[m].mean).toBe('number');
      expect(Array.isArray(j[m].perTopic)).toBe(true);
    }
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify([['zzzz', 'neural']]));
    const u = await run('evaluate', '--corpus', ref, '--topics', unknown, '--metrics', 'npmi', '--topn', '2');
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/"zzzz" does not occur in the reference corpus/);
  });

  it('distill --json adds teacherParams and the loss weights', async () => {
    const r = await run('distill', '--teacher', teacherDir, '--data', corpusTxt, '--student', 'zeroshot', '--hidden', '8', '--epochs', '2', '--alpha', '0.5', '--temperature', '2', '--encoder', `precomputed:${embNpy}`, '--out', studentDir, '--json', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.teacherParams).toBeGreaterThan(j.params);
    expect(j.lossWeights).toEqual({ w2: 1, ce: 1 });
    expect(j.alpha).toBe(0.5);
    expect(j.temperature).toBe(2);
    for (const k of ['model', 'topics', 'params', 'epochs', 'finalLoss', 'seconds', 'docsPerSecond', 'topicWords']) expect(j).toHaveProperty(k);
  });

  it("distill reads another corpus over the teacher's vocabulary (as tkd.distill); one with none of its words is refused", async () => {
    const other = join(dir, 'other.txt');
    writeFileSync(other, titles.slice(100).join('\n'));
    const npy = join(dir, 'other.npy');
    writeFileSync(npy, encodeNpy({ rows: 140, cols: 16, data: new Float32Array(140 * 16).fill(0.1) }));
    const r = await run('distill', '--teacher', teacherDir, '--data', other, '--encoder', `precomputed:${npy}`, '--teacher-encoder', `precomputed:${npy}`, '--epochs', '2', '--out', join(dir, 'x'), '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const vocabulary = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).vocabulary;
    expect(vocabulary(join(dir, 'x'))).toEqual(vocabulary(teacherDir));
    const none = join(dir, 'none.txt');
    writeFileSync(none, 'qqqq zzzz\nwwww vvvv\n');
    const npy2 = join(dir, 'none.npy');
    writeFileSync(npy2, encodeNpy({ rows: 2, cols: 16, data: new Float32Array(2 * 16).fill(0.1) }));
    const r2 = await run('distill', '--teacher', teacherDir, '--data', none, '--encoder', `precomputed:${npy2}`, '--teacher-encoder', `precomputed:${npy2}`, '--out', join(dir, 'y'), '--quiet');
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/none of the 2 documents of .*none\.txt has a word of the model's vocabulary/);
    expect(existsSync(join(dir, 'y'))).toBe(false);
  });

  it('export refuses a model the browser cannot load (precomputed embeddings), before writing anything', async () => {
    // (a bundle of a default-encoder model: the e2e export test)
    const out = join(dir, 'bundle');
    const r = await run('export', '--model', studentDir, '--out', out, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/this model's encoder is precomputed.*a web page runs models trained with the default encoder \(use\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('a damaged model folder is refused with a message naming the file', async () => {
    const modelDir = join(dir, 'models', 'damaged');
    cpSync(teacherDir, modelDir, { recursive: true });
    const weights = readdirSync(modelDir).find((f) => f.startsWith('weights-'))!;
    truncateSync(join(modelDir, weights), statSync(join(modelDir, weights)).size - 4);
    const r = await run('infer', '--model', modelDir, '--input', corpusTxt, '--encoder', `precomputed:${embNpy}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${weights}: has \\d+ bytes, the manifest says`));
  });
});

describe('config files and bad input', () => {
  it('unknown keys, wrong types and out-of-range values name the key and what is allowed (exit 2)', async () => {
    const cases: [object, RegExp][] = [
      [{ topcs: 5 }, /unknown key "topcs"/],
      [{ topics: 'five' }, /key "topics" must be a positive integer, got string "five"/],
      [{ alpha: 1.5 }, /key "alpha" must be a number in \[0, 1\]/],
      [{ temperature: 0 }, /key "temperature" must be a number > 0/],
      [{ epochs: 0 }, /key "epochs" must be a positive integer/],
      [{ losses: 'w2' }, /"losses" must be an array/],
      [{ losses: ['w2', 'nope'] }, /unknown loss "nope".*registered losses: ce, w2, kl, mse/],
    ];
    for (const [cfg, re] of cases) {
      const f = join(dir, `cfg-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(f, JSON.stringify(cfg));
      const r = await run('distill', '--config', f, '--teacher', 'x', '--data', corpusTxt, '--out', join(dir, 'y'));
      expect(r.code, JSON.stringify(cfg)).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    const yaml = join(dir, 'cfg.yaml');
    writeFileSync(yaml, 'topics: [oops\n');
    const y = await run('fit', '--config', yaml);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/not valid YAML/);
  });

  it('flags override the config file', async () => {
    const f = join(dir, 'ok.yaml');
    writeFileSync(f, `data: ${corpusTxt}\nmodel: zeroshot\ntopics: 3\nepochs: 5\nencoder: precomputed:${embNpy}\n`);
    const r = await run('fit', '--config', f, '--epochs', '1', '--out', join(dir, 'cfgmodel'), '--json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.json().epochs).toBe(1);
    expect(r.json().model).toBe('zeroshot');
  });

  it('corpus problems are typed errors naming the file and line', async () => {
    const tsvDir = join(dir, 'octis');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(tsvDir, { recursive: true });
    writeFileSync(join(tsvDir, 'corpus.tsv'), 'neural network\ttrain\t0\nlearning\ttrain\t1\textra\n');
    let r = await run('fit', '--data', tsvDir, '--topics', '2', '--out', join(dir, 'z'), '--encoder', `precomputed:${embNpy}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/corpus\.tsv:2: expected 2 or 3 tab-separated columns/);
    const bin = join(dir, 'latin1.txt');
    writeFileSync(bin, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    r = await run('fit', '--data', bin, '--topics', '2', '--out', join(dir, 'z'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/latin1\.txt is not valid UTF-8/);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n\n');
    r = await run('fit', '--data', empty, '--topics', '2', '--out', join(dir, 'z'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no documents/);
    const stop = join(dir, 'stop.txt');
    writeFileSync(stop, 'the and of\nit is a\n');
    r = await run('fit', '--data', stop, '--topics', '2', '--out', join(dir, 'z'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the vocabulary has 0 words|empty after preprocessing/);
  });

  it('embeddings whose rows do not match the corpus are refused', async () => {
    const npy = join(dir, 'short.npy');
    writeFileSync(npy, encodeNpy({ rows: 10, cols: 16, data: new Float32Array(160) }));
    const r = await run('fit', '--data', corpusTxt, '--topics', '3', '--epochs', '1', '--encoder', `precomputed:${npy}`, '--out', join(dir, 'z'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/10 rows but the corpus has 240 documents/);
    const nan = join(dir, 'nan.npy');
    const data = new Float32Array(240 * 16);
    data[17] = NaN;
    writeFileSync(nan, encodeNpy({ rows: 240, cols: 16, data }));
    const r2 = await run('fit', '--data', corpusTxt, '--topics', '3', '--epochs', '1', '--encoder', `precomputed:${nan}`, '--out', join(dir, 'z'));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/row 1 column 1 is NaN/);
  });

  it('the .npy codec round-trips', () => {
    const m = { rows: 3, cols: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const back = decodeNpy(encodeNpy(m));
    expect(back.rows).toBe(3);
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('training that survives', () => {
  it('SIGINT during training leaves the last checkpoint intact; --resume continues from it', async () => {
    const { spawn } = await import('node:child_process');
    const { loadCheckpoint } = await import('@topickd/core/node');
    const out = join(dir, 'survive');
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const args = ['fit', '--data', corpusTxt, '--model', 'zeroshot', '--topics', '3', '--hidden', '8', '--encoder', `precomputed:${embNpy}`, '--checkpoint-every', '1', '--out', out, '--quiet'];
    const child = spawn(process.execPath, [bin, ...args, '--epochs', '100000'], { stdio: 'ignore' });
    const ckpt = join(out, 'checkpoint.tkdc');
    const t0 = Date.now();
    while (!existsSync(ckpt) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // let it write more checkpoints, possibly mid-write
    child.kill('SIGINT');
    await new Promise((r) => child.on('exit', r));
    const { state } = await loadCheckpoint(out); // intact and readable
    expect(state.epoch).toBeGreaterThanOrEqual(1);
    const r = await run(...args, '--epochs', String(state.epoch + 1), '--resume', out, '--json');
    expect(r.code).toBe(0);
    expect(r.json().epochs).toBe(state.epoch + 1);
    const bad = await run(...args.map((a) => (a === '3' ? '4' : a)), '--epochs', String(state.epoch + 2), '--resume', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/was written for another architecture: resume with the same --model\/--student, --topics, --hidden/);
  });
});

describe('encoders across the pipeline', () => {
  it('teacher and student can use different encoders (different ids and dims)', async () => {
    const teacherEmb = join(dir, 'teacher-emb.npy');
    const studentEmb = join(dir, 'student-emb.npy');
    const r = new Random(8);
    writeFileSync(teacherEmb, encodeNpy({ rows: titles.length, cols: 24, data: r.uniformArray(titles.length * 24, -1, 1) }));
    writeFileSync(studentEmb, encodeNpy({ rows: titles.length, cols: 8, data: r.uniformArray(titles.length * 8, -1, 1) }));
    const t = join(dir, 'two-enc-teacher');
    expect((await run('fit', '--data', corpusTxt, '--topics', '4', '--epochs', '1', '--encoder', `precomputed:${teacherEmb}`, '--out', t, '--quiet')).code).toBe(0);
    const s = await run('distill', '--teacher', t, '--data', corpusTxt, '--epochs', '1', '--hidden', '8', '--encoder', `precomputed:${studentEmb}`, '--teacher-encoder', `precomputed:${teacherEmb}`, '--out', join(dir, 'two-enc-student'), '--json', '--quiet');
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'two-enc-student', 'manifest.json'), 'utf8'));
    expect(manifest.encoder.dim).toBe(8);
    expect(manifest.config.embeddingDim).toBe(8);
    const tm = JSON.parse(readFileSync(join(t, 'manifest.json'), 'utf8'));
    expect(tm.encoder.dim).toBe(24);
    expect(tm.encoder.id).not.toBe(manifest.encoder.id);
  });

  it('embed writes a .npy that precomputed reads back', async () => {
    const small = join(dir, 'small.txt');
    writeFileSync(small, titles.slice(0, 30).join('\n'));
    const out = join(dir, 'small-use.npy');
    const r = await run('embed', '--encoder', 'use', '--input', small, '--out', out, '--cache-dir', join(dir, 'cache'), '--json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.json().rows).toBe(30);
    expect(r.json().dim).toBe(512);
    const m = decodeNpy(new Uint8Array(readFileSync(out)));
    expect(m.rows).toBe(30);
    expect(m.cols).toBe(512);
    const again = await run('embed', '--encoder', 'use', '--input', small, '--out', out, '--cache-dir', join(dir, 'cache'), '--json', '--quiet');
    expect(again.json().computed).toBe(0);
    const fit = await run('fit', '--data', small, '--topics', '2', '--epochs', '1', '--encoder', `precomputed:${out}`, '--out', join(dir, 'from-npy'), '--json', '--quiet');
    expect(fit.code).toBe(0);
  });
});

describe('more bad input', () => {
  it('a BOM and CRLF line ends are read correctly; a 10 MB single document works', async () => {
    const crlf = join(dir, 'crlf.txt');
    writeFileSync(crlf, '\uFEFF' + titles.join('\r\n') + '\r\n');
    const r = await run('fit', '--data', crlf, '--topics', '3', '--epochs', '1', '--encoder', `precomputed:${embNpy}`, '--out', join(dir, 'crlf'), '--json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.json().documents).toBe(240);
    const manifest = JSON.parse(readFileSync(join(dir, 'crlf', 'manifest.json'), 'utf8'));
    expect(manifest.vocabulary.some((w: string) => w.includes('\uFEFF') || w.includes('\r'))).toBe(false);

    const big = join(dir, 'big.txt');
    const words = titles.join(' ').split(' ');
    let doc = '';
    while (doc.length < 10_000_000) doc += words.join(' ') + ' ';
    writeFileSync(big, `${doc}\n${titles.slice(0, 9).join('\n')}\n`);
    const npy = join(dir, 'big.npy');
    writeFileSync(npy, encodeNpy({ rows: 10, cols: 16, data: new Random(2).uniformArray(160, -1, 1) }));
    const b = await run('fit', '--data', big, '--topics', '2', '--epochs', '1', '--encoder', `precomputed:${npy}`, '--out', join(dir, 'big'), '--json', '--quiet');
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.json().documents).toBe(10);
  });

  it('K larger than the vocabulary, and an output folder that cannot be created, are clear errors', async () => {
    const tiny = join(dir, 'tiny.txt');
    writeFileSync(tiny, 'apple banana\nbanana cherry\ncherry apple\n');
    const npy = join(dir, 'tiny.npy');
    writeFileSync(npy, encodeNpy({ rows: 3, cols: 4, data: new Float32Array(12).fill(0.5) }));
    const k = await run('fit', '--data', tiny, '--topics', '10', '--encoder', `precomputed:${npy}`, '--out', join(dir, 'k'));
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/K = 10 topics is more than the 3-word vocabulary/);
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const o = await run('fit', '--data', tiny, '--topics', '2', '--epochs', '1', '--encoder', `precomputed:${npy}`, '--out', join(blocker, 'model'));
    expect(o.code).toBe(2); // refused before any work, as a usage error
    expect(o.stderr).toMatch(/--out .*a-file\/model: .*a-file is a file, not a folder/);
    const one = join(dir, 'one.txt');
    writeFileSync(one, 'apple apple\napple\n');
    const v = await run('fit', '--data', one, '--topics', '2', '--encoder', `precomputed:${npy}`, '--out', join(dir, 'v'));
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/the vocabulary has 1 word; a topic model needs at least 2/);
  });

  it('an embedding size that does not match the saved model is refused', async () => {
    const teacherDir = join(dir, 'models', 'teacher');
    const npy = join(dir, 'wrongdim.npy');
    writeFileSync(npy, encodeNpy({ rows: titles.length, cols: 7, data: new Float32Array(titles.length * 7) }));
    const r = await run('infer', '--model', teacherDir, '--input', corpusTxt, '--encoder', `precomputed:${npy}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/embeddings have 7 dimensions but the model was trained on 16/);
  });
});

describe('JSONL corpora', () => {
  it('--text-field picks the field; a line without it names the line and the flag', async () => {
    const jl = join(dir, 'docs.jsonl');
    writeFileSync(jl, titles.map((t, i) => JSON.stringify({ id: i, body: t })).join('\n') + '\n');
    const ok = await run('fit', '--data', jl, '--text-field', 'body', '--topics', '3', '--epochs', '1', '--encoder', `precomputed:${embNpy}`, '--out', join(dir, 'jsonl'), '--json', '--quiet');
    expect(ok.code).toBe(0);
    expect(ok.json().documents).toBe(240);
    const bad = await run('fit', '--data', jl, '--topics', '3', '--encoder', `precomputed:${embNpy}`, '--out', join(dir, 'jsonl2'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/docs\.jsonl:1: field "text" is missing.*--text-field/);
  });
});
