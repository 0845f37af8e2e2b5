import { jensenShannonDistance, type Float32Matrix } from '@topickd/core';
import { REPORT_SCRIPT, REPORT_STYLE } from './report-page.js';
import { formatMeanStd } from '../run/format.js';

/**
 * The HTML report: one self-contained file (no network, opens from file://), in the
 * spirit of pyLDAvis and BERTopic's visualisations. The data of every model is computed
 * here, in Node, into a JSON block; a small inline script draws it and reacts to clicks
 * and to the relevance slider. The report data is plain JSON, so parallel runs can merge
 * theirs (`mergeReportData`) before one page is rendered.
 */

/** Words shown per topic in the bar chart. */
export const REPORT_BAR_WORDS = 12;
/** The relevance slider's step; candidates are exact at every slider position. */
const LAMBDA_STEPS = 100;
/** Representative documents shown per topic. */
const REPRESENTATIVE_DOCS = 3;
const DOC_CHARS = 280;

export interface ReportTopic {
  /** Share of the corpus: mean θ_k over the documents. */
  share: number;
  npmi: number | null;
  cv: number | null;
  /** Top 10 words by p(word | topic). */
  top: string[];
  /** Candidate words for the relevance ranking: [index into the model's `words`, p(word | topic)]. */
  terms: [number, number][];
  /** Most representative documents: [index into the report's `documents`, θ_k of that document]. */
  docs: [number, number][];
  /** The closest topic of the model this one is aligned with (the teacher), by Jensen–Shannon distance. */
  aligned?: { topic: number; distance: number };
  /** A short label (a phrase of the corpus: `report --labels`). */
  label?: string;
  /** For a reduced model (`topickd reduce`): the parent's topics merged into this one. */
  merged?: number[];
}

/** Which model a report entry is, and of which run. */
export interface ReportModelIdentity {
  id: string;
  /** The run it belongs to (e.g. "K=20, seed 0"); the page's selector shows one group at a time. */
  group: string;
  role: string;
  label: string;
  kind: string;
  params: number;
  K: number;
  seed?: number;
}

export interface ReportModelData extends ReportModelIdentity {
  metrics: { npmi: number; cv: number; td: number };
  /** Intertopic map: classical MDS of the Jensen–Shannon distances, PC1 and PC2. */
  map: [number, number][];
  /** The words any topic's relevance ranking can show, and their overall corpus frequency p(word). */
  words: string[];
  pw: number[];
  topics: ReportTopic[];
  /** id of the model whose topics `aligned` points to. */
  alignedWith?: string;
}

export interface ReportData {
  title: string;
  corpus: string;
  /** Texts of the representative documents (truncated). */
  documents: string[];
  models: ReportModelData[];
}

export interface Evaluation {
  npmi: number;
  cv: number;
  td: number;
  npmiPerTopic: number[];
  cvPerTopic: number[];
}

/** Adds document texts to a report's document table once each. */
export class ReportDocuments {
  readonly texts: string[] = [];
  private readonly index = new Map<string, number>();
  add(key: string, text: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(text.length > DOC_CHARS ? `${text.slice(0, DOC_CHARS - 1)}…` : text);
      this.index.set(key, i);
    }
    return i;
  }
}

/** Jensen–Shannon distance between two distributions (natural log, as the intertopic map has always used). */
export function jsDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  return jensenShannonDistance(p, q, Math.E);
}

function rowsOf(m: Float32Matrix): Float32Array[] {
  return Array.from({ length: m.rows }, (_, k) => m.data.subarray(k * m.cols, (k + 1) * m.cols));
}

/**
 * Classical multidimensional scaling (principal coordinates) of the topics' pairwise
 * Jensen–Shannon distances into 2-D, as LDAvis's default intertopic map.
 */
export function intertopicMap(tw: Float32Matrix): [number, number][] {
  const K = tw.rows;
  const rows = rowsOf(tw);
  const D2 = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => jsDistance(rows[i], rows[j]) ** 2));
  const rowMean = D2.map((r) => r.reduce((a, b) => a + b, 0) / K);
  const all = rowMean.reduce((a, b) => a + b, 0) / K;
  const B = D2.map((r, i) => r.map((d, j) => -0.5 * (d - rowMean[i] - rowMean[j] + all)));
  const coords: number[][] = [];
  const deflated = B.map((r) => r.slice());
  for (let c = 0; c < 2; c++) {
    let v = Array.from({ length: K }, (_, i) => Math.cos(i + c + 1));
    let lambda = 0;
    for (let it = 0; it < 200; it++) {
      const w = deflated.map((r) => r.reduce((s, x, j) => s + x * v[j], 0));
      const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0)) || 1;
      lambda = norm;
      v = w.map((x) => x / norm);
    }
    coords.push(v.map((x) => x * Math.sqrt(Math.max(lambda, 0))));
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) deflated[i][j] -= lambda * v[i] * v[j];
  }
  return Array.from({ length: K }, (_, k) => [coords[0][k], coords[1][k]]);
}

/**
 * pyLDAvis's relevance of a word to a topic: λ·log p(w|k) + (1 − λ)·log(p(w|k) / p(w)).
 * Returns, for one topic, every word that is among the `n` most relevant at some
 * λ = 0, 0.01, …, 1 (the slider's positions), so the page ranks exactly.
 */
export function relevanceCandidates(pwk: ArrayLike<number>, pw: ArrayLike<number>, n = REPORT_BAR_WORDS): number[] {
  const V = pwk.length;
  const logp = new Float64Array(V);
  const loglift = new Float64Array(V);
  const usable: number[] = [];
  for (let v = 0; v < V; v++) {
    if (!(pwk[v] > 0) || !(pw[v] > 0)) continue;
    logp[v] = Math.log(pwk[v]);
    loglift[v] = Math.log(pwk[v] / pw[v]);
    usable.push(v);
  }
  const chosen = new Set<number>();
  const best: number[] = [];
  const score: number[] = [];
  for (let s = 0; s <= LAMBDA_STEPS; s++) {
    const lambda = s / LAMBDA_STEPS;
    best.length = 0;
    score.length = 0;
    for (const v of usable) {
      const r = lambda * logp[v] + (1 - lambda) * loglift[v];
      if (best.length === n && r <= score[n - 1]) continue;
      if (best.length < n) {
        best.push(v);
        score.push(r);
      }
      // insertion into the descending list
      let i = best.length - 1;
      while (i > 0 && score[i - 1] < r) {
        best[i] = best[i - 1];
        score[i] = score[i - 1];
        i--;
      }
      best[i] = v;
      score[i] = r;
    }
    for (const v of best) chosen.add(v);
  }
  return [...chosen];
}

/** For each topic of `student`, the closest topic of `teacher` by Jensen–Shannon distance. */
export function alignTopics(student: Float32Matrix, teacher: Float32Matrix): { topic: number; distance: number }[] {
  const t = rowsOf(teacher);
  return rowsOf(student).map((s) => {
    let topic = 0;
    let distance = Infinity;
    t.forEach((row, j) => {
      const d = jsDistance(s, row);
      if (d < distance) {
        distance = d;
        topic = j;
      }
    });
    return { topic, distance };
  });
}

export interface ReportModelInput extends ReportModelIdentity {
  vocabulary: readonly string[];
  /** p(word | topic), K × V. */
  topicWord: Float32Matrix;
  evaluation: Evaluation;
  /** θ of the corpus documents (rows aligned with `texts`); topic shares and representative documents come from it. */
  theta?: Float32Matrix;
  texts?: readonly string[];
  /** Keys of `texts` in the document table (default: their row index). */
  textKeys?: readonly string[];
  /** Word counts of the corpus over the vocabulary: p(word) for the relevance ranking. */
  termFrequency: ArrayLike<number>;
  documents: ReportDocuments;
  /** Align this model's topics with another's (the teacher's). */
  alignWith?: { id: string; topicWord: Float32Matrix };
}

/** Everything the page shows of one model, as JSON. */
export function reportModelData(input: ReportModelInput): ReportModelData {
  const { topicWord: tw, vocabulary, theta, evaluation: ev } = input;
  const K = tw.rows;
  const V = tw.cols;
  let total = 0;
  for (let v = 0; v < V; v++) total += input.termFrequency[v];
  const pw = Float64Array.from({ length: V }, (_, v) => input.termFrequency[v] / (total || 1));
  const wordIndex = new Map<number, number>();
  const words: string[] = [];
  const pwOut: number[] = [];
  const local = (v: number) => {
    let i = wordIndex.get(v);
    if (i === undefined) {
      i = words.length;
      wordIndex.set(v, i);
      words.push(vocabulary[v]);
      pwOut.push(pw[v]);
    }
    return i;
  };
  const share = new Array<number>(K).fill(1 / K);
  if (theta && theta.rows > 0) {
    share.fill(0);
    for (let i = 0; i < theta.rows; i++) for (let k = 0; k < K; k++) share[k] += theta.data[i * K + k] / theta.rows;
  }
  const aligned = input.alignWith ? alignTopics(tw, input.alignWith.topicWord) : undefined;
  const rows = rowsOf(tw);
  const topics: ReportTopic[] = rows.map((pwk, k) => {
    const byProb = Array.from({ length: V }, (_, v) => v).sort((a, b) => pwk[b] - pwk[a]);
    const cands = new Set([...relevanceCandidates(pwk, pw), ...byProb.slice(0, REPORT_BAR_WORDS)]);
    const docs: [number, number][] = [];
    if (theta && input.texts) {
      const order = Array.from({ length: theta.rows }, (_, i) => i).sort((a, b) => theta.data[b * K + k] - theta.data[a * K + k]);
      for (const i of order.slice(0, REPRESENTATIVE_DOCS)) docs.push([input.documents.add(input.textKeys?.[i] ?? String(i), input.texts[i]), round(theta.data[i * K + k])]);
    }
    return {
      share: round(share[k]),
      npmi: ev.npmiPerTopic[k] ?? null,
      cv: ev.cvPerTopic[k] ?? null,
      top: byProb.slice(0, 10).map((v) => vocabulary[v]),
      terms: [...cands].map((v) => [local(v), round(pwk[v])] as [number, number]),
      docs,
      ...(aligned ? { aligned: { topic: aligned[k].topic, distance: round(aligned[k].distance) } } : {}),
    };
  });
  return {
    id: input.id,
    group: input.group,
    role: input.role,
    label: input.label,
    kind: input.kind,
    params: input.params,
    K,
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    metrics: { npmi: ev.npmi, cv: ev.cv, td: ev.td },
    map: intertopicMap(tw).map(([x, y]) => [round(x), round(y)]),
    words,
    pw: pwOut.map(round),
    topics,
    ...(input.alignWith ? { alignedWith: input.alignWith.id } : {}),
  };
}

/** Six significant digits: enough for the page, a third of the bytes. */
function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : 0;
}

/** Joins the report data of parallel runs (one per K) into one report. */
export function mergeReportData(title: string, parts: ReportData[]): ReportData {
  const documents: string[] = [];
  const index = new Map<string, number>();
  const models: ReportModelData[] = [];
  for (const p of parts) {
    const remap = p.documents.map((t) => {
      let i = index.get(t);
      if (i === undefined) {
        i = documents.length;
        documents.push(t);
        index.set(t, i);
      }
      return i;
    });
    for (const m of p.models) models.push({ ...m, topics: m.topics.map((t) => ({ ...t, docs: t.docs.map(([d, w]) => [remap[d], w] as [number, number]) })) });
  }
  return { title, corpus: parts[0]?.corpus ?? '', documents, models };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The summary table: every model, or mean ± std per K and role when there are several seeds. */
function summaryTable(models: ReportModelData[]): string {
  const keyOf = (m: ReportModelData) => `${m.K}\u0000${m.role}`;
  const keys = [...new Set(models.map(keyOf))];
  const rows = keys.map((key) => {
    const ms = models.filter((m) => keyOf(m) === key);
    const m = ms[0];
    const seeds = ms.length;
    return `<tr><td>${m.K}</td><td>${esc(m.role)}</td><td>${esc(m.kind)}</td><td class="num">${m.params.toLocaleString('en-US')}</td><td class="num">${seeds}</td><td class="num">${formatMeanStd(ms.map((x) => x.metrics.npmi), 4)}</td><td class="num">${formatMeanStd(ms.map((x) => x.metrics.cv), 4)}</td><td class="num">${formatMeanStd(ms.map((x) => x.metrics.td), 3)}</td></tr>`;
  });
  return `<table id="summary"><thead><tr><th>K</th><th>role</th><th>model</th><th>parameters</th><th>runs</th><th>NPMI</th><th>C_V</th><th>TD</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * One self-contained HTML file: inline style, data and script; no external resources.
 * `extra` adds sections after the models (topics over time, the K search), with their style.
 */
export function renderReport(data: ReportData, extra: { sections: string[]; style: string } = { sections: [], style: '' }): string {
  // JSON inside <script>: escape "<" so no text can close the element
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.title)}</title>
<style>${REPORT_STYLE}${extra.style}</style></head><body>
<h1>${esc(data.title)}</h1>
<p class="lead">Reference corpus: ${esc(data.corpus)}. Coherence: NPMI (window 10) and C_V (window 110) of each topic's top 10 words, computed as gensim 4.2 does; topic diversity (TD) over the top 25 words. Topic share is the mean of θ over the corpus.</p>
<h2>Summary</h2>
${summaryTable(data.models)}
<div id="controls">
<label>Run <select id="group"></select></label>
<label title="λ = 1 ranks words by their probability in the topic; λ = 0 by their lift, p(w|topic) / p(w) (pyLDAvis's relevance)">Relevance λ <input id="lambda" type="range" min="0" max="1" step="0.01" value="1"> <output id="lambda-value">1.00</output></label>
</div>
<div id="models" class="models"></div>
<noscript><p>This report draws its charts with JavaScript; the summary above is all that shows without it.</p></noscript>
<script type="application/json" id="report-data">${json}</script>
<script>${REPORT_SCRIPT}</script>
${extra.sections.join('\n')}
</body></html>
`;
}
