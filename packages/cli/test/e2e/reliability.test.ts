/**
 * The third reliability round, as a careless user or an attacker meets it, one new process
 * per command: outputs that are inputs, tiny files that claim huge sizes, values that were
 * silently wrapped or ignored, leftovers of failed runs, and locks of dead processes. Each
 * case exits 2 (usage) or 1 (runtime) with one line naming the input — and nothing is lost.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { runProcess } from '../../../../test-support/child-process.js';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeNpy, Random } from '@topickd/core';
import { canonicalDigest } from '@topickd/core/plugin';
import { createHash } from 'node:crypto';
import { BIN, ok, RAW_CORPUS, REPO, refused, scratchDir, topickd, type Run } from './helpers.js';

const work = scratchDir('reliability');
const corpus = join(work, 'titles.jsonl');
const emb = join(work, 'emb.npy');
const model = join(work, 'model');
const precomputed = () => ['--encoder', `precomputed:${emb}`, '--quiet'];


/** A .npy file with this header text (the data bytes given). */
function npy(header: string, data = new Uint8Array(0)): Uint8Array {
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  const h = header.padEnd(total - 11, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(new TextEncoder().encode(h), 10);
  out.set(data, total);
  return out;
}

/** A copy of the model folder whose manifest was changed by `edit` and signed again (a valid digest). */
async function forged(name: string, edit: (m: Record<string, any>) => void, weights?: Uint8Array): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
  if (weights) {
    m.weights = { file: 'weights.bin', bytes: weights.length, sha256: createHash('sha256').update(weights).digest('hex'), tensors: [{ name: 'beta', shape: [weights.length / 4], offset: 0 }] };
    writeFileSync(join(dir, 'weights.bin'), weights);
  } else {
    writeFileSync(join(dir, m.weights.file), readFileSync(join(model, m.weights.file)));
  }
  edit(m);
  delete m.digest;
  m.digest = await canonicalDigest(m, 'digest');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

beforeAll(async () => {
  writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
  writeFileSync(emb, encodeNpy({ rows: 300, cols: 8, data: new Random(1).uniformArray(300 * 8, -1, 1) }));
  ok(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '1', '--out', model, ...precomputed()], work));
}, 120_000);

describe('an output that is an input is refused before any work', () => {
  it('report --out MODEL/manifest.json, report --out CORPUS, embed --out INPUT: the inputs stay as they were', async () => {
    const manifest = readFileSync(join(model, 'manifest.json'));
    refused(await topickd(['report', '--model', model, '--corpus', corpus, '--out', join(model, 'manifest.json'), '--quiet'], work), 2, /--out .*manifest\.json would overwrite --model .*model, an input of this run/);
    expect(readFileSync(join(model, 'manifest.json')).equals(manifest)).toBe(true);
    ok(await topickd(['topics', '--model', model, '--json'], work));
    const text = readFileSync(corpus);
    refused(await topickd(['report', '--model', model, '--corpus', corpus, '--out', corpus, '--quiet'], work), 2, /would overwrite --corpus/);
    refused(await topickd(['embed', '--input', corpus, '--out', corpus, '--quiet'], work), 2, /would overwrite --input/);
    // through a symbolic link too
    const link = join(work, 'link.jsonl');
    symlinkSync(corpus, link);
    refused(await topickd(['embed', '--input', link, '--out', corpus, '--quiet'], work), 2, /would overwrite --input/);
    expect(readFileSync(corpus).equals(text)).toBe(true);
  });
});

describe('a failed run leaves nothing behind', () => {
  it('fit on an empty corpus, distill from a teacher that cannot load, K = 1: no --out folder, no parents', async () => {
    const empty = join(work, 'empty.txt');
    writeFileSync(empty, '');
    refused(await topickd(['fit', '--data', empty, '--topics', '4', '--out', join(work, 'left1', 'a', 'b'), ...precomputed()], work), 1, /has no documents/);
    expect(existsSync(join(work, 'left1'))).toBe(false);
    refused(await topickd(['distill', '--teacher', join(work, 'no-such-teacher'), '--data', corpus, '--out', join(work, 'left2', 'x'), ...precomputed()], work), 1, /no-such-teacher/);
    expect(existsSync(join(work, 'left2'))).toBe(false);
    // K = 1 is said as such (the prior's variance 1 − 1/K would be 0), not blamed on the learning rate
    refused(await topickd(['fit', '--data', corpus, '--topics', '1', '--out', join(work, 'left3'), ...precomputed()], work), 2, /--topics must be at least 2/);
    expect(existsSync(join(work, 'left3'))).toBe(false);
  });

  it('SIGTERM during training removes the lock and the folder it created', async () => {
    const out = join(work, 'signalled', 'run');
    const child = spawn(process.execPath, [BIN, 'fit', '--data', corpus, '--topics', '4', '--epochs', '100000', '--out', out, ...precomputed()], { cwd: work, stdio: 'ignore' });
    for (let i = 0; i < 400 && !existsSync(join(out, '.topickd.lock')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(out, '.topickd.lock'))).toBe(true);
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      const timer = setTimeout(() => resolve('still running'), 20_000);
      child.on('exit', (c) => (clearTimeout(timer), resolve(c)));
      child.kill('SIGTERM');
    });
    if (code === 'still running') child.kill('SIGKILL'); // never leave a 100,000-epoch run behind
    expect(code).toBe(143);
    expect(existsSync(join(work, 'signalled'))).toBe(false);
  });
});

describe('locks know their owner', () => {
  it("a lock whose pid now belongs to another process is stale; another host's lock says how to clear it", async () => {
    const reused = join(work, 'reused');
    mkdirSync(reused);
    // pid 1 runs, but it started long before the process named in the lock
    writeFileSync(join(reused, '.topickd.lock'), `1\nhost=${hostname()}\nstart=1\n`);
    ok(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '1', '--out', reused, ...precomputed()], work));
    expect(existsSync(join(reused, '.topickd.lock'))).toBe(false);
    const remote = join(work, 'remote');
    mkdirSync(remote);
    writeFileSync(join(remote, '.topickd.lock'), '4242\nhost=another-machine\nstart=1\n');
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--epochs', '1', '--out', remote, ...precomputed()], work), 2, /locked by pid 4242 on host another-machine.*delete .*\.topickd\.lock and run again/);
  });
});

describe('tiny files that claim huge sizes are refused before allocation', () => {
  it('.npy headers: negative, unsafe or non-integer dimensions, duplicate keys, a header longer than the file', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['neg.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-200, 512), }"), /neg\.npy: unreadable \.npy header \(dimension -200 is not a non-negative integer/],
      ['huge.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 512), }"), /huge\.npy: truncated \(0 data bytes for 1000000000×512 float32\)/],
      ['inf.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (200, Infinity), }"), /inf\.npy: unreadable \.npy header \(expected an integer/],
      ['dup.npy', npy("{'descr': '<f4', 'fortran_order': True, 'shape': (300, 8), 'fortran_order': False, }", new Uint8Array(300 * 8 * 4)), /dup\.npy: .*the key 'fortran_order' is given twice/],
    ];
    for (const [name, bytes, pattern] of cases) {
      writeFileSync(join(work, name), bytes);
      refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--out', join(work, `o-${name}`), '--encoder', `precomputed:${join(work, name)}`, '--quiet'], work), 1, pattern);
    }
    const long = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (300, 8), }");
    new DataView(long.buffer).setUint16(8, 60000, true);
    writeFileSync(join(work, 'long.npy'), long);
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--out', join(work, 'o-long'), '--encoder', `precomputed:${join(work, 'long.npy')}`, '--quiet'], work), 1, /long\.npy: the \.npy (file ends inside its header|header says it is 60010 bytes long, the file has 128)/);
  });

  it('a 1-kB manifest (valid digest) asking for 10,000-wide layers over 16 bytes of weights: refused at once, in little memory', async () => {
    const dir = await forged(
      'huge-model',
      (m) => {
        m.config.embeddingDim = 10_000;
        m.config.hiddenSizes = [10_000, 10_000];
        m.encoder.dim = 10_000;
      },
      new Uint8Array(16),
    );
    const time = '/usr/bin/time';
    if (existsSync(time)) {
      const r = await runProcess(time, ['-f', 'maxrss=%M', process.execPath, BIN, 'topics', '--model', dir], { cwd: work });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/describes 137,188,684 float32 values, the weights file holds 4: the manifest is damaged/);
      const kb = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1]);
      expect(kb).toBeLessThan(200 * 1024);
    } else {
      refused(await topickd(['topics', '--model', dir], work), 1, /describes 137,188,684 float32 values/);
    }
  });

  it("a signed manifest's preprocessing is type-checked (10⁹-letter words would empty every bag of words)", async () => {
    const dir = await forged('prep', (m) => (m.preprocessing.minTokenLength = 1e9));
    refused(await topickd(['infer', '--model', dir, '--input', corpus, '--encoder', `precomputed:${emb}`], work), 1, /field "preprocessing" must be "minTokenLength": an integer from 1 to 100/);
  });

  it('a config nested 100,000 deep is a usage error, not a stack overflow', async () => {
    for (const [name, text] of [['deep.json', '['.repeat(100_000) + ']'.repeat(100_000)], ['deep.yaml', `topics: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`]]) {
      writeFileSync(join(work, name), text);
      refused(await topickd(['fit', '--config', join(work, name), '--data', corpus, '--out', join(work, 'o-deep'), '--quiet'], work), 2, /nests brackets deeper than 64 levels/);
    }
  });
});

describe('nothing silently wrapped or ignored', () => {
  it('seeds beyond 2³² − 1 (or negative) are refused instead of repeating a smaller seed', async () => {
    refused(await topickd(['experiment', '--dataset', corpus, '--topics', '4', '--seeds', '0,4294967296', '--out', join(work, 'seeds'), ...precomputed()], work), 2, /"seeds" must be an integer from 0 to 4294967295/);
    refused(await topickd(['fit', '--data', corpus, '--topics', '4', '--seed', '-1', '--out', join(work, 'seed'), ...precomputed()], work), 2, /--seed must be an integer from 0 to 4294967295/);
  });

  it('an invalid TOPICKD_THREADS, options for an unknown backend, a plugin loss named like a built-in one', async () => {
    refused(await topickd(['embed', '--input', corpus, '--out', join(work, 'e.npy'), '--quiet'], work, { env: { TOPICKD_THREADS: 'lots' } }), 2, /the environment variable TOPICKD_THREADS must be a positive integer, got "lots"; fix or unset it/);
    const cfg = join(work, 'bo.json');
    writeFileSync(cfg, JSON.stringify({ backendOptions: { wsam: { threads: 2 } } }));
    refused(await topickd(['fit', '--config', cfg, '--data', corpus, '--topics', '4', '--epochs', '1', '--out', join(work, 'bo'), ...precomputed()], work), 2, /unknown backend "wsam" \(config key "backendOptions\.wsam"\)/);
    // inside the repository, so the plugin's `import '@topickd/core'` resolves as in a user's install
    const dir = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(dir, { recursive: true });
    const plugin = join(dir, 'w2-twin-plugin.mjs');
    writeFileSync(
      plugin,
      "import { ContainerModule, DistillationLoss, tf } from '@topickd/core';\nexport default new ContainerModule(({ bind }) => { bind(DistillationLoss).toConstantValue({ name: 'w2', compute: (t, s) => tf.sum(tf.square(tf.sub(s.mu, t.mu)), 1) }); });\n",
    );
    refused(await topickd(['distill', '--teacher', model, '--data', corpus, '--plugins', plugin, '--epochs', '1', '--out', join(work, 'w2'), ...precomputed()], work), 2, /two plugins register the loss "w2"/);
  });

  it('a plugin model kind that cannot say its saved size (no weightFloats) is refused before anything is built', async () => {
    const dir = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(dir, { recursive: true });
    const plugin = join(dir, 'sizeless-kind-plugin.mjs');
    writeFileSync(
      plugin,
      "import { ContainerModule, ContextualTopicModel, TopicModelFactory } from '@topickd/core';\nexport default new ContainerModule(({ bind }) => { bind(TopicModelFactory).toConstantValue({ name: 'sizeless', description: 'ProdLDA without weightFloats', needsBow: true, needsEmbeddings: false, create: (c, seed) => new ContextualTopicModel({ ...c, kind: 'sizeless' }, seed, 'bow') }); });\n",
    );
    const out = join(work, 'sizeless');
    refused(await topickd(['fit', '--data', corpus, '--model', 'sizeless', '--plugins', plugin, '--topics', '4', '--epochs', '1', '--out', out, ...precomputed()], work), 2, /the model kind "sizeless" has no weightFloats\(config\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('a local folder named like a bundled dataset is not silently passed over', async () => {
    const here = join(work, 'cwd');
    mkdirSync(join(here, 'm10'), { recursive: true });
    refused(await topickd(['fit', '--data', 'm10', '--topics', '4', '--out', 'o', '--quiet'], here), 2, /"m10" names the bundled dataset, and .*m10 exists too: write \.\/m10/);
  });
});

describe('the same bytes', () => {
  it("embeddings do not depend on what the cache held before, on --shard-size, on wasm's threads; node's thread count keys the cache", async () => {
    const lines = readFileSync(corpus, 'utf8').split('\n').filter(Boolean).slice(0, 150);
    const titles = join(work, 'titles-150.jsonl');
    writeFileSync(titles, lines.join('\n') + '\n');
    const part = join(work, 'part.jsonl');
    writeFileSync(part, lines.filter((_, i) => i % 3 === 1).join('\n') + '\n');
    for (const backend of ['wasm', 'node']) {
      const cache = join(work, `bytes-cache-${backend}`);
      const cold = join(work, `cold-${backend}.npy`);
      ok(await topickd(['embed', '--input', titles, '--out', cold, '--backend', backend, '--no-cache', '--quiet'], work));
      // a third of the corpus embedded first, on its own: the full run reads those rows from the cache and embeds the rest
      ok(await topickd(['embed', '--input', part, '--out', join(work, `part-${backend}.npy`), '--backend', backend, '--cache-dir', cache, '--quiet'], work));
      const warm = join(work, `warm-${backend}.npy`);
      ok(await topickd(['embed', '--input', titles, '--out', warm, '--backend', backend, '--cache-dir', cache, '--quiet'], work));
      expect(readFileSync(warm).equals(readFileSync(cold)), `${backend}: cache-filled vs cold`).toBe(true);
      // wasm's threads (a pool of workers, each with its own encoder) never change a bit; the
      // OpenBLAS engine cuts products by thread, so node runs on one thread here
      const threads = backend === 'wasm' ? '2' : '1';
      const sharded = join(work, `sharded-${backend}.npy`);
      ok(await topickd(['embed', '--input', titles, '--out', sharded, '--backend', backend, '--no-cache', '--shard-size', '37', '--threads', threads, '--quiet'], work));
      expect(readFileSync(sharded).equals(readFileSync(cold)), `${backend}: shards of 37 on ${threads} thread(s) vs one block on 1`).toBe(true);
      if (backend === 'node') {
        // its thread count is part of its numerics: 2 threads never read the 1-thread rows in the cache
        const cold2 = join(work, 'cold-node-t2.npy');
        ok(await topickd(['embed', '--input', titles, '--out', cold2, '--backend', backend, '--no-cache', '--threads', '2', '--quiet'], work));
        const warm2 = join(work, 'warm-node-t2.npy');
        ok(await topickd(['embed', '--input', titles, '--out', warm2, '--backend', backend, '--cache-dir', cache, '--threads', '2', '--quiet'], work));
        expect(readFileSync(warm2).equals(readFileSync(cold2)), 'node, 2 threads, over a cache filled on 1 thread').toBe(true);
      }
    }
  }, 600_000);
});

describe('export and report for every model', () => {
  it('export refuses what the browser cannot load (an LDA model, precomputed embeddings); report takes --encoder', async () => {
    const lda = join(work, 'lda');
    ok(await topickd(['fit', '--data', corpus, '--model', 'lda', '--topics', '4', '--out', lda, '--quiet'], work));
    refused(await topickd(['export', '--model', lda, '--out', join(work, 'web-lda'), '--quiet'], work), 2, /a "lda" model reads no sentence embeddings; a web page runs models trained with the default encoder/);
    refused(await topickd(['export', '--model', model, '--out', join(work, 'web-pre'), '--quiet'], work), 2, /encoder is precomputed/);
    expect(readdirSync(work).some((f) => f.startsWith('web-'))).toBe(false);
    refused(await topickd(['report', '--model', model, '--corpus', corpus, '--out', join(work, 'r.html'), '--quiet'], work), 2, /trained on precomputed embeddings.*--encoder precomputed:FILE\.npy/);
    const r = ok(await topickd(['report', '--model', `${model},${lda}`, '--corpus', corpus, '--out', join(work, 'r.html'), '--encoder', `precomputed:${emb}`, '--json', '--quiet'], work)).json();
    expect(r.models.map((m: { kind: string }) => m.kind)).toEqual(['combined', 'lda']);
  });
});
