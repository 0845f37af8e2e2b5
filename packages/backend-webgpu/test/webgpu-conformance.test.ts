/**
 * The WebGPU backend in headless Chromium, as a page uses it: the backend conformance suite
 * (@topickd/core's runBackendConformance: products, softplus, log-softmax, moments, seeded random
 * ops, training steps and gradients against the cpu backend and finite differences) bundled
 * with the backend by esbuild and run in the page. Chromium runs WebGPU on its software adapter
 * (SwiftShader) where the machine has no GPU; a machine whose Chromium gives no adapter at all
 * skips, saying so.
 */
import { describe, it, expect } from 'vitest';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { ConformanceReport } from './page/conformance-page.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

describe('the WebGPU backend in headless Chromium', () => {
  it.skipIf(!existsSync(CHROMIUM))('passes the backend conformance suite (its training checks where the adapter can train)', async (ctx) => {
    const work = mkdtempSync(join(tmpdir(), 'topickd-webgpu-'));
    const { build } = await import('esbuild');
    await build({
      entryPoints: [fileURLToPath(new URL('./page/conformance-page.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: join(work, 'page.js'),
      logLevel: 'error',
    });
    writeFileSync(join(work, 'index.html'), '<!doctype html><meta charset="utf-8"><title>WebGPU conformance</title><body>loading</body><script type="module" src="page.js"></script>');
    const server = createServer((req, res) => {
      const file = req.url === '/page.js' ? 'page.js' : 'index.html';
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(readFileSync(join(work, file)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      // WebGPU needs a secure context (http://127.0.0.1 is one) and, in headless Linux Chromium, this flag
      args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => window.conformance?.done, null, { timeout: 240_000 }).catch((e) => {
        throw new Error(`${(e as Error).message}\npage log:\n${logs.join('\n')}`);
      });
      const report = (await page.evaluate(() => window.conformance)) as ConformanceReport;
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'webgpu-conformance.png'), fullPage: true });
      if (!report.adapter) {
        console.log(`WebGPU: no adapter in this Chromium (${report.reason}); the conformance suite did not run`);
        ctx.skip();
        return;
      }
      console.log(`WebGPU in Chromium: ${report.detail}; ${report.results.filter((r) => !r.skipped).length} checks ran, ${report.results.filter((r) => r.skipped).length} skipped`);
      const failed = report.results.filter((r) => !r.ok);
      expect(failed.map((r) => `${r.name}: ${r.error}`)).toEqual([]);
      expect(report.detail).toMatch(/^WebGPU adapter: /);
      const ran = report.results.filter((r) => !r.skipped).map((r) => r.name.replace(/^backend conformance: webgpu > /, ''));
      // always: activation, products (against cpu and by hand), functions against closed forms, seeded random ops
      expect(ran.slice(0, 4)).toEqual(['activates and reports itself', 'matMul (plain and transposed) matches cpu', 'softplus, logSoftmax, moments match cpu and closed forms', 'seeded random ops give the same values as on cpu']);
      // training and gradients: on a hardware adapter; on Chromium's software adapter synchronous
      // reads fail, the backend says it cannot train, and they are skipped
      const skipped = report.results.filter((r) => r.skipped);
      if (report.canTrain) expect(ran.length).toBe(7);
      else {
        expect(report.detail).toMatch(/cannot train here/);
        expect(skipped.map((r) => r.name)).toHaveLength(3);
      }
    } finally {
      await browser.close();
      server.close();
    }
  }, 300_000);
});
