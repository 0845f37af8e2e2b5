import type { Float32Matrix } from '@topickd/core';

export interface ReportModel {
  role: string;
  kind: string;
  params: number;
  topics: string[][];
  /** p(word | topic) of each shown word. */
  weights: number[][];
  npmiPerTopic: number[];
  cvPerTopic: number[];
  metrics: { npmi: number; cv: number; td: number };
  /** Mean θ over the corpus. */
  prevalence: number[];
  /** Topic-word distributions (K×V), for the intertopic distance map. */
  topicWord: Float32Matrix;
}

export interface ReportInput {
  title: string;
  corpus: string;
  models: ReportModel[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Jensen–Shannon distance between two distributions (natural log). */
function jsDistance(p: Float32Array, q: Float32Array): number {
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) js += 0.5 * p[i] * Math.log(p[i] / m);
    if (q[i] > 0) js += 0.5 * q[i] * Math.log(q[i] / m);
  }
  return Math.sqrt(Math.max(0, js));
}

/**
 * Classical multidimensional scaling (principal coordinates) of the topics' pairwise
 * Jensen–Shannon distances into 2-D, as LDAvis's default intertopic map.
 */
export function intertopicMap(tw: Float32Matrix): [number, number][] {
  const K = tw.rows;
  const rows = Array.from({ length: K }, (_, k) => tw.data.subarray(k * tw.cols, (k + 1) * tw.cols));
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

function mapSvg(m: ReportModel, id: string): string {
  const pts = intertopicMap(m.topicWord);
  const W = 360;
  const pad = 40;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const maxPrev = Math.max(...m.prevalence);
  const circles = pts
    .map(([x, y], k) => {
      const px = W / 2 + ((x - cx) / span) * (W - 2 * pad);
      const py = W / 2 + ((y - cy) / span) * (W - 2 * pad);
      const r = 4 + 22 * Math.sqrt(m.prevalence[k] / maxPrev); // area ∝ prevalence
      return `<g class="topic-circle" data-topic="${k}"><circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="${r.toFixed(1)}"><title>topic ${k}: ${esc(m.topics[k].slice(0, 5).join(' '))} (${(100 * m.prevalence[k]).toFixed(1)}%)</title></circle><text x="${px.toFixed(1)}" y="${(py + 4).toFixed(1)}">${k}</text></g>`;
    })
    .join('');
  return `<svg id="${id}" class="map" viewBox="0 0 ${W} ${W}" width="${W}" height="${W}" role="img" aria-label="intertopic distance map"><line x1="0" y1="${W / 2}" x2="${W}" y2="${W / 2}"/><line x1="${W / 2}" y1="0" x2="${W / 2}" y2="${W}"/>${circles}</svg>`;
}

function modelSection(m: ReportModel, i: number): string {
  const rows = m.topics
    .map(
      (t, k) =>
        `<tr><td>${k}</td><td class="words">${t.map((w, j) => `<span title="p=${m.weights[k][j].toFixed(4)}" style="opacity:${(0.45 + 0.55 * Math.min(1, m.weights[k][j] / m.weights[k][0])).toFixed(2)}">${esc(w)}</span>`).join(' ')}</td><td>${m.npmiPerTopic[k]?.toFixed(3) ?? ''}</td><td>${m.cvPerTopic[k]?.toFixed(3) ?? ''}</td><td>${(100 * m.prevalence[k]).toFixed(1)}%</td></tr>`,
    )
    .join('\n');
  return `<section class="model" data-role="${esc(m.role)}">
<h2>${esc(m.role)} <small>${esc(m.kind)} · ${m.params.toLocaleString('en-US')} parameters</small></h2>
<p class="metrics">NPMI <b>${m.metrics.npmi.toFixed(4)}</b> · C_V <b>${m.metrics.cv.toFixed(4)}</b> · topic diversity <b>${m.metrics.td.toFixed(3)}</b></p>
<h3>Intertopic distance map</h3>
${mapSvg(m, `map-${i}`)}
<p class="note">Topics placed by classical MDS of the Jensen–Shannon distances between their word distributions; circle area is the topic's share of the corpus.</p>
<h3>Topics</h3>
<table><thead><tr><th>#</th><th>top words (darker = more probable)</th><th>NPMI</th><th>C_V</th><th>share</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

/** One self-contained HTML file: no scripts, no external resources. */
export function renderReport(input: ReportInput): string {
  const summary = input.models
    .map((m) => `<tr><td>${esc(m.role)}</td><td>${esc(m.kind)}</td><td>${m.params.toLocaleString('en-US')}</td><td>${m.metrics.npmi.toFixed(4)}</td><td>${m.metrics.cv.toFixed(4)}</td><td>${m.metrics.td.toFixed(3)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px} h2{font-size:18px;margin-top:4px} h2 small{font-weight:normal;color:#666}
.models{display:flex;gap:24px;flex-wrap:wrap} .model{flex:1 1 480px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top} td.words span{margin-right:4px}
.map{background:#fff;border:1px solid #eee} .map line{stroke:#ddd} .map circle{fill:#4a7fb5;fill-opacity:.45;stroke:#27527f}
.map text{font-size:10px;text-anchor:middle;fill:#123} .metrics b{color:#27527f} .note{color:#666;font-size:12px}
</style></head><body>
<h1>${esc(input.title)}</h1>
<p>Reference corpus: ${esc(input.corpus)}. Coherence: NPMI (window 10) and C_V (window 110) on the top 10 words, computed as gensim 4.2 does; topic diversity over the top 25 words.</p>
<table id="summary"><thead><tr><th>model</th><th>kind</th><th>parameters</th><th>NPMI</th><th>C_V</th><th>TD</th></tr></thead><tbody>${summary}</tbody></table>
<div class="models">
${input.models.map(modelSection).join('\n')}
</div>
</body></html>
`;
}
