import { ConfigError } from '@topickd/core';
import { loadCorpus, writeFileAtomic } from '@topickd/core/node';
import { resolve } from 'node:path';
import { defineCommand } from '../command.js';
import { documentGrouping, groupingValues, renderTopicsOverTimePage, resolveDataPath } from 'topickd/app';
import { topicKDOf } from '../api-of.js';

export const topicsOverTimeCommand = defineCommand({
  name: 'topics-over-time',
  summary: "each topic's share of the documents per time bin (or per class), with its words in each bin (c-TF-IDF)",
  example: 'topickd topics-over-time --model runs/changelogs-k20 --data datasets/debian-changelogs/changelogs.jsonl --time-field date --bins year --out runs/over-time.html',
  ownFlags: ['model'],
  flags: {
    model: { required: true, path: 'input', type: 'string', arg: 'DIR', description: 'a trained model folder (required)' },
    data: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'the documents: a .jsonl file with a time field, or (--by-class) an OCTIS folder/.tsv or .jsonl with labels (required)' },
    'time-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding each document\'s time (ISO date or seconds/milliseconds since 1970)' },
    bins: { type: 'string', arg: 'N|month|year', description: 'equal-width time bins (default 10), or calendar months or years' },
    'by-class': { type: 'boolean', description: 'group by the class label (the OCTIS label column, JSONL "label") instead of time' },
    top: { type: 'integer', arg: 'N', description: 'words per topic and bin (default 5)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    samples: { type: 'integer', arg: 'N', description: 'samples of z averaged per document (default 20)' },
    out: { path: 'output', type: 'string', arg: 'FILE.html', description: 'also write the interactive chart (click a topic: its words per bin)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const { model: dir, data } = flags;
    const path = resolveDataPath(data, cfg.baseDir);
    const grouping = documentGrouping(flags, data, path, true)!;
    const byClass = grouping.byClass;
    const top = flags.top ?? 5;
    if (!Number.isInteger(top) || top < 1 || top > 100) throw new ConfigError(`--top must be an integer from 1 to 100, got ${top}`, 'top');
    const out = cfg.out ? resolve(cfg.baseDir ?? process.cwd(), cfg.out) : undefined;
    const corpus = loadCorpus(path, { textField: cfg.textField });
    // an adapter over the API: tkd.load, model.topicsOverTime
    const tkd = await topicKDOf(cfg, logger, progress);
    const model = await tkd.load(dir);
    try {
      // the values as read (binDocuments refuses a bad one, naming the document)
      const res = await model.topicsOverTime(corpus, groupingValues(grouping, corpus, data, path) as (string | number)[], { bins: grouping.bins, top, samples: cfg.samples, seed: cfg.seed });
      if (out) writeFileAtomic(out, renderTopicsOverTimePage(res, `Topics ${byClass ? 'per class' : 'over time'} — ${model.kind}, K=${res.topics.length}, ${data}`));
      if (json) print(JSON.stringify({ model: dir, kind: model.kind, documents: corpus.documents.length, groupedBy: byClass ? 'class' : grouping.timeField, ...res }));
      else {
        for (let b = 0; b < res.bins.length; b++) {
          const row = res.share[b];
          const best = row.map((v, k) => [v, k] as const).sort((a, c) => c[0] - a[0]).slice(0, 3);
          print(`${res.bins[b].label} (${res.bins[b].documents} docs): ${best.map(([v, k]) => `topic ${k} ${(100 * v).toFixed(1)}% [${res.words[b][k].join(' ')}]`).join('; ')}`);
        }
        if (out) print(`wrote ${out}`);
      }
    } finally {
      model.dispose();
    }
  },
});
