/**
 * The page the K search writes beside tune.json: NPMI, C_V and topic diversity against K, each seed a dot and the mean a line, the recommended K marked. One
 * self-contained HTML file (inline SVG, no script, no external resources).
 */
import type { TopicsSearchResults } from './topics-search.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '–');

type Metric = 'npmi' | 'cv' | 'td';
const LABELS: Record<Metric, string> = { npmi: 'NPMI', cv: 'C_V', td: 'topic diversity (TD)' };

/** One metric against K: a dot per seed, the mean as a line, the recommended K as a dashed rule. */
export function topicsCurve(res: TopicsSearchResults, metric: Metric): string {
  const W = 420;
  const H = 260;
  const m = { l: 56, r: 14, t: 24, b: 40 };
  const ks = res.byK.map((p) => p.K);
  const values = res.byK.flatMap((p) => p.seeds.map((s) => s[metric]));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.01, hi + 0.01];
  const pad = (hi - lo) * 0.08;
  [lo, hi] = [lo - pad, hi + pad];
  const k0 = ks[0];
  const k1 = ks.at(-1)!;
  const x = (k: number) => m.l + ((k - k0) / (k1 - k0 || 1)) * (W - m.l - m.r);
  const y = (v: number) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
  const parts = [`<svg class="k-curve" id="k-curve-${metric}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${LABELS[metric]} against the number of topics">`];
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="#fafafa" stroke="#999"/>`);
  parts.push(`<text x="${m.l}" y="${m.t - 8}" font-size="13" font-weight="600">${esc(LABELS[metric])}</text>`);
  for (const k of ks) parts.push(`<text x="${x(k).toFixed(1)}" y="${H - m.b + 15}" text-anchor="middle" font-size="10">${k}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    parts.push(`<text x="${m.l - 5}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end" font-size="10">${v.toFixed(3)}</text>`);
  }
  parts.push(`<text x="${(W + m.l - m.r) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">K (number of topics)</text>`);
  const rec = x(res.recommendedK);
  parts.push(`<line x1="${rec.toFixed(1)}" x2="${rec.toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#d62728" stroke-dasharray="4 3"><title>recommended K = ${res.recommendedK}</title></line>`);
  parts.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${res.byK.map((p) => `${x(p.K).toFixed(1)},${y(p[metric]).toFixed(1)}`).join(' ')}"/>`);
  for (const p of res.byK) {
    for (const s of p.seeds) parts.push(`<circle class="seed" cx="${x(p.K).toFixed(1)}" cy="${y(s[metric]).toFixed(1)}" r="3" fill="#1f77b4" fill-opacity="0.45"><title>K=${p.K} seed ${s.seed}: ${f4(s[metric])}</title></circle>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The K search as a section: the recommendation, a curve per metric (every seed a dot), the table by K. */
export function topicsSearchSection(res: TopicsSearchResults, heading = `Choosing K for ${res.dataset}`): string {
  const rows = res.byK
    .map((p) => `<tr${p.K === res.recommendedK ? ' class="recommended"' : ''}><td class="num">${p.K}</td><td class="num">${f4(p.npmi)}</td><td class="num">${f4(p.cv)}</td><td class="num">${f4(p.td)}</td><td class="num">${f4(p.npmiSe)}</td><td>${p.seeds.map((s) => f4(s.npmi)).join(', ')}</td></tr>`)
    .join('');
  return `<section class="k-search">
<h2>${esc(heading)}</h2>
<p>Recommended: <b id="recommended-k">K = ${res.recommendedK}</b> — ${esc(res.rule)}. Model ${esc(res.model)}${res.hidden ? ` (hidden ${res.hidden.join('×')})` : ''}, ${res.epochs} epochs, seeds ${res.seeds.join(', ')}; ${res.runs.length} trainings in ${(res.seconds / 60).toFixed(1)} min.</p>
<div class="curves">${(['npmi', 'cv', 'td'] as const).map((m) => topicsCurve(res, m)).join('')}</div>
<h3>By K (means over the seeds)</h3>
<table id="by-k"><thead><tr><th>K</th><th>NPMI</th><th>C_V</th><th>TD</th><th>s.e. of NPMI</th><th>NPMI per seed</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

/** The section's style. */
export const TOPICS_SEARCH_STYLE = '.k-search table{border-collapse:collapse;margin:8px 0 20px}.k-search td,.k-search th{border:1px solid #ccc;padding:3px 8px}.k-search td.num{text-align:right;font-variant-numeric:tabular-nums}.k-search tr.recommended{background:#fde8e8;font-weight:600}.k-search .curves{display:flex;flex-wrap:wrap;gap:12px}';

export function renderTopicsSearchPage(res: TopicsSearchResults): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TopicKD — choosing K for ${esc(res.dataset)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}${TOPICS_SEARCH_STYLE}</style></head><body>
<h1>Choosing K for ${esc(res.dataset)}</h1>
${topicsSearchSection(res, 'Curves')}
</body></html>
`;
}
