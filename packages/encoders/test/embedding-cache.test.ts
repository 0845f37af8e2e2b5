import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingCache, UseEncoder, embedWithCache } from '@topickd/encoders';
import { WasmBackend } from '@topickd/backend-wasm';

const texts = ['topic models with knowledge distillation', 'protein folding simulation', 'stock market volatility', 'soil moisture and crop yield', 'protein folding simulation'];

describe('embedding cache', () => {
  const enc = new UseEncoder();
  beforeAll(async () => {
    await new WasmBackend().activate();
  });

  it('a second run over the same texts computes nothing and returns the same rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topickd-cache-'));
    const first = await embedWithCache(enc, texts, dir);
    expect(first.computed).toBe(4); // the repeated text is embedded once
    const second = await embedWithCache(enc, texts, dir);
    expect(second.computed).toBe(0);
    expect(Array.from(second.data)).toEqual(Array.from(first.data));
    const direct = await enc.embed(texts);
    expect(Math.max(...Array.from(direct.data, (v, i) => Math.abs(v - first.data[i])))).toBeLessThan(1e-6);
    // new texts are added to the same file
    const third = await embedWithCache(enc, [...texts, 'a brand new sentence'], dir);
    expect(third.computed).toBe(1);
  });

  it('a corrupt cache file is detected, discarded with a warning, and rebuilt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topickd-cache-'));
    await embedWithCache(enc, texts, dir);
    const cache = new EmbeddingCache(dir, enc.id, enc.dim, undefined, enc.revision);
    expect(existsSync(cache.file)).toBe(true);
    const bytes = readFileSync(cache.file);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(cache.file, bytes);
    const warnings: string[] = [];
    const again = await embedWithCache(enc, texts, dir, { logger: { warn: (m) => warnings.push(m) } });
    expect(warnings.join('\n')).toMatch(/is corrupt \(checksum mismatch\); discarding it and recomputing/);
    expect(again.computed).toBe(4);
    writeFileSync(cache.file, Buffer.from('garbage'));
    const w2: string[] = [];
    await embedWithCache(enc, texts, dir, { logger: { warn: (m) => w2.push(m) } });
    expect(w2.join('\n')).toMatch(/corrupt \(too short\)/);
    const final = await embedWithCache(enc, texts, dir);
    expect(final.computed).toBe(0);
  });

  it('embedding can be cancelled between batches', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(enc.embed(texts, { signal: ac.signal, batchSize: 1 })).rejects.toThrow(/cancelled/);
  });
});

describe('embedding cache, interrupted', () => {
  it('keeps the chunks embedded before a cancellation', async () => {
    await new WasmBackend().activate();
    const enc = new UseEncoder();
    const dir = mkdtempSync(join(tmpdir(), 'topickd-cache-'));
    const cache = new EmbeddingCache(dir, enc.id, enc.dim, undefined, enc.revision);
    cache.chunkSize = 2;
    const ac = new AbortController();
    const many = ['one text', 'two texts', 'three texts', 'four texts', 'five texts', 'six texts'];
    let batches = 0;
    const err = await cache
      .embed(enc, many, {
        signal: ac.signal,
        batchSize: 1,
        onProgress: () => {
          if (++batches === 3) ac.abort();
        },
      })
      .catch((e) => e);
    expect(String(err)).toMatch(/cancelled/);
    const resumed = await new EmbeddingCache(dir, enc.id, enc.dim, undefined, enc.revision).embed(enc, many);
    expect(resumed.computed).toBe(4); // the first chunk (2 texts) was saved before the cancellation
  });
});

describe('embedding cache, damaged entries and folders', () => {
  const enc = new UseEncoder();
  beforeAll(async () => {
    await new WasmBackend().activate();
  });

  it('an entry holding NaN (with a valid checksum) is recomputed, with a warning, never returned', async () => {
    const { createHash } = await import('node:crypto');
    const dir = mkdtempSync(join(tmpdir(), 'topickd-cache-'));
    const first = await embedWithCache(enc, texts, dir);
    const cache = new EmbeddingCache(dir, enc.id, enc.dim, undefined, enc.revision);
    const bytes = readFileSync(cache.file);
    const HEADER = 48;
    bytes.writeFloatLE(NaN, HEADER + 16 + 4 * 7); // record 0: 16 key bytes, then its floats
    createHash('sha256').update(bytes.subarray(HEADER)).digest().copy(bytes, 16);
    writeFileSync(cache.file, bytes);
    const warnings: string[] = [];
    const again = await embedWithCache(enc, texts, dir, { logger: { warn: (m) => warnings.push(m) } });
    expect(warnings.join('\n')).toMatch(/1 entry holds NaN or Inf; recomputing it/);
    expect(again.computed).toBe(1);
    expect(again.data.every((v) => Number.isFinite(v))).toBe(true);
    expect(Math.max(...Array.from(again.data, (v, i) => Math.abs(v - first.data[i])))).toBeLessThan(1e-6);
  });

  it('temporary files left by a killed writer are removed at the next save; a live writer\'s are kept', async () => {
    const { removeStaleTemporaries } = await import('@topickd/core/node');
    const dir = mkdtempSync(join(tmpdir(), 'topickd-tmp-'));
    const dead = join(dir, 'x.embcache.tmp-999999-1');
    const live = join(dir, `x.embcache.tmp-${process.pid}-1`);
    writeFileSync(dead, 'partial');
    writeFileSync(live, 'partial');
    expect(removeStaleTemporaries(dir)).toBe(1);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('embedding cache shared by processes', () => {
  it('three processes writing the same cache file at once lose no entries', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdirSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const dir = mkdtempSync(join(tmpdir(), 'topickd-cache-shared-'));
    const gen = fileURLToPath(new URL('./.generated', import.meta.url));
    mkdirSync(gen, { recursive: true });
    const script = join(gen, 'cache-writer.mjs');
    writeFileSync(
      script,
      `import { EmbeddingCache, UseEncoder } from '@topickd/encoders';
import { WasmBackend } from '@topickd/backend-wasm';
import { tf } from '@topickd/core';
const [dir, who] = process.argv.slice(2);
await new WasmBackend().activate();
const enc = new UseEncoder();
const texts = Array.from({ length: 36 }, (_, i) => 'process ' + who + ' writes sentence number ' + i);
const cache = new EmbeddingCache(dir, enc.id, enc.dim, undefined, enc.revision);
cache.chunkSize = 3; // a save after every 3 texts: the writers interleave
const m = await cache.embed(enc, texts);
console.log(m.computed);
`,
    );
    const run = (who: string) =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, [script, dir, who], { cwd: gen, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
      });
    expect(await Promise.all(['a', 'b', 'c'].map(run))).toEqual(['36', '36', '36']);
    const enc = new UseEncoder();
    const all = ['a', 'b', 'c'].flatMap((who) => Array.from({ length: 36 }, (_, i) => `process ${who} writes sentence number ${i}`));
    const cache = new EmbeddingCache(dir, enc.id, enc.dim, undefined, enc.revision);
    expect(cache.size).toBe(108);
    const again = await cache.embed(enc, all);
    expect(again.computed).toBe(0);
  }, 120_000);
});

describe('cache variants', () => {
  const enc = new UseEncoder();
  beforeAll(async () => {
    await new WasmBackend().activate();
  });
  it("entries of one variant (e.g. a backend) are never read for another (the variant is part of the file's name)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topickd-cache-variant-'));
    const texts = ['one sentence', 'another sentence'];
    const a = await embedWithCache(enc, texts, dir, { variant: 'backend-a' });
    expect(a.computed).toBe(2);
    expect((await embedWithCache(enc, texts, dir, { variant: 'backend-a' })).computed).toBe(0);
    // another backend recomputes instead of reading backend-a's floats
    expect((await embedWithCache(enc, texts, dir, { variant: 'backend-b' })).computed).toBe(2);
    expect(new EmbeddingCache(dir, enc.id, enc.dim, undefined, 'backend-a').file).not.toBe(new EmbeddingCache(dir, enc.id, enc.dim, undefined, 'backend-b').file);
    expect(new EmbeddingCache(dir, enc.id, enc.dim).file).toMatch(/[^@]+\.embcache$/);
  });

  it("an encoder's revision keys the cache too: rows an older revision computed are not reused", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topickd-cache-revision-'));
    const toy = (revision?: string) => ({
      id: 'toy',
      dim: 2,
      ...(revision ? { revision } : {}),
      async load() {},
      async embed(texts: readonly string[]) {
        return { rows: texts.length, cols: 2, data: Float32Array.from(texts.flatMap((t) => [t.length, revision ? 1 : 0])) };
      },
    });
    const texts = ['a', 'bb'];
    expect((await embedWithCache(toy(), texts, dir)).computed).toBe(2);
    const revised = await embedWithCache(toy('r2'), texts, dir);
    expect(revised.computed).toBe(2);
    expect(Array.from(revised.data)).toEqual([1, 1, 2, 1]);
    expect((await embedWithCache(toy('r2'), texts, dir)).computed).toBe(0);
  });
});
