/**
 * The pipeline shrunk, as a user runs it: `export --quantize int8` writes a bundle under 8 MiB
 * whose encoder (read by the encoder's own loader, as a page does) embeds exactly as
 * `embed --quantize int8` does from the float32 package; `float16` likewise; both within their
 * error of float32. Spawned commands on the small corpus.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '@topickd/core';
import { UseEncoder } from '@topickd/encoders';
import { createRuntime } from 'topickd/app';
import { ok, RAW_CORPUS, scratchDir, topickd } from './helpers.js';

const sizeOf = (dir: string): number => readdirSync(dir).reduce((s, f) => s + (statSync(join(dir, f)).isDirectory() ? sizeOf(join(dir, f)) : statSync(join(dir, f)).size), 0);

describe('quantized encoder: export --quantize, embed --quantize', () => {
  it('int8 and float16 bundles: small, read back as the quantized encoder computes, close to float32', async () => {
    const work = scratchDir('quantize');
    const corpus = join(work, 'titles.jsonl');
    writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
    ok(await topickd(['fit', '--data', corpus, '--model', 'zeroshot', '--topics', '5', '--epochs', '2', '--hidden', '20', '--out', join(work, 'model'), '--quiet'], work));
    const texts = join(work, 'texts.txt');
    writeFileSync(texts, 'Gene expression in plant cells under drought stress\nMarket volatility and stock returns\nNeural networks for image classification\n');
    ok(await topickd(['embed', '--input', texts, '--out', join(work, 'f32.npy'), '--json'], work));
    const f32 = decodeNpy(new Uint8Array(readFileSync(join(work, 'f32.npy'))));
    await createRuntime({ backend: 'wasm' }, { warn() {} });
    for (const [q, maxBytes, maxDiff] of [['int8', 8 * 2 ** 20, 0.02], ['float16', 16 * 2 ** 20, 0.002]] as const) {
      const bundle = join(work, `bundle-${q}`);
      const j = ok(await topickd(['export', '--model', join(work, 'model'), '--out', bundle, '--quantize', q, '--json'], work)).json();
      expect(j.encoder).toMatchObject({ type: 'use', files: 'encoder/use', quantize: q });
      expect(sizeOf(bundle)).toBeLessThan(maxBytes);
      const e = ok(await topickd(['embed', '--input', texts, '--out', join(work, `${q}.npy`), '--quantize', q, '--json'], work)).json();
      expect(e.encoder).toMatch(new RegExp(`\\+${q}$`));
      const viaFlag = decodeNpy(new Uint8Array(readFileSync(join(work, `${q}.npy`))));
      const dir = join(bundle, 'encoder', 'use');
      const fromBundle = await new UseEncoder({ source: { location: dir, read: async (n) => new Uint8Array(readFileSync(join(dir, n))) } }).embed(readFileSync(texts, 'utf8').trim().split('\n'));
      expect(Array.from(fromBundle.data)).toEqual(Array.from(viaFlag.data));
      const diff = Math.max(...Array.from(viaFlag.data, (v, i) => Math.abs(v - f32.data[i])));
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(maxDiff);
    }
  }, 300_000);
});
