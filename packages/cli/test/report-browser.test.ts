import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ContextualTopicModel, resolveModelConfig, Random, CpuBackend } from '@topickd/core';
import { renderReport, type ReportModel } from '@topickd/cli';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

function reportModel(role: string, K: number, V: number, seed: number): ReportModel {
  const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: K, vocabSize: V, embeddingDim: 4 }), seed);
  const vocab = Array.from({ length: V }, (_, i) => `word${i}`);
  const topics = m.topics(vocab, 10);
  const dist = m.topicWordDistribution();
  const r = new Random(seed);
  const prevalence = Array.from({ length: K }, () => r.next());
  const total = prevalence.reduce((a, b) => a + b, 0);
  const out: ReportModel = {
    role,
    kind: m.kind,
    params: m.paramCount(),
    topics,
    weights: topics.map((t, k) => t.map((w) => dist.data[k * V + Number(w.slice(4))])),
    npmiPerTopic: topics.map(() => r.uniform(-0.2, 0.3)),
    cvPerTopic: topics.map(() => r.uniform(0.3, 0.7)),
    metrics: { npmi: 0.05, cv: 0.5, td: 0.9 },
    prevalence: prevalence.map((p) => p / total),
    topicWord: dist,
  };
  m.dispose();
  return out;
}

describe('HTML report in a real browser (headless Chromium)', () => {
  it.skipIf(!hasChromium)('renders both models, their topics and the intertopic maps, offline', async () => {
    await new CpuBackend().activate();
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'topickd-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport({ title: 'TopicKD test report', corpus: 'synthetic', models: [reportModel('teacher', 8, 60, 1), reportModel('distilled student', 8, 60, 2)] }));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      expect(await page.locator('section.model').count()).toBe(2);
      expect(await page.locator('section.model[data-role="teacher"] tbody tr').count()).toBe(8);
      expect(await page.locator('#summary tbody tr').count()).toBe(2);
      for (const id of ['#map-0', '#map-1']) {
        const circles = page.locator(`${id} circle`);
        expect(await circles.count()).toBe(8);
        const box = await page.locator(id).boundingBox();
        expect(box!.width).toBeGreaterThan(100);
        const r = await circles.first().getAttribute('r');
        expect(Number(r)).toBeGreaterThan(3);
      }
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]); // no network
      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      console.log(`report screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  });
});
