/**
 * The page `topics-over-time --out FILE.html` writes: every topic's share per bin as a line
 * (click a topic in the legend or a line to select it: its line stands out and a table lists
 * its words in each bin). One self-contained HTML file, no external resources.
 */
import type { TopicsOverTime } from './topics-over-time.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** The chart's style (one copy per page, whatever the number of sections). */
export const TOPICS_OVER_TIME_STYLE = '.tot .legend{list-style:none;padding:0;columns:2}.tot .legend li{cursor:pointer;padding:2px 4px}.tot .legend li.selected{background:#fde8e8;font-weight:600}.tot .swatch{display:inline-block;width:10px;height:10px;margin-right:6px}.tot .topic-line{cursor:pointer;opacity:.55}.tot .topic-line.selected{opacity:1;stroke-width:4}.tot table{border-collapse:collapse}.tot td,.tot th{border:1px solid #ccc;padding:3px 8px}.tot td.num{text-align:right}';

/**
 * The chart of one model as a self-contained section (`<section class="tot" id=ID>`, its data
 * and script scoped to it): the page `topics-over-time --out` writes holds one, `report
 * --time-field` one per model.
 */
export function topicsOverTimeSection(r: TopicsOverTime, id: string, heading: string): string {
  const W = 900;
  const H = 360;
  const m = { l: 56, r: 16, t: 16, b: 70 };
  const B = r.bins.length;
  const K = r.topics.length;
  const hi = Math.max(1e-9, ...r.share.flat());
  const x = (b: number) => m.l + (B === 1 ? (W - m.l - m.r) / 2 : (b / (B - 1)) * (W - m.l - m.r));
  const y = (v: number) => H - m.b - (v / hi) * (H - m.t - m.b);
  const svg: string[] = [`<svg class="share-chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="topic share per bin">`];
  svg.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="#fafafa" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) svg.push(`<text x="${m.l - 5}" y="${(y((hi * i) / 4) + 3).toFixed(1)}" text-anchor="end" font-size="10">${((hi * i) / 4).toFixed(3)}</text>`);
  const every = Math.max(1, Math.ceil(B / 16));
  r.bins.forEach((bin, b) => {
    if (b % every === 0) svg.push(`<text transform="translate(${x(b).toFixed(1)} ${H - m.b + 12}) rotate(35)" font-size="10">${esc(bin.label)}</text>`);
  });
  for (let k = 0; k < K; k++) {
    const pts = r.share.map((row, b) => `${x(b).toFixed(1)},${y(row[k]).toFixed(1)}`).join(' ');
    svg.push(`<polyline class="topic-line" data-topic="${k}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="1.5" points="${pts}"><title>topic ${k}: ${esc(r.topics[k].slice(0, 5).join(' '))}</title></polyline>`);
  }
  svg.push('</svg>');
  const legend = r.topics.map((w, k) => `<li data-topic="${k}"><span class="swatch" style="background:${PALETTE[k % PALETTE.length]}"></span>${k}: ${esc(w.slice(0, 6).join(' '))}</li>`).join('');
  const data = JSON.stringify({ bins: r.bins.map((b) => b.label), documents: r.bins.map((b) => b.documents), share: r.share, words: r.words }).replace(/</g, '\\u003c');
  return `<section class="tot" id="${esc(id)}">
<h2>${esc(heading)}</h2>
<p>Each line is a topic's share of a bin's documents (the mean θ); ${r.skipped} document(s) had no time, class or known word and are left out. Click a topic.</p>
${svg.join('')}
<ul class="legend">${legend}</ul>
<h3 class="detail-title">Select a topic</h3>
<table class="detail"><thead><tr><th>bin</th><th>documents</th><th>share</th><th>words in this bin (c-TF-IDF)</th></tr></thead><tbody></tbody></table>
<script>
(function () {
  const root = document.getElementById(${JSON.stringify(id)});
  const D = ${data};
  function select(k) {
    root.querySelectorAll('.topic-line, .legend li').forEach((e) => e.classList.toggle('selected', e.dataset.topic === String(k)));
    root.querySelector('.detail-title').textContent = 'Topic ' + k;
    const body = root.querySelector('.detail tbody');
    body.textContent = '';
    D.bins.forEach((label, b) => {
      const tr = document.createElement('tr');
      for (const [v, num] of [[label, false], [String(D.documents[b]), true], [D.share[b][k].toFixed(4), true], [D.words[b][k].join(' '), false]]) {
        const td = document.createElement('td');
        td.textContent = v;
        if (num) td.className = 'num';
        tr.appendChild(td);
      }
      body.appendChild(tr);
    });
  }
  root.querySelectorAll('.topic-line, .legend li').forEach((e) => e.addEventListener('click', () => select(Number(e.dataset.topic))));
})();
</script>
</section>`;
}

export function renderTopicsOverTimePage(r: TopicsOverTime, title: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}${TOPICS_OVER_TIME_STYLE}</style></head><body>
<h1>${esc(title)}</h1>
${topicsOverTimeSection(r, 'topics-over-time', 'Topic share per bin')}
</body></html>
`;
}
