/**
 * The page `topickd tune` writes beside tune.json: the trials on the (α, T) plane, coloured by
 * NPMI and sized by rung, the best point ringed; the rungs; the reference runs. One
 * self-contained HTML file (inline SVG, no script, no external resources).
 */
import type { TuneResults } from './tune-search.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '–');

/** Viridis-like ramp from low (purple) to high (yellow). */
function colour(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const u = x - i;
  const c = stops[i].map((v, j) => Math.round(v + u * (stops[i + 1][j] - v)));
  return `rgb(${c.join(',')})`;
}

/** The scatter plot of the trials (mean NPMI over seeds per candidate and rung). */
export function tunePlot(res: TuneResults): string {
  const W = 560;
  const H = 400;
  const m = { l: 56, r: 20, t: 20, b: 48 };
  const [a0, a1] = res.space.alpha;
  const [t0, t1] = res.space.temperature;
  const x = (a: number) => m.l + ((a - a0) / (a1 - a0 || 1)) * (W - m.l - m.r);
  const y = (t: number) => H - m.b - ((t - t0) / (t1 - t0 || 1)) * (H - m.t - m.b);
  const points = new Map<string, { alpha: number; temperature: number; rung: number; npmi: number[] }>();
  for (const tr of res.trials) {
    const key = `${tr.alpha}|${tr.temperature}|${tr.rung}`;
    const p = points.get(key) ?? { alpha: tr.alpha, temperature: tr.temperature, rung: tr.rung, npmi: [] };
    p.npmi.push(tr.npmi);
    points.set(key, p);
  }
  const ps = [...points.values()].map((p) => ({ ...p, mean: p.npmi.reduce((a, b) => a + b, 0) / p.npmi.length }));
  const lo = Math.min(...ps.map((p) => p.mean));
  const hi = Math.max(...ps.map((p) => p.mean));
  const ticks = (from: number, to: number) => Array.from({ length: 5 }, (_, i) => from + ((to - from) * i) / 4);
  const parts: string[] = [`<svg id="tune-plot" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="trials on the alpha-temperature plane">`];
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="#fafafa" stroke="#999"/>`);
  for (const a of ticks(a0, a1)) parts.push(`<text x="${x(a)}" y="${H - m.b + 16}" text-anchor="middle" font-size="11">${Number(a.toPrecision(3))}</text>`);
  for (const t of ticks(t0, t1)) parts.push(`<text x="${m.l - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${Number(t.toPrecision(3))}</text>`);
  parts.push(`<text x="${(W + m.l - m.r) / 2}" y="${H - 10}" text-anchor="middle" font-size="13">α (weight of the distillation terms)</text>`);
  parts.push(`<text transform="translate(16 ${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle" font-size="13">T (temperature)</text>`);
  for (const p of ps.sort((a, b) => a.rung - b.rung)) {
    const r = 4 + 3 * p.rung;
    parts.push(`<circle class="trial" cx="${x(p.alpha).toFixed(1)}" cy="${y(p.temperature).toFixed(1)}" r="${r}" fill="${colour(hi > lo ? (p.mean - lo) / (hi - lo) : 1)}" stroke="#333" stroke-width="0.5" fill-opacity="0.85"><title>α=${p.alpha} T=${p.temperature} rung ${p.rung + 1}: mean NPMI ${f4(p.mean)}</title></circle>`);
  }
  parts.push(`<circle cx="${x(res.searchBest.alpha).toFixed(1)}" cy="${y(res.searchBest.temperature).toFixed(1)}" r="${8 + 3 * (res.search.rungs.length - 1)}" fill="none" stroke="#d62728" stroke-width="2"><title>the search's best</title></circle>`);
  parts.push(`<text x="${W - m.r - 4}" y="${m.t + 14}" text-anchor="end" font-size="11">colour: mean NPMI ${f4(lo)} … ${f4(hi)}; size: rung</text>`);
  parts.push('</svg>');
  return parts.join('');
}

export function renderTunePage(res: TuneResults): string {
  const rungs = res.search.rungs.map((r, i) => `<tr><td>${i + 1}</td><td class="num">${r.candidates}</td><td class="num">${r.epochs}</td></tr>`).join('');
  const trials = res.trials.map((t) => `<tr><td>${t.rung + 1}</td><td class="num">${t.alpha}</td><td class="num">${t.temperature}</td><td class="num">${t.seed}</td><td class="num">${t.epochs}</td><td class="num">${f4(t.npmi)}</td><td class="num">${f4(t.cv)}</td><td class="num">${f4(t.td)}</td></tr>`).join('');
  const ref = res.reference
    ? `<h2>Reference (seeds ${res.seeds.join(', ')}, ${res.search.rungs.at(-1)!.epochs} epochs)</h2><table id="reference"><thead><tr><th>student</th><th>α</th><th>T</th><th>mean NPMI</th><th>per seed</th></tr></thead><tbody>
<tr><td>the search's best</td><td class="num">${res.searchBest.alpha}</td><td class="num">${res.searchBest.temperature}</td><td class="num">${f4(res.searchBest.npmi)}</td><td>${res.reference.bestPerSeed.map(f4).join(', ')}</td></tr>
<tr><td>defaults</td><td class="num">${res.reference.defaults.alpha}</td><td class="num">${res.reference.defaults.temperature}</td><td class="num">${f4(res.reference.defaults.npmi)}</td><td>${res.reference.defaults.perSeed.map(f4).join(', ')}</td></tr>
<tr><td>alone (no distillation)</td><td></td><td></td><td class="num">${f4(res.reference.alone.npmi)}</td><td>${res.reference.alone.perSeed.map(f4).join(', ')}</td></tr></tbody></table>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TopicKD tune — ${esc(res.dataset)}, K=${res.K}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px}td.num{text-align:right;font-variant-numeric:tabular-nums}</style></head><body>
<h1>α and T for ${esc(res.dataset)}, K=${res.K}</h1>
<p>Best: <b id="best">α=${res.best.alpha}, T=${res.best.temperature}</b>${res.best.from === 'defaults' ? ' (the defaults, which scored higher than the search\'s best at full epochs)' : ''}, mean NPMI ${f4(res.best.npmi)} over seeds ${res.seeds.join(', ')} (student ${esc(res.student.model)} ${res.student.hidden.join('×')}, teacher ${esc(res.teacher)}). Search: ${esc(res.search.method)}, η=${res.search.eta}, ${res.trials.length} trainings in ${(res.seconds / 60).toFixed(1)} min.</p>
${tunePlot(res)}
${ref}
<h2>Rungs</h2><table><thead><tr><th>rung</th><th>candidates</th><th>epochs</th></tr></thead><tbody>${rungs}</tbody></table>
<h2>Trials</h2><table id="trials"><thead><tr><th>rung</th><th>α</th><th>T</th><th>seed</th><th>epochs</th><th>NPMI</th><th>C_V</th><th>TD</th></tr></thead><tbody>${trials}</tbody></table>
</body></html>
`;
}
