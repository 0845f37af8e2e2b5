/**
 * `topickd topics-over-time` and `topics --labels` as a user runs them (spawned, on the dated Debian changelogs) and
 * `model.topicsOverTime` from a program importing `topickd`: shares are the bins' mean θ (checked
 * against `infer`'s θ), bins are the calendar years / equal widths / classes, the chart page works
 * in Chromium.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inChromium, ok, REPO, refused, scratchDir, topickd, nodeProgram } from './helpers.js';

const work = scratchDir('over-time');
const corpus = join(work, 'changelogs.jsonl');
const model = join(work, 'model');
const common = ['--cache-dir', join(work, 'cache')];
const lines = readFileSync(join(REPO, 'datasets', 'debian-changelogs', 'changelogs.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 300);
const records = lines.map((l) => JSON.parse(l) as { text: string; date: string; label: string });

beforeAll(async () => {
  writeFileSync(corpus, lines.join('\n') + '\n');
  ok(await topickd(['fit', '--data', corpus, '--model', 'combined', '--topics', '4', '--hidden', '20', '--epochs', '3', '--out', model, '--quiet', ...common], work));
}, 300_000);

describe('topickd topics-over-time', () => {
  it('by year: every year from the first to the last, shares = the mean θ of infer per year, words per bin; the chart page in Chromium', async () => {
    const page = join(work, 'over-time.html');
    const r = ok(await topickd(['topics-over-time', '--model', model, '--data', corpus, '--time-field', 'date', '--bins', 'year', '--out', page, '--json', ...common], work)).json();
    const years = records.map((x) => Number(x.date.slice(0, 4)));
    const [lo, hi] = [Math.min(...years), Math.max(...years)];
    expect(r.bins.map((b: { label: string }) => b.label)).toEqual(Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i)));
    const theta: number[][] = ok(await topickd(['infer', '--model', model, '--input', corpus, '--json', ...common], work)).json().theta;
    expect(r.skipped).toBe(0);
    r.bins.forEach((b: { label: string; documents: number }, i: number) => {
      const rows = theta.filter((_, d) => String(years[d]) === b.label);
      expect(b.documents).toBe(rows.length);
      for (let k = 0; k < 4; k++) expect(r.share[i][k]).toBeCloseTo(rows.length ? rows.reduce((a, x) => a + x[k], 0) / rows.length : 0, 6);
      if (rows.length) expect(r.share[i].reduce((a: number, x: number) => a + x, 0)).toBeCloseTo(1, 5);
      // a topic has words in a bin exactly when some document of the bin has it as its most probable topic
      for (let k = 0; k < 4; k++) expect(r.words[i][k].length > 0).toBe(rows.some((x) => x.indexOf(Math.max(...x)) === k));
    });
    expect(r.topics).toHaveLength(4);

    const shown = await inChromium(
      page,
      'topics-over-time.png',
      async (p) => {
        expect(await p.locator('.topic-line').count()).toBe(4);
        await p.locator('.legend li[data-topic="2"]').click();
        expect(await p.locator('.detail-title').textContent()).toBe('Topic 2');
        expect(await p.locator('.detail tbody tr').count()).toBe(r.bins.length);
        expect(await p.locator('.topic-line.selected').getAttribute('data-topic')).toBe('2');
      },
      { width: 1000, height: 900 },
    );
    if (shown) expect(statSync(join(REPO, 'test-artifacts', 'topics-over-time.png')).size).toBeGreaterThan(10_000);
  }, 300_000);

  it('equal-width bins, per class, and the API (model.topicsOverTime) gives the CLI\'s shares', async () => {
    const four = ok(await topickd(['topics-over-time', '--model', model, '--data', corpus, '--time-field', 'date', '--bins', '4', '--json', ...common], work)).json();
    expect(four.bins).toHaveLength(4);
    expect(four.bins.reduce((a: number, b: { documents: number }) => a + b.documents, 0)).toBe(300);
    const byClass = ok(await topickd(['topics-over-time', '--model', model, '--data', corpus, '--by-class', '--json', ...common], work)).json();
    expect(byClass.bins.map((b: { label: string }) => b.label)).toEqual([...new Set(records.map((x) => x.label))]);
    const yearly = ok(await topickd(['topics-over-time', '--model', model, '--data', corpus, '--time-field', 'date', '--bins', 'year', '--json', ...common], work)).json();
    const generated = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(generated, { recursive: true });
    const program = join(generated, 'over-time-api.mjs');
    writeFileSync(
      program,
      `import { readFileSync } from 'node:fs';
import { createTopicKD } from 'topickd';
const tkd = await createTopicKD({ cacheDir: ${JSON.stringify(join(work, 'cache'))} });
const m = await tkd.load(${JSON.stringify(model)});
const recs = readFileSync(${JSON.stringify(corpus)}, 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l));
const r = await tkd.topicsOverTime(m, recs.map((x) => x.text), recs.map((x) => x.date), { bins: 'year' });
console.log(JSON.stringify(r));
`,
    );
    const api = await nodeProgram(program, work);
    expect(api.status, api.stderr).toBe(0);
    const a = JSON.parse(api.stdout.trim().split('\n').at(-1)!);
    expect(a.bins.map((b: { label: string }) => b.label)).toEqual(yearly.bins.map((b: { label: string }) => b.label));
    a.share.forEach((row: number[], i: number) => row.forEach((v, k) => expect(v).toBeCloseTo(yearly.share[i][k], 6)));
    expect(a.words).toEqual(yearly.words);
  }, 300_000);

  it("topics --labels: a phrase per topic from the corpus, known to the model, holding one of the topic's top words, all different; the API's model.labels gives the same", async () => {
    const r = ok(await topickd(['topics', '--model', model, '--labels', '--data', corpus, '--json', ...common], work)).json();
    const vocabulary: string[] = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')).vocabulary;
    expect(r.labels).toHaveLength(4);
    expect(new Set(r.labels).size).toBe(4);
    const top10 = ok(await topickd(['topics', '--model', model, '--top', '10', '--json'], work)).json().topicWords as string[][];
    r.labels.forEach((label: string, k: number) => {
      const words = label.split(' ');
      expect(words.length).toBeGreaterThanOrEqual(1);
      expect(words.length).toBeLessThanOrEqual(3);
      for (const w of words) expect(vocabulary).toContain(w);
      expect(words.some((w) => top10[k].includes(w)), `${label} vs ${top10[k].join(' ')}`).toBe(true);
    });
    refused(await topickd(['topics', '--model', model, '--labels', ...common], work), 2, /--labels takes its phrases from documents: give --data PATH/);
    refused(await topickd(['export', '--model', model, '--out', join(work, 'labelled-bundle'), '--labels', ...common], work), 2, /--labels takes its phrases from documents: give --data PATH/);
    expect(existsSync(join(work, 'labelled-bundle'))).toBe(false);
    const generated = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(generated, { recursive: true });
    const program = join(generated, 'labels-api.mjs');
    writeFileSync(
      program,
      `import { readFileSync } from 'node:fs';
import { createTopicKD } from 'topickd';
const tkd = await createTopicKD({ cacheDir: ${JSON.stringify(join(work, 'cache'))} });
const m = await tkd.load(${JSON.stringify(model)});
const texts = readFileSync(${JSON.stringify(corpus)}, 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l).text);
console.log(JSON.stringify(await m.labels(texts)));
`,
    );
    const api = await nodeProgram(program, work);
    expect(api.status, api.stderr).toBe(0);
    expect(JSON.parse(api.stdout.trim().split('\n').at(-1)!)).toEqual(r.labels);
  }, 300_000);

  it("report --labels --time-field --k-search: one report with the labels (table, map, detail), each model's topics over time and the K curve, clicked in Chromium", async () => {
    const want = ok(await topickd(['topics', '--model', model, '--labels', '--data', corpus, '--json', ...common], work)).json().labels as string[];
    const overTime = ok(await topickd(['topics-over-time', '--model', model, '--data', corpus, '--time-field', 'date', '--bins', 'year', '--json', ...common], work)).json();
    const kSearch = join(REPO, 'results', 'm10-k-search'); // a committed `tune --topics` run (tune.json)
    const page = join(work, 'labelled-report.html');
    const r = ok(await topickd(['report', '--model', model, '--corpus', corpus, '--labels', '--time-field', 'date', '--bins', 'year', '--k-search', kSearch, '--out', page, '--json', ...common], work)).json();
    expect(r.models[0].labels).toEqual(want);
    const html = readFileSync(page, 'utf8');
    const recommended = JSON.parse(readFileSync(join(kSearch, 'tune.json'), 'utf8')).recommendedK;
    expect(html).toContain(`<b id="recommended-k">K = ${recommended}</b>`);
    await inChromium(page, 'report-labels.png', async (p) => {
      expect(await p.locator('td.label').allTextContents()).toEqual(want);
      await p.locator('tr[data-topic="2"]').first().click();
      expect(await p.locator('.topic-detail h3').first().textContent()).toBe(`Topic 2 — ${want[2]}`);
      // topics over time: the same bins and shares as `topics-over-time`, a click shows a topic's words per bin
      const tot = p.locator('section.tot');
      expect(await tot.locator('.topic-line').count()).toBe(4);
      await tot.locator('.legend li[data-topic="1"]').click();
      expect(await tot.locator('.detail-title').textContent()).toBe('Topic 1');
      const rows = await tot.locator('.detail tbody tr').allTextContents();
      expect(rows).toHaveLength(overTime.bins.length);
      overTime.bins.forEach((b: { label: string }, i: number) => expect(rows[i].startsWith(b.label)).toBe(true));
      expect(await tot.locator('.detail tbody tr td.num').nth(1).textContent()).toBe(overTime.share[0][1].toFixed(4));
      // the K curve
      expect(await p.locator('#recommended-k').textContent()).toBe(`K = ${recommended}`);
      expect(await p.locator('section.k-search svg').count()).toBe(3);
    });
    refused(await topickd(['report', '--model', model, '--corpus', corpus, '--k-search', join(REPO, 'results', 'tune-20ng-k20'), '--out', join(work, 'r2.html'), ...common], work), 2, /is not the result of a K search/);
  }, 300_000);

  it('refusals: neither or both of --time-field and --by-class, --time-field on a text file, no time in the field', async () => {
    const base = ['topics-over-time', '--model', model, ...common];
    refused(await topickd([...base, '--data', corpus], work), 2, /give one of --time-field NAME .* and --by-class/);
    refused(await topickd([...base, '--data', corpus, '--time-field', 'date', '--by-class'], work), 2, /give one of --time-field/);
    const txt = join(work, 'plain.txt');
    writeFileSync(txt, records.map((x) => x.text).join('\n') + '\n');
    refused(await topickd([...base, '--data', txt, '--time-field', 'date'], work), 2, /--time-field reads a \.jsonl corpus/);
    refused(await topickd([...base, '--data', corpus, '--time-field', 'package'], work), 1, /no document has a time/);
    refused(await topickd([...base, '--data', corpus, '--time-field', 'date', '--bins', 'weekly'], work), 2, /--bins must be a number of bins from 1 to 1000, month or year/);
  }, 120_000);
});
