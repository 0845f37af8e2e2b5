import { createTopicKD } from 'topickd';
import type { PageApi } from './page-api.js';

const $ = (id: string) => document.getElementById(id)!;
const params = new URLSearchParams(location.search);

/**
 * Where the bundle is: `?bundle=URL`, by default ./bundle. Only from this page's origin,
 * unless the page lists other origins in <meta name="topickd-bundle-origins" content="https://a https://b">:
 * a link must not make the page run a model (and show words) from anywhere.
 */
function bundleBase(): string {
  const url = new URL(params.get('bundle') ?? './bundle', location.href);
  const allowed = (document.querySelector('meta[name="topickd-bundle-origins"]')?.getAttribute('content') ?? '').split(/\s+/).filter(Boolean);
  if (url.origin !== location.origin && !allowed.includes(url.origin)) {
    throw new Error(`the bundle at ${url.origin} is not on this page's origin; serve it from ${location.origin} or list its origin in the page's topickd-bundle-origins meta tag`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A table row of text cells (text only: corpus words never become markup). */
function row(cells: (string | Node)[], attrs: Record<string, string> = {}): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const [k, v] of Object.entries(attrs)) tr.setAttribute(k, v);
  for (const c of cells) {
    const td = document.createElement('td');
    if (typeof c === 'string') td.textContent = c;
    else td.appendChild(c);
    tr.appendChild(td);
  }
  return tr;
}

declare global {
  interface Window {
    topickd: PageApi;
  }
}

/** Web Workers for "many documents": ?workers=N, by default one per core (at most 4). */
const WORKERS = Math.max(0, Number(params.get('workers') ?? Math.min(4, navigator.hardwareConcurrency || 2)) | 0);

async function start(): Promise<void> {
  window.topickd = { ready: false, infer: async () => [] };
  try {
    const base = bundleBase();
    // the same API as in Node (the `browser` export condition of 'topickd'); the wasm files are served beside the page
    const tkd = await createTopicKD({ wasmPaths: new URL('./wasm/', location.href).href });
    const backend = tkd.backend;
    // manifest digest and weight checksum verified; the encoder from the bundle; WORKERS Web
    // Workers (worker.ts) load the same bundle, for θ of many texts
    const model = await tkd.load(base, WORKERS > 0 ? { workers: { count: WORKERS, create: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }) } } : {});
    // θ for new text: tokenized as the model's training corpus was, embedded by its encoder
    const infer = async (text: string): Promise<number[]> => (await model.transform([text]))[0];
    const topics = model.topics(10);
    // labels, if the bundle was exported with them (topickd export --labels --data CORPUS)
    const described = (await (await fetch(`${base}/bundle.json`)).json()) as { labels?: string[] };
    const labels = Array.isArray(described.labels) && described.labels.length === topics.length ? described.labels : null;
    $('topics').replaceChildren(...topics.map((t, k) => row(labels ? [String(k), labels[k], t.join(' ')] : [String(k), t.join(' ')], labels ? { 'data-label': labels[k] } : {})));
    const short = (k: number) => (labels ? `[${labels[k]}] ` : '') + topics[k].slice(0, 6).join(' ');
    const run = async () => {
      const theta = await infer(($('text') as HTMLTextAreaElement).value);
      const order = theta.map((p, k) => [p, k] as const).sort((a, b) => b[0] - a[0]);
      $('mixture').replaceChildren(
        ...order.map(([p, k]) => {
          const cell = document.createElement('span');
          const bar = document.createElement('span');
          bar.className = 'bar';
          bar.style.width = `${(300 * p).toFixed(0)}px`;
          cell.append(bar, ` ${(100 * p).toFixed(1)}%`);
          return row([String(k), cell, short(k)], { 'data-topic': String(k) });
        }),
      );
      window.topickd.theta = theta;
    };
    $('run').addEventListener('click', () => void run());
    ($('run') as HTMLButtonElement).disabled = false;

    // many documents, one per line: split across the Web Workers (or in this thread)
    const inferMany = async (texts: string[], workers: number) => {
      const t0 = performance.now();
      const theta = await model.transform(texts, { workers });
      return { theta, seconds: (performance.now() - t0) / 1000 };
    };
    const runMany = async (workers: number) => {
      const texts = ($('docs') as HTMLTextAreaElement).value.split('\n').map((l) => l.trim()).filter(Boolean);
      $('many-status').textContent = `inferring ${texts.length.toLocaleString()} documents…`;
      const { theta, seconds } = await inferMany(texts, workers);
      const counts = new Array<number>(model.numTopics).fill(0);
      for (const t of theta) counts[t.indexOf(Math.max(...t))]++;
      const caption = document.createElement('caption');
      caption.textContent = 'topic, documents whose most likely topic it is, its top words';
      $('many-topics').replaceChildren(caption, ...counts.map((c, k) => row([String(k), c.toLocaleString(), short(k)], { 'data-topic': String(k) })));
      const used = workers > 0 && texts.length > 512 ? `${Math.min(workers, Math.ceil(texts.length / 512))} Web Worker(s)` : 'this thread';
      $('many-status').textContent = `${texts.length.toLocaleString()} documents in ${seconds.toFixed(2)} s (${(texts.length / seconds).toFixed(0)} docs/s) with ${used}`;
      window.topickd.many = { theta, workers, seconds };
    };
    $('run-many').addEventListener('click', () => void runMany(model.workers));
    $('run-many-main').addEventListener('click', () => void runMany(0));
    ($('run-many') as HTMLButtonElement).disabled = model.workers === 0;
    ($('run-many-main') as HTMLButtonElement).disabled = false;
    $('run-many').textContent = `Infer with ${model.workers} Web Worker${model.workers === 1 ? '' : 's'}`;
    $('status').textContent = `ready: ${model.kind} student, K=${model.numTopics}, ${model.params.toLocaleString()} parameters, backend ${backend.tfjsBackend}${backend.simd ? ' (SIMD)' : ''}`;
    window.topickd = { ready: true, infer, inferMany, backend: backend.detail };
  } catch (e) {
    $('status').textContent = `error: ${(e as Error).message}`;
    window.topickd.error = (e as Error).message;
  }
}

void start();
