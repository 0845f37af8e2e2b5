import { CsrBuilder, documentTokens, fetchStore, inferTheta, loadModelFrom, preprocessOptionsOf, preprocessingRecord, stopwordSet } from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
import { UseEncoder } from '@topickd/encoders/browser';

interface Bundle {
  model: string;
  encoder: { type?: string; id: string; files: string | null };
  topicWords: string[][];
}

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
    topickd: { ready: boolean; theta?: number[]; error?: string; backend?: string; infer(text: string): Promise<number[]> };
  }
}

async function start(): Promise<void> {
  window.topickd = { ready: false, infer: async () => [] };
  try {
    const base = bundleBase();
    const backend = await new WasmBackend({ wasmPaths: new URL('./wasm/', location.href).href }).activate();
    const bundle = (await (await fetch(`${base}/bundle.json`)).json()) as Bundle;
    const saved = await loadModelFrom(fetchStore(`${base}/${bundle.model}`));
    if (bundle.encoder.type !== 'use' || !bundle.encoder.files) throw new Error(`this page runs the Universal Sentence Encoder; the bundle uses ${bundle.encoder.id}`);
    const encoder = new UseEncoder({ url: `${base}/${bundle.encoder.files}` });
    await encoder.load();
    const index = new Map(saved.vocabulary.map((w, i) => [w, i] as const));
    // tokenize as the model's training corpus was
    const options = preprocessOptionsOf(saved.preprocessing ?? preprocessingRecord({}), saved.vocabulary);
    const stop = stopwordSet(options);
    const infer = async (text: string): Promise<number[]> => {
      const embeddings = await encoder.embed([text]);
      const bow = new CsrBuilder(saved.vocabulary.length);
      const counts = new Map<number, number>();
      for (const t of documentTokens(text, options, stop)) {
        const id = index.get(t);
        if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      bow.addRow(counts);
      return Array.from(inferTheta(saved.model, { bow: bow.build(), embeddings }, { samples: 20, seed: 0 }).data);
    };
    const topics = saved.model.topics(saved.vocabulary, 10);
    $('topics').replaceChildren(...topics.map((t, k) => row([String(k), t.join(' ')])));
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
          return row([String(k), cell, topics[k].slice(0, 6).join(' ')], { 'data-topic': String(k) });
        }),
      );
      window.topickd.theta = theta;
    };
    $('run').addEventListener('click', () => void run());
    ($('run') as HTMLButtonElement).disabled = false;
    $('status').textContent = `ready: ${saved.model.kind} student, K=${saved.model.numTopics}, ${saved.model.paramCount().toLocaleString()} parameters, backend ${backend.tfjsBackend}${backend.simd ? ' (SIMD)' : ''}`;
    window.topickd = { ready: true, infer, backend: backend.detail };
  } catch (e) {
    $('status').textContent = `error: ${(e as Error).message}`;
    window.topickd.error = (e as Error).message;
  }
}

void start();
