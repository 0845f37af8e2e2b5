import { describe, it, expect } from 'vitest';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { main } from '@topickd/cli';
import { inferTheta } from '@topickd/core';
import { loadModel } from '@topickd/core/node';
import { WasmBackend } from '@topickd/backend-wasm';
import { UseEncoder } from '@topickd/encoders';
import type { PageApi } from '../src/page-api.js';

/** What the page (src/main.ts) puts on window. */
declare global {
  interface Window {
    topickd: PageApi;
  }
}

const CHROMIUM = '/usr/bin/chromium';
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const ready = existsSync(CHROMIUM) && existsSync(join(dist, 'app.js'));
const TEXT = 'recurrent neural network language model for speech recognition';

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

describe('the exported student in a browser page', () => {
  it.skipIf(!ready)("computes the same θ as Node for the same model and text (within 1e-4)", async () => {
    const work = mkdtempSync(join(tmpdir(), 'topickd-web-'));
    const m10 = fileURLToPath(new URL('../../../datasets/m10/corpus.tsv', import.meta.url));
    const corpus = join(work, 'titles.txt');
    const titles = readFileSync(m10, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    writeFileSync(corpus, titles.slice(0, 400).join('\n'));
    // "many documents": 1,300 titles = three 512-text batches, so two workers get a shard each
    const many = titles.slice(0, 1300);
    const quiet = { stdout: () => undefined, stderr: (s: string) => process.stderr.write(s) };
    const modelDir = join(work, 'student');
    expect(await main(['fit', '--data', corpus, '--model', 'zeroshot', '--topics', '5', '--epochs', '2', '--cache-dir', join(work, 'cache'), '--out', modelDir, '--quiet'], quiet)).toBe(0);
    const bundle = join(work, 'bundle');
    // with each topic's label (topics --labels), which the page shows
    expect(await main(['export', '--model', modelDir, '--out', bundle, '--labels', '--data', corpus, '--cache-dir', join(work, 'cache'), '--quiet'], quiet)).toBe(0);
    const labels = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8')).labels as string[];
    expect(labels).toHaveLength(5);

    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [root, rel] = url.pathname.startsWith('/bundle/') ? [bundle, url.pathname.slice('/bundle/'.length)] : [dist, url.pathname.slice(1) || 'index.html'];
      const file = normalize(join(root, decodeURIComponent(rel)));
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => logs.push(`requestfailed: ${r.url()}`));
      page.on('response', (r) => r.status() >= 400 && logs.push(`HTTP ${r.status()}: ${r.url()}`));
      await page.goto(`http://127.0.0.1:${port}/index.html?bundle=/bundle&workers=2`);
      await page.waitForFunction(() => window.topickd?.ready || window.topickd?.error, null, { timeout: 90_000 }).catch((e) => {
        throw new Error(`${(e as Error).message}\npage log:\n${logs.join('\n')}`);
      });
      expect(await page.evaluate(() => window.topickd.error ?? null)).toBeNull();
      // the page multiplies with TopicKD's WebAssembly SIMD kernel, with fused multiply-adds
      // (Chromium has relaxed SIMD since version 114)
      const kernel = await page.evaluate(() => window.topickd.backend ?? '');
      expect(kernel).toMatch(/TopicKD WebAssembly SIMD kernel with fused multiply-adds/);
      console.log(`browser: ${kernel}`);
      await page.fill('#text', TEXT);
      await page.click('#run');
      await page.waitForFunction(() => Array.isArray(window.topickd.theta), null, { timeout: 60_000 });
      const browserTheta = (await page.evaluate(() => window.topickd.theta)) as number[];
      expect(await page.locator('#mixture tr').count()).toBe(5);
      expect(await page.locator('#topics tr').count()).toBe(5);
      expect(await page.locator('#topics tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')))).toEqual(labels);
      expect(await page.locator('#mixture tr').first().textContent()).toMatch(/\[[^\]]+\] /);

      // many documents: in the page's thread, then split across its 2 Web Workers — the same θ
      await page.fill('#docs', many.join('\n'));
      const runMany = async (button: string) => {
        await page.evaluate(() => void (window.topickd.many = undefined));
        await page.click(button);
        await page.waitForFunction(() => window.topickd.many !== undefined, null, { timeout: 120_000 });
        return (await page.evaluate(() => window.topickd.many))!;
      };
      expect(await page.locator('#run-many').textContent()).toBe('Infer with 2 Web Workers');
      const inThread = await runMany('#run-many-main');
      const inWorkers = await runMany('#run-many');
      expect(inThread.workers).toBe(0);
      expect(inWorkers.workers).toBe(2);
      expect(inWorkers.theta).toHaveLength(many.length);
      expect(inWorkers.theta).toEqual(inThread.theta);
      expect(await page.locator('#many-status').textContent()).toMatch(/^1,300 documents in [\d.]+ s \(\d+ docs\/s\) with 2 Web Worker\(s\)$/);
      expect(await page.locator('#many-topics tr').count()).toBe(5);
      // no text: no rows, in a worker-holding model as in any
      expect(await page.evaluate(async () => (await window.topickd.inferMany!([], 2)).theta)).toEqual([]);
      console.log(`browser, ${many.length} documents: ${inThread.seconds.toFixed(2)} s in the page's thread, ${inWorkers.seconds.toFixed(2)} s with 2 Web Workers`);
      await page.screenshot({ path: join(work, 'web-demo.png'), fullPage: true });

      await new WasmBackend().activate();
      const saved = await loadModel(join(bundle, 'model'));
      const embeddings = await new UseEncoder().embed([TEXT]);
      const nodeTheta = Array.from(inferTheta(saved.model, { embeddings }, { samples: 20, seed: 0 }).data);
      expect(browserTheta).toHaveLength(5);
      const diff = Math.max(...nodeTheta.map((v, i) => Math.abs(v - browserTheta[i])));
      expect(diff).toBeLessThan(1e-4);
      console.log(`browser vs Node θ max difference ${diff.toExponential(2)}; screenshot ${join(work, 'web-demo.png')}`);
      // and the workers' θ of the 1,300 titles is Node's
      const manyNode = inferTheta(saved.model, { embeddings: await new UseEncoder().embed(many) }, { samples: 20, seed: 0 });
      let manyDiff = 0;
      inWorkers.theta.forEach((r, i) => r.forEach((v, k) => (manyDiff = Math.max(manyDiff, Math.abs(v - manyNode.data[i * manyNode.cols + k])))));
      expect(manyDiff).toBeLessThan(1e-4);
      console.log(`browser Web Workers vs Node θ (${many.length} documents) max difference ${manyDiff.toExponential(2)}`);
      saved.model.dispose();

      // a link cannot make the page load a bundle from another origin (127.0.0.2 is another host here)
      const other = await browser.newPage();
      await other.goto(`http://127.0.0.1:${port}/index.html?bundle=http://127.0.0.2:${port}/bundle`);
      await other.waitForFunction(() => window.topickd?.error, null, { timeout: 30_000 });
      expect(await other.evaluate(() => window.topickd.error)).toMatch(/not on this page's origin/);
      expect(await other.locator('#status').textContent()).toMatch(/^error: the bundle at http:\/\/127\.0\.0\.2:\d+ is not on this page's origin/);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
