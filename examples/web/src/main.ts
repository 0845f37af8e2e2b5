import { CsrBuilder, documentTokens, fetchStore, inferTheta, loadModelFrom, stopwordSet } from '@topickd/core';
import { WasmBackend } from '@topickd/backend-wasm';
import { UseEncoder } from '@topickd/encoders/browser';

interface Bundle {
  model: string;
  encoder: { type?: string; id: string; files: string | null };
  topicWords: string[][];
}

const $ = (id: string) => document.getElementById(id)!;
const params = new URLSearchParams(location.search);
const base = (params.get('bundle') ?? './bundle').replace(/\/+$/, '');

declare global {
  interface Window {
    topickd: { ready: boolean; theta?: number[]; error?: string; backend?: string; infer(text: string): Promise<number[]> };
  }
}

async function start(): Promise<void> {
  window.topickd = { ready: false, infer: async () => [] };
  try {
    const backend = await new WasmBackend({ wasmPaths: new URL('./wasm/', location.href).href }).activate();
    const bundle = (await (await fetch(`${base}/bundle.json`)).json()) as Bundle;
    const saved = await loadModelFrom(fetchStore(`${base}/${bundle.model}`));
    if (bundle.encoder.type !== 'use' || !bundle.encoder.files) throw new Error(`this page runs the Universal Sentence Encoder; the bundle uses ${bundle.encoder.id}`);
    const encoder = new UseEncoder({ url: `${base}/${bundle.encoder.files}` });
    await encoder.load();
    const index = new Map(saved.vocabulary.map((w, i) => [w, i] as const));
    const infer = async (text: string): Promise<number[]> => {
      const embeddings = await encoder.embed([text]);
      const bow = new CsrBuilder(saved.vocabulary.length);
      const counts = new Map<number, number>();
      for (const t of documentTokens(text, {}, stopwordSet({}))) {
        const id = index.get(t);
        if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      bow.addRow(counts);
      return Array.from(inferTheta(saved.model, { bow: bow.build(), embeddings }, { samples: 20, seed: 0 }).data);
    };
    const topics = saved.model.topics(saved.vocabulary, 10);
    $('topics').innerHTML = topics.map((t, k) => `<tr><td>${k}</td><td>${t.join(' ')}</td></tr>`).join('');
    const run = async () => {
      const theta = await infer(($('text') as HTMLTextAreaElement).value);
      const order = theta.map((p, k) => [p, k] as const).sort((a, b) => b[0] - a[0]);
      $('mixture').innerHTML = order
        .map(([p, k]) => `<tr data-topic="${k}"><td>${k}</td><td><span class="bar" style="width:${(300 * p).toFixed(0)}px"></span> ${(100 * p).toFixed(1)}%</td><td>${topics[k].slice(0, 6).join(' ')}</td></tr>`)
        .join('');
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
