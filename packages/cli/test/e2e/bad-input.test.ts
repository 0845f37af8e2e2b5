/**
 * Bad input as an adversarial user gives it, one new process per command: each case
 * exits 2 (usage) or 1 (runtime) with one line that names the input and what to do —
 * never a silent wrong result, a lost model, or a hang.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, Random } from '@topickd/core';
import { ok, RAW_CORPUS, REPO, refused, scratchDir, topickd, type Run } from './helpers.js';

const work = scratchDir('bad-input');
const corpus = join(work, 'titles.jsonl');
const emb = join(work, 'emb.npy');
const teacher = join(work, 'teacher');
const precomputed = () => ['--encoder', `precomputed:${emb}`, '--quiet'];


beforeAll(async () => {
  writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
  writeFileSync(emb, encodeNpy({ rows: 300, cols: 8, data: new Random(1).uniformArray(300 * 8, -1, 1) }));
  ok(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '1', '--out', teacher, ...precomputed()], work));
}, 120_000);

describe('output folders and models are never lost', () => {
  it('distill --out TEACHER is refused before any work; the teacher stays as it was', async () => {
    const before = readFileSync(join(teacher, 'manifest.json'));
    refused(await topickd(['distill', '--teacher', teacher, '--data', corpus, '--out', teacher, ...precomputed()], work), 2, /--out .* would overwrite --teacher/);
    expect(readFileSync(join(teacher, 'manifest.json')).equals(before)).toBe(true);
  });

  it('an --out that is a file, or inside /proc, is refused before training (and cannot spin)', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--out', file, ...precomputed()], work), 2, /--out .*a-file is a file/);
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--out', '/proc/x/o', ...precomputed()], work, { timeoutMs: 20_000 }), 2, /pseudo-filesystem/);
  });

  it('a second writer into the same --out fails at once, naming the first; the first completes', async () => {
    const out = join(work, 'shared-out');
    const first = topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '150', '--out', out, ...precomputed()], work);
    // wait until the first holds the lock (150 epochs keep it held for seconds, well past the second's start)
    for (let i = 0; i < 200 && !existsSync(join(out, '.topickd.lock')); i++) await new Promise((r) => setTimeout(r, 50));
    refused(await topickd(['fit', '--data', corpus, '--topics', '5', '--epochs', '1', '--out', out, ...precomputed()], work), 2, /is being written by another TopicKD process \(pid \d+\)/);
    ok(await first);
    expect(existsSync(join(out, '.topickd.lock'))).toBe(false);
    ok(await topickd(['topics', '--model', out, '--json'], work));
  });

  it('saving over a model keeps files TopicKD did not write', async () => {
    const out = join(work, 'resave');
    ok(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '1', '--out', out, ...precomputed()], work));
    writeFileSync(join(out, 'weights-0123456789ab.bin'), 'not ours');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    ok(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '1', '--seed', '3', '--out', out, ...precomputed()], work));
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['weights-0123456789ab.bin', 'notes.txt']));
  });

  it('an edited manifest and NaN weights are refused (exit 1, the file named)', async () => {
    const copy = join(work, 'edited');
    execFileSync('cp', ['-r', teacher, copy]);
    const manifest = readFileSync(join(copy, 'manifest.json'), 'utf8');
    writeFileSync(join(copy, 'manifest.json'), manifest.replace('"kind": "combined"', '"kind": "zeroshot"'));
    refused(await topickd(['topics', '--model', copy], work), 1, /manifest\.json: manifest digest mismatch/);
  });
});

describe('checkpoints and --resume', () => {
  const weightsOf = (dir: string) => {
    const f = readdirSync(dir).find((n) => /^weights-[0-9a-f]+\.bin$/.test(n))!;
    const b = readFileSync(join(dir, f));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  };

  it('distill resumes to the weights of an uninterrupted run; another --hidden or teacher is refused', async () => {
    // the auto recipe's distillation phase is half of --epochs: extending a run keeps it only when given
    const common = ['distill', '--teacher', teacher, '--data', corpus, '--hidden', '16', '--kd-epochs', '2', ...precomputed()];
    const whole = join(work, 'kd-whole');
    const parts = join(work, 'kd-parts');
    ok(await topickd([...common, '--epochs', '4', '--out', whole], work));
    ok(await topickd([...common, '--epochs', '2', '--checkpoint-every', '1', '--out', parts], work));
    ok(await topickd([...common, '--epochs', '4', '--checkpoint-every', '1', '--resume', parts, '--out', parts], work));
    const a = weightsOf(whole);
    const b = weightsOf(parts);
    expect(a.length).toBe(b.length);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    expect(max).toBeLessThanOrEqual(1e-6);
    refused(await topickd([...common.map((x) => (x === '16' ? '24' : x)), '--epochs', '5', '--resume', parts, '--out', parts], work), 2, /was written for another architecture/);
    // without --kd-epochs, a longer run has another phase (the first 3 of 5 epochs, not 2): refused, saying so
    refused(await topickd([...common.filter((x, i) => x !== '--kd-epochs' && common[i - 1] !== '--kd-epochs'), '--epochs', '5', '--resume', parts, '--out', parts], work), 2, /distillation phase \(--kd-epochs/);
    const other = join(work, 'other-teacher');
    ok(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '1', '--seed', '7', '--out', other, ...precomputed()], work));
    refused(await topickd([...common.map((x) => (x === teacher ? other : x)), '--epochs', '5', '--resume', parts, '--out', parts], work), 2, /was written for another teacher/);
  });

  it('fit --resume with other documents of the same vocabulary is refused', async () => {
    const out = join(work, 'fit-ckpt');
    ok(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '2', '--checkpoint-every', '1', '--out', out, ...precomputed()], work));
    const shuffled = join(work, 'shuffled.jsonl');
    writeFileSync(shuffled, readFileSync(corpus, 'utf8').trim().split('\n').reverse().join('\n') + '\n');
    // the same vocabulary and the same embeddings file: only the documents differ
    refused(await topickd(['fit', '--data', shuffled, '--topics', '4', '--epochs', '3', '--resume', out, '--out', out, ...precomputed()], work), 2, /was written for other documents/);
  });
});

describe('large corpora are streamed, not read whole', () => {
  it('fit streams a corpus above TOPICKD_STREAM_MB: same vocabulary and weights as in memory; without precomputed embeddings it says what to do', async () => {
    const inMemory = join(work, 'fit-memory');
    const streamed = join(work, 'fit-streamed');
    const args = ['fit', '--data', corpus, '--topics', '4', '--epochs', '2', ...precomputed(), '--json'];
    const a = ok(await topickd([...args, '--out', inMemory], work)).json();
    const b = ok(await topickd([...args, '--out', streamed], work, { env: { TOPICKD_STREAM_MB: '0.01' } })).json();
    expect(a.streamed).toBe(false);
    expect(b.streamed).toBe(true);
    const ma = JSON.parse(readFileSync(join(inMemory, 'manifest.json'), 'utf8'));
    const mb = JSON.parse(readFileSync(join(streamed, 'manifest.json'), 'utf8'));
    expect(mb.vocabulary).toEqual(ma.vocabulary);
    expect(mb.preprocessing).toEqual(ma.preprocessing);
    expect(mb.weights.sha256).toBe(ma.weights.sha256);
    expect(readFileSync(join(streamed, 'theta.npy')).equals(readFileSync(join(inMemory, 'theta.npy')))).toBe(true);
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--out', join(work, 'fit-use'), '--quiet'], work, { env: { TOPICKD_STREAM_MB: '0.01' } }), 2, /streams a corpus this large from disk, which needs its embeddings precomputed/);
  });
});

describe('inputs that are not what they seem', () => {
  it('a model file that links to /dev/zero, and --data /dev/zero or a FIFO, are refused at once', async () => {
    const linked = join(work, 'linked');
    execFileSync('cp', ['-r', teacher, linked]);
    const weights = readdirSync(linked).find((f) => f.startsWith('weights-'))!;
    execFileSync('rm', [join(linked, weights)]);
    symlinkSync('/dev/zero', join(linked, weights));
    refused(await topickd(['topics', '--model', linked], work, { timeoutMs: 20_000 }), 1, /is not a regular file \(a device or socket\)/);
    refused(await topickd(['fit', '--data', '/dev/zero', '--topics', '4', '--out', join(work, 'z'), ...precomputed()], work, { timeoutMs: 20_000 }), 1, /\/dev\/zero is not a regular file/);
    const fifo = join(work, 'fifo.txt');
    execFileSync('mkfifo', [fifo]);
    refused(await topickd(['fit', '--data', fifo, '--topics', '4', '--out', join(work, 'f'), ...precomputed()], work, { timeoutMs: 20_000 }), 1, /is not a regular file \(a pipe\)/);
  });

  it('a file over the size limit that cannot be streamed (an OCTIS .tsv) says how to raise the limit', async () => {
    const tsv = join(work, 'corpus.tsv');
    const lines = readFileSync(corpus, 'utf8').trim().split('\n').map((l) => `${(JSON.parse(l) as { text: string }).text.toLowerCase()}\ttrain\t0`);
    writeFileSync(tsv, lines.join('\n') + '\n');
    const r = await topickd(['fit', '--data', tsv, '--topics', '4', '--out', join(work, 'big'), ...precomputed()], work, { env: { TOPICKD_MAX_INPUT_MB: '0.01' } });
    refused(r, 1, /corpus file .*corpus\.tsv is 0\.0\d MiB, above the 0\.01 MiB TopicKD reads whole; set TOPICKD_MAX_INPUT_MB/);
  });

  it('prototype keys as config keys or flags are unknown keys (exit 2)', async () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const cfg = join(work, `${key}.json`);
      writeFileSync(cfg, `{"${key}": 1}`);
      refused(await topickd(['info', '--config', cfg], work), 2, new RegExp(`unknown key "${key}"; allowed keys: backend`));
      refused(await topickd(['info', `--${key}`], work), 2, new RegExp(`unknown flag --${key}`));
    }
  });

  it('numbers beyond what memory holds are refused before allocation, naming the cost', async () => {
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--hidden', '400000', '--out', join(work, 'h')], work), 2, /--hidden must be a list of layer sizes of at most 65,536 units \(a layer of 400,000 units .* would take [\d.]+ GB/);
    refused(await topickd(['infer', '--model', teacher, '--input', corpus, '--samples', '100000000'], work), 2, /--samples must be at most 10,000/);
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--batch-size', '10000000', '--out', join(work, 'b')], work), 2, /--batch-size must be at most 65,536/);
  });

  it('a validation fraction that leaves nothing to train on is a usage error, not an untrained model', async () => {
    const tiny = join(work, 'tiny.txt');
    writeFileSync(tiny, 'apple banana cherry\nbanana cherry apple\n');
    const npy = join(work, 'tiny.npy');
    writeFileSync(npy, encodeNpy({ rows: 2, cols: 4, data: new Float32Array(8).fill(0.5) }));
    const out = join(work, 'untrained');
    refused(await topickd(['fit', '--data', tiny, '--topics', '2', '--validation-fraction', '0.9', '--encoder', `precomputed:${npy}`, '--out', out], work), 2, /holds out all 2 documents and leaves none to train on/);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('a plugin whose import never settles fails with a message instead of exit 0 and silence', async () => {
    const plugin = join(work, 'hang-plugin.mjs');
    writeFileSync(plugin, 'await new Promise(() => {});\nexport default {};\n');
    const r = await topickd(['info', '--plugins', plugin], work, { env: { TOPICKD_PLUGIN_TIMEOUT_S: '2' }, timeoutMs: 30_000 });
    refused(r, 1, /plugin ".*hang-plugin\.mjs" did not finish loading in 2 s/);
  });

  it('info --config builds the losses the config names: an option a loss does not take is a usage error', async () => {
    writeFileSync(join(work, 'bad-loss.yaml'), 'losses:\n  - w2\n  - { name: ce, options: { bogus: 1 } }\n');
    refused(await topickd(['info', '--config', join(work, 'bad-loss.yaml'), '--json'], work), 2, /unknown option "bogus" of loss "ce"; it takes: logits/);
    writeFileSync(join(work, 'good-loss.yaml'), 'losses:\n  - w2\n  - { name: ce, weight: 0.5, options: { logits: pre-bn } }\n');
    ok(await topickd(['info', '--config', join(work, 'good-loss.yaml'), '--json'], work));
  });

  it('a finished command exits even when a plugin leaves a timer running', async () => {
    // inside the repository, so that it resolves @topickd/core as an installed plugin would
    const dir = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(dir, { recursive: true });
    const plugin = join(dir, 'timer-plugin.mjs');
    writeFileSync(plugin, "import { ContainerModule } from '@topickd/core';\nsetInterval(() => {}, 1000);\nexport default new ContainerModule(() => {});\n");
    const t0 = Date.now();
    const r = ok(await topickd(['info', '--plugins', plugin, '--json'], work, { timeoutMs: 60_000 }));
    expect(r.json().activeBackend ?? r.json().backends).toBeDefined();
    expect(Date.now() - t0).toBeLessThan(40_000);
  });

  it('a read-only cache folder costs the cache, not the run', async () => {
    const cache = join(work, 'ro-cache');
    execFileSync('mkdir', ['-p', cache]);
    chmodSync(cache, 0o500);
    try {
      if (process.getuid?.() === 0) {
        // root writes anyway: make the cache path a file inside a file instead
        const blocker = join(work, 'cache-blocker');
        writeFileSync(blocker, 'x');
        const r = ok(await topickd(['embed', '--input', join(work, 'tiny.txt'), '--out', join(work, 'e.npy'), '--cache-dir', join(blocker, 'cache'), '--json'], work));
        expect(r.stderr).toMatch(/cannot write the embedding cache .*going on without saving it/);
      } else {
        const r = ok(await topickd(['embed', '--input', join(work, 'tiny.txt'), '--out', join(work, 'e.npy'), '--cache-dir', cache, '--json'], work));
        expect(r.stderr).toMatch(/going on without saving it/);
      }
    } finally {
      chmodSync(cache, 0o700);
    }
  });

  it('evaluate: --topn beyond the topic, an empty topic, a repeated word', async () => {
    const topics = join(work, 'topics.json');
    writeFileSync(topics, JSON.stringify([['gene', 'plant'], []]));
    refused(await topickd(['evaluate', '--corpus', corpus, '--topics', topics, '--topn', '2', '--quiet'], work), 1, /topic 1 is empty/);
    writeFileSync(topics, JSON.stringify([['gene', 'gene']]));
    refused(await topickd(['evaluate', '--corpus', corpus, '--topics', topics, '--topn', '2', '--quiet'], work), 1, /topic 0 lists "gene" twice/);
    refused(await topickd(['evaluate', '--corpus', corpus, '--topics', topics, '--topn', '0', '--quiet'], work), 2, /--topn must be a positive integer/);
  });
});

describe('plugins named in a config file', () => {
  it('an ESM-only plugin package (exports: { import }) is found from the config\'s folder; an unknown one is a usage error', async () => {
    // a project inside the repository, so the plugin's own `import '@topickd/core'` resolves as in a user's install
    const project = join(REPO, 'packages', 'cli', 'test', '.generated', 'esm-plugin-project');
    const pkg = join(project, 'node_modules', 'esm-only-loss');
    mkdirSync(join(pkg, 'lib'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'esm-only-loss', version: '1.0.0', type: 'module', exports: { '.': { import: './lib/index.js' } } }));
    writeFileSync(
      join(pkg, 'lib', 'index.js'),
      [
        "import { ContainerModule, DistillationLoss, tf } from '@topickd/core';",
        "class ThetaMse { name = 'theta-mse'; compute(t, s) { return tf.sum(tf.square(tf.sub(s.theta, t.theta)), 1); } }",
        'export default new ContainerModule(({ bind }) => { bind(DistillationLoss).toConstantValue(new ThetaMse()); });',
      ].join('\n'),
    );
    writeFileSync(join(project, 'topickd.yaml'), 'plugins: [esm-only-loss]\nlosses: [w2, theta-mse]\n');
    const info = ok(await topickd(['info', '--config', join(project, 'topickd.yaml'), '--json'], work)).json();
    expect(info.losses).toContain('theta-mse');
    const out = join(work, 'esm-plugin-student');
    const d = ok(await topickd(['distill', '--config', join(project, 'topickd.yaml'), '--teacher', teacher, '--data', corpus, '--epochs', '1', '--hidden', '8', '--out', out, '--json', ...precomputed()], work)).json();
    expect(d.lossWeights).toEqual({ w2: 1, 'theta-mse': 1 });
    writeFileSync(join(project, 'bad.yaml'), 'plugins: [does-not-exist]\n');
    refused(await topickd(['info', '--config', join(project, 'bad.yaml')], work), 2, /plugin "does-not-exist" cannot be found from .*esm-plugin-project/);
  });
});
