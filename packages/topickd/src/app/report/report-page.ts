/**
 * The report page's inline style and script (report.ts embeds them). The script reads
 * the JSON block `#report-data` and builds the page with DOM calls and textContent only:
 * corpus text never becomes markup.
 */

export const REPORT_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px} h2{font-size:18px;margin:4px 0} h2 small{font-weight:normal;color:#666} h3{font-size:15px;margin:10px 0 4px}
.lead{color:#444;max-width:70em}
table{border-collapse:collapse} td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top} td.num{text-align:right;font-variant-numeric:tabular-nums}
#summary{margin-bottom:12px;background:#fff}
#controls{display:flex;gap:28px;align-items:center;margin:12px 0;padding:8px 12px;background:#fff;border:1px solid #ddd;border-radius:6px}
#lambda{width:220px;vertical-align:middle}
.models{display:flex;gap:20px;flex-wrap:wrap}
.model{flex:1 1 520px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;min-width:0}
.metrics b{color:#27527f}
.top{display:flex;gap:16px;flex-wrap:wrap}
.map{background:#fff;border:1px solid #eee;flex:none} .map line{stroke:#ccc} .map .axis-label{font-size:11px;fill:#666}
.map circle{fill:#4a7fb5;fill-opacity:.4;stroke:#27527f;cursor:pointer} .map .selected circle{fill:#d9534f;fill-opacity:.6;stroke:#8b1e1b}
.map text.topic-label{font-size:10px;text-anchor:middle;fill:#123;pointer-events:none}
.topic-detail{flex:1 1 240px;min-width:220px}
.bar-row{display:grid;grid-template-columns:8em 1fr;gap:6px;align-items:center;margin:1px 0;font-size:12px}
.bar-row .word{text-align:right;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar-track{position:relative;height:13px}
.bar-overall{position:absolute;left:0;top:0;height:13px;background:#d7dde4}
.bar-topic{position:absolute;left:0;top:3px;height:7px;background:#d9534f}
.legend{font-size:11px;color:#666} .legend i{display:inline-block;width:10px;height:8px;margin:0 3px 0 8px}
.rep-doc{font-size:12px;color:#333;margin:2px 0}
.rep-doc .w{color:#888}
.aligned{font-size:12px;color:#444;margin:4px 0}
.topics tbody tr{cursor:pointer} .topics tbody tr:hover{background:#f3f6fa} .topics tr.selected{background:#fde8e7}
.topics td.words{max-width:34em}
.note{color:#666;font-size:12px}
`;

export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var BARS = 12;
  var groups = [];
  data.models.forEach(function (m) { if (groups.indexOf(m.group) < 0) groups.push(m.group); });
  var byId = {};
  data.models.forEach(function (m) { byId[m.id] = m; });
  var selected = {};
  var lambda = 1;
  var SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(x, d) { return x === null || x === undefined ? '' : Number(x).toFixed(d); }

  /** pyLDAvis's relevance ranking of a topic's candidate words at the current λ. */
  function ranked(m, t) {
    return t.terms.map(function (tp) {
      var p = tp[1], pw = m.pw[tp[0]];
      return { word: m.words[tp[0]], p: p, pw: pw, r: lambda * Math.log(p) + (1 - lambda) * Math.log(p / pw) };
    }).sort(function (a, b) { return b.r - a.r || b.p - a.p; }).slice(0, BARS);
  }

  function drawMap(m, card) {
    var W = 340, pad = 36;
    var s = svg('svg', { 'class': 'map', viewBox: '0 0 ' + W + ' ' + W, width: W, height: W, role: 'img', 'aria-label': 'intertopic distance map' });
    s.appendChild(svg('line', { x1: 0, y1: W / 2, x2: W, y2: W / 2 }));
    s.appendChild(svg('line', { x1: W / 2, y1: 0, x2: W / 2, y2: W }));
    s.appendChild(svg('text', { 'class': 'axis-label', x: W - 4, y: W / 2 - 4, 'text-anchor': 'end' }, 'PC1'));
    s.appendChild(svg('text', { 'class': 'axis-label', x: W / 2 + 4, y: 12 }, 'PC2'));
    var xs = m.map.map(function (p) { return p[0]; }), ys = m.map.map(function (p) { return p[1]; });
    var span = Math.max(Math.max.apply(null, xs) - Math.min.apply(null, xs), Math.max.apply(null, ys) - Math.min.apply(null, ys)) || 1;
    var cx = (Math.max.apply(null, xs) + Math.min.apply(null, xs)) / 2, cy = (Math.max.apply(null, ys) + Math.min.apply(null, ys)) / 2;
    var maxShare = Math.max.apply(null, m.topics.map(function (t) { return t.share; })) || 1;
    // largest circles first, so that smaller ones lie on top and stay clickable
    var order = m.map.map(function (p, k) { return k; }).sort(function (a, b) { return m.topics[b].share - m.topics[a].share; });
    order.forEach(function (k) {
      var p = m.map[k];
      var px = W / 2 + ((p[0] - cx) / span) * (W - 2 * pad), py = W / 2 - ((p[1] - cy) / span) * (W - 2 * pad);
      var g = svg('g', { 'class': 'topic-circle', 'data-topic': k });
      var r = 4 + 16 * Math.sqrt(m.topics[k].share / maxShare);
      var c = svg('circle', { cx: px.toFixed(1), cy: py.toFixed(1), r: r.toFixed(1) });
      c.appendChild(svg('title', null, 'topic ' + k + (m.topics[k].label ? ' [' + m.topics[k].label + ']' : '') + ': ' + m.topics[k].top.slice(0, 5).join(' ') + ' (' + (100 * m.topics[k].share).toFixed(1) + '% of the corpus)'));
      g.appendChild(c);
      g.appendChild(svg('text', { 'class': 'topic-label', x: px.toFixed(1), y: (py + 3.5).toFixed(1) }, String(k)));
      g.addEventListener('click', function () { select(m, card, k); });
      s.appendChild(g);
    });
    return s;
  }

  function drawDetail(m, card) {
    var box = card.querySelector('.topic-detail');
    box.textContent = '';
    var k = selected[m.id];
    var t = m.topics[k];
    box.appendChild(el('h3', null, 'Topic ' + k + (t.label ? ' — ' + t.label : '')));
    if (t.merged) box.appendChild(el('div', { 'class': 'topic-stats merged' }, t.merged.length > 1 ? 'merged from the parent model’s topics ' + t.merged.join(' + ') : 'the parent model’s topic ' + t.merged[0] + ' (not merged)'));
    box.appendChild(el('div', { 'class': 'topic-stats' }, (100 * t.share).toFixed(1) + '% of the corpus · NPMI ' + fmt(t.npmi, 3) + ' · C_V ' + fmt(t.cv, 3)));
    var legend = el('div', { 'class': 'legend' });
    legend.appendChild(el('i', { style: 'background:#d9534f' })); legend.appendChild(document.createTextNode('p(word | topic)'));
    legend.appendChild(el('i', { style: 'background:#d7dde4' })); legend.appendChild(document.createTextNode('p(word) in the corpus'));
    box.appendChild(legend);
    var rows = ranked(m, t);
    var scale = Math.max.apply(null, rows.map(function (r) { return Math.max(r.p, r.pw); })) || 1;
    var bars = el('div', { 'class': 'bars' });
    rows.forEach(function (r) {
      var row = el('div', { 'class': 'bar-row', 'data-word': r.word, title: r.word + ': p(w|topic) ' + r.p.toPrecision(3) + ', p(w) ' + r.pw.toPrecision(3) + ', lift ' + (r.p / r.pw).toFixed(1) });
      row.appendChild(el('span', { 'class': 'word' }, r.word));
      var track = el('div', { 'class': 'bar-track' });
      track.appendChild(el('div', { 'class': 'bar-overall', style: 'width:' + (100 * r.pw / scale).toFixed(1) + '%' }));
      track.appendChild(el('div', { 'class': 'bar-topic', style: 'width:' + (100 * r.p / scale).toFixed(1) + '%' }));
      row.appendChild(track);
      bars.appendChild(row);
    });
    box.appendChild(bars);
    if (t.aligned && m.alignedWith && byId[m.alignedWith]) {
      var teacher = byId[m.alignedWith];
      box.appendChild(el('div', { 'class': 'aligned' }, 'Closest ' + teacher.role + ' topic: ' + t.aligned.topic + ' (Jensen–Shannon distance ' + t.aligned.distance.toFixed(3) + '): ' + teacher.topics[t.aligned.topic].top.slice(0, 8).join(' ')));
    }
    if (t.docs.length) {
      box.appendChild(el('h3', null, 'Most representative documents'));
      var ol = el('ol');
      t.docs.forEach(function (d) {
        var li = el('li', { 'class': 'rep-doc' });
        li.appendChild(el('span', { 'class': 'w' }, 'θ=' + d[1].toFixed(2) + ' '));
        li.appendChild(document.createTextNode(data.documents[d[0]]));
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
  }

  function select(m, card, k) {
    selected[m.id] = k;
    card.querySelectorAll('.topic-circle').forEach(function (g) { g.classList.toggle('selected', Number(g.getAttribute('data-topic')) === k); });
    card.querySelectorAll('.topics tbody tr').forEach(function (tr) { tr.classList.toggle('selected', Number(tr.getAttribute('data-topic')) === k); });
    drawDetail(m, card);
  }

  function drawModel(m) {
    var card = el('section', { 'class': 'model', 'data-role': m.role, 'data-id': m.id });
    var h = el('h2', null, m.label + ' ');
    h.appendChild(el('small', null, m.kind + ' · ' + m.params.toLocaleString('en-US') + ' parameters · K=' + m.K + (m.seed !== undefined ? ' · seed ' + m.seed : '')));
    card.appendChild(h);
    var metrics = el('p', { 'class': 'metrics' });
    [['NPMI', fmt(m.metrics.npmi, 4)], ['C_V', fmt(m.metrics.cv, 4)], ['topic diversity', fmt(m.metrics.td, 3)]].forEach(function (x, i) {
      if (i) metrics.appendChild(document.createTextNode(' · '));
      metrics.appendChild(document.createTextNode(x[0] + ' '));
      metrics.appendChild(el('b', null, x[1]));
    });
    card.appendChild(metrics);
    var top = el('div', { 'class': 'top' });
    var mapBox = el('div');
    mapBox.appendChild(el('h3', null, 'Intertopic distance map'));
    mapBox.appendChild(drawMap(m, card));
    mapBox.appendChild(el('p', { 'class': 'note' }, 'Classical MDS of the Jensen–Shannon distances between topics; area = share of the corpus. Click a topic.'));
    top.appendChild(mapBox);
    top.appendChild(el('div', { 'class': 'topic-detail' }));
    card.appendChild(top);
    card.appendChild(el('h3', null, 'Topics'));
    var table = el('table', { 'class': 'topics' });
    var head = el('tr');
    var labelled = m.topics.some(function (t) { return t.label; });
    var cols = labelled ? ['#', 'label', 'top words', 'share', 'NPMI', 'C_V'] : ['#', 'top words', 'share', 'NPMI', 'C_V'];
    var reduced = m.topics.some(function (t) { return t.merged; });
    if (reduced) cols.splice(1, 0, 'merged from');
    if (m.alignedWith) cols.push('closest teacher topic');
    cols.forEach(function (c) { head.appendChild(el('th', null, c)); });
    var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
    var tbody = el('tbody');
    m.topics.forEach(function (t, k) {
      var tr = el('tr', { 'data-topic': k });
      tr.appendChild(el('td', null, String(k)));
      if (reduced) tr.appendChild(el('td', { 'class': 'merged' }, t.merged ? t.merged.join(' + ') : ''));
      if (labelled) tr.appendChild(el('td', { 'class': 'label' }, t.label || ''));
      tr.appendChild(el('td', { 'class': 'words' }, t.top.join(' ')));
      tr.appendChild(el('td', { 'class': 'num' }, (100 * t.share).toFixed(1) + '%'));
      tr.appendChild(el('td', { 'class': 'num' }, fmt(t.npmi, 3)));
      tr.appendChild(el('td', { 'class': 'num' }, fmt(t.cv, 3)));
      if (m.alignedWith) tr.appendChild(el('td', null, t.aligned ? t.aligned.topic + ' (' + t.aligned.distance.toFixed(2) + ')' : ''));
      tr.addEventListener('click', function () { select(m, card, k); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    card.appendChild(table);
    var first = 0;
    m.topics.forEach(function (t, k) { if (t.share > m.topics[first].share) first = k; });
    select(m, card, selected[m.id] !== undefined ? selected[m.id] : first);
    return card;
  }

  function showGroup(g) {
    var box = document.getElementById('models');
    box.textContent = '';
    data.models.filter(function (m) { return m.group === g; }).forEach(function (m) { box.appendChild(drawModel(m)); });
  }

  var sel = document.getElementById('group');
  groups.forEach(function (g) { sel.appendChild(el('option', { value: g }, g)); });
  sel.addEventListener('change', function () { showGroup(sel.value); });
  if (groups.length < 2) sel.parentNode.style.display = 'none';
  var slider = document.getElementById('lambda');
  slider.addEventListener('input', function () {
    lambda = Number(slider.value);
    document.getElementById('lambda-value').textContent = lambda.toFixed(2);
    document.querySelectorAll('section.model').forEach(function (card) { drawDetail(byId[card.getAttribute('data-id')], card); });
  });
  showGroup(groups[0]);
})();
`;
