import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Random, type Float32Matrix } from '@topickd/core';
import { renderReport, reportModelData, relevanceCandidates, alignTopics, jsDistance, ReportDocuments, type ReportData } from '@topickd/cli';
import { renderTopicsSearchPage, summarizeTopicsRuns, TOPICS_RULE, type TopicsSearchResults } from 'topickd/app';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
/** Screenshots are kept here (ignored by git) for a person to look at. */
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

const V = 60;
const K = 6;
const N = 40;
const vocabulary = Array.from({ length: V }, (_, i) => (i === 7 ? '<img src=x onerror="window.__xss=1">' : `word${i}`));

function distribution(r: Random, n: number, peak: number): Float32Array {
  const p = Float32Array.from({ length: n }, () => r.next() ** 4);
  p[peak] += 2;
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / s);
}

function topicWord(seed: number): Float32Matrix {
  const r = new Random(seed);
  const data = new Float32Array(K * V);
  for (let k = 0; k < K; k++) data.set(distribution(r, V, (k * 9 + seed) % V), k * V);
  return { rows: K, cols: V, data };
}

function syntheticReport(): ReportData {
  const r = new Random(11);
  const termFrequency = Array.from({ length: V }, () => 1 + Math.floor(r.next() * 50));
  const texts = Array.from({ length: N }, (_, i) => `document ${i} about ${vocabulary[(i * 7) % V]} and <b>markup</b>`);
  const theta: Float32Matrix = { rows: N, cols: K, data: new Float32Array(N * K) };
  for (let i = 0; i < N; i++) theta.data.set(distribution(r, K, i % K), i * K);
  const documents = new ReportDocuments();
  const evaluation = { npmi: 0.05, cv: 0.5, td: 0.9, npmiPerTopic: Array.from({ length: K }, () => r.uniform(-0.2, 0.3)), cvPerTopic: Array.from({ length: K }, () => r.uniform(0.3, 0.7)) };
  const teacherTw = topicWord(1);
  const common = { group: 'K=6, seed 0', K, vocabulary, evaluation, theta, texts, termFrequency, documents };
  const models = [
    reportModelData({ ...common, id: 'teacher', role: 'teacher', label: 'teacher (combined)', kind: 'combined', params: 1_257_448, topicWord: teacherTw }),
    reportModelData({ ...common, id: 'student', role: 'student', label: 'student alone', kind: 'zeroshot', params: 99_400, topicWord: topicWord(2), alignWith: { id: 'teacher', topicWord: teacherTw } }),
    reportModelData({ ...common, id: 'distilled', role: 'distilled', label: 'distilled student (α=0.8, T=4)', kind: 'zeroshot', params: 99_400, topicWord: topicWord(3), alignWith: { id: 'teacher', topicWord: teacherTw } }),
    reportModelData({ ...common, group: 'K=6, seed 1', id: 'teacher-1', role: 'teacher', label: 'teacher (combined)', kind: 'combined', params: 1_257_448, topicWord: teacherTw }),
  ];
  return { title: 'TopicKD test report', corpus: 'synthetic', documents: documents.texts, models };
}

describe('report data', () => {
  it('relevance candidates hold the exact top words at every slider position (brute force)', () => {
    const tw = topicWord(5);
    const r = new Random(2);
    const pw = Array.from({ length: V }, () => r.next() + 0.01);
    const total = pw.reduce((a, b) => a + b, 0);
    const pwN = pw.map((x) => x / total);
    for (let k = 0; k < K; k++) {
      const pwk = tw.data.subarray(k * V, (k + 1) * V);
      const cands = new Set(relevanceCandidates(pwk, pwN, 12));
      for (let s = 0; s <= 100; s++) {
        const l = s / 100;
        const rel = (v: number) => l * Math.log(pwk[v]) + (1 - l) * Math.log(pwk[v] / pwN[v]);
        const top = Array.from({ length: V }, (_, v) => v).sort((a, b) => rel(b) - rel(a)).slice(0, 12);
        for (const v of top) expect(cands.has(v)).toBe(true);
      }
    }
  });

  it('Jensen–Shannon distance and topic alignment', () => {
    expect(jsDistance([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.log(2)), 12); // the maximum, √ln 2
    expect(jsDistance([0.3, 0.7], [0.3, 0.7])).toBe(0);
    const t = topicWord(1);
    const permuted: Float32Matrix = { rows: K, cols: V, data: new Float32Array(K * V) };
    const perm = [3, 0, 5, 1, 2, 4];
    perm.forEach((src, k) => permuted.data.set(t.data.subarray(src * V, (src + 1) * V), k * V));
    expect(alignTopics(permuted, t).map((a) => a.topic)).toEqual(perm);
  });
});

describe('HTML report in a real browser (headless Chromium)', () => {
  it.skipIf(!hasChromium)('click a topic, slide λ: the word bars and documents change; offline; no markup from the corpus', async () => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'topickd-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(syntheticReport()));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(file).href);
      const cards = page.locator('section.model');
      expect(await cards.count()).toBe(3); // the first run's teacher, student alone, distilled student
      expect(await page.locator('#summary tbody tr').count()).toBe(3); // teacher (2 runs), student, distilled
      const student = page.locator('section.model[data-role="student"]');
      expect(await student.locator('.map .topic-circle').count()).toBe(K);
      expect(await student.locator('.map .axis-label').allTextContents()).toEqual(['PC1', 'PC2']);
      expect(await student.locator('.topics tbody tr').count()).toBe(K);

      const words = () => student.locator('.topic-detail .bar-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-word')));
      const heading = () => student.locator('.topic-detail h3').first().textContent();
      // click topic 2 on the map, then topic 4 in the table
      await student.locator('.map .topic-circle[data-topic="2"] circle').click();
      expect(await heading()).toBe('Topic 2');
      expect(await student.locator('.map .topic-circle.selected').getAttribute('data-topic')).toBe('2');
      const atOne = await words();
      expect(atOne).toHaveLength(12);
      await student.locator('.topics tbody tr[data-topic="4"]').click();
      expect(await heading()).toBe('Topic 4');
      expect(await student.locator('.topics tr.selected').getAttribute('data-topic')).toBe('4');
      const topic4AtOne = await words();
      expect(topic4AtOne).not.toEqual(atOne);
      // the representative documents and the closest teacher topic
      expect(await student.locator('.topic-detail .rep-doc').count()).toBe(3);
      expect(await student.locator('.topic-detail .aligned').textContent()).toMatch(/Closest teacher topic: \d+ \(Jensen–Shannon distance 0\.\d{3}\)/);
      // slide λ from 1 to 0: ranking by lift instead of probability
      await page.locator('#lambda').fill('0');
      expect(await page.locator('#lambda-value').textContent()).toBe('0.00');
      const topic4AtZero = await words();
      expect(topic4AtZero).toHaveLength(12);
      expect(topic4AtZero).not.toEqual(topic4AtOne);
      // the run selector shows the other seed's models
      await page.locator('#group').selectOption('K=6, seed 1');
      expect(await cards.count()).toBe(1);
      await page.locator('#group').selectOption('K=6, seed 0');
      await page.locator('#lambda').fill('0.6');
      await page.locator('section.model[data-role="student"] .topics tbody tr[data-topic="1"]').click();

      // corpus text is text, never markup; nothing was fetched
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('.rep-doc b').count()).toBe(0);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(errors).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, 'report.png');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
      console.log(`report screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  });
});

describe('choosing K: the curves page in a real browser', () => {
  it.skipIf(!hasChromium)('three curves (NPMI, C_V, TD) with a dot per seed and the recommended K marked; offline; screenshot', async () => {
    const { chromium } = await import('playwright-core');
    const r = new Random(3);
    const runs = [10, 20, 30, 40, 50].flatMap((K) =>
      [0, 1, 2].map((seed) => {
        const npmi = 0.02 + 0.002 * K - 0.00003 * K * K + r.uniform(-0.01, 0.01);
        const td = 1 - 0.006 * K + r.uniform(-0.02, 0.02);
        return { K, seed, npmi, cv: 0.45 + r.uniform(-0.02, 0.02), td, seconds: 1 };
      }),
    );
    const { byK, recommendedK } = summarizeTopicsRuns(runs);
    const res: TopicsSearchResults = { search: 'topics', dataset: 'synthetic', model: 'combined', epochs: 100, seeds: [0, 1, 2], rule: TOPICS_RULE, byK, recommendedK, runs, seconds: 60 };
    const dir = mkdtempSync(join(tmpdir(), 'topickd-k-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderTopicsSearchPage(res));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      const requests: string[] = [];
      page.on('request', (q) => requests.push(q.url()));
      await page.goto(pathToFileURL(file).href);
      expect(await page.locator('svg.k-curve').count()).toBe(3);
      for (const m of ['npmi', 'cv', 'td']) expect(await page.locator(`#k-curve-${m} circle.seed`).count()).toBe(15);
      expect(await page.locator('#recommended-k').textContent()).toBe(`K = ${recommendedK}`);
      expect(await page.locator('#by-k tr.recommended td').first().textContent()).toBe(String(recommendedK));
      // a seed's dot names its K, seed and value
      expect(await page.locator('#k-curve-npmi circle.seed title').first().textContent()).toMatch(/^K=10 seed 0: -?0\.\d{4}$/);
      await page.locator('#k-curve-npmi circle.seed').first().hover();
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, 'k-search.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
  });
});

