import { defineCommand } from '../command.js';
import { topicKDOf } from '../api-of.js';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'write a self-contained interactive HTML report: topics, relevance, representative documents, intertopic map; teacher vs students',
  example: 'topickd report --model runs/student,runs/student-alone --teacher runs/teacher --corpus m10 --out report.html',
  ownFlags: ['model', 'teacher'],
  flags: {
    model: { required: true, path: 'input', type: 'list', arg: 'DIR,DIR', description: 'model folder(s); each student is aligned with the teacher (required)' },
    teacher: { path: 'input', type: 'string', arg: 'DIR', description: 'teacher model folder, shown first' },
    corpus: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'the training corpus (reference for coherence, topic shares, representative documents) (required)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    out: { required: true, path: 'output', type: 'string', arg: 'FILE.html', description: 'report file (required)' },
    labels: { type: 'boolean', description: "label each topic with a 1–3-word phrase of --corpus (as topics --labels) and show it in the report; --json adds each model's labels" },
    encoder: { type: 'string', arg: 'NAME', description: "the corpus's embeddings for models trained on precomputed ones (precomputed:FILE.npy, a row per corpus document); default: each model's own encoder" },
    'time-field': { type: 'string', arg: 'NAME', description: "add each model's topics over time: the .jsonl corpus's field holding each document's time (as topics-over-time)" },
    bins: { type: 'string', arg: 'N|month|year', description: 'with --time-field: equal-width time bins (default 10), or calendar months or years' },
    'by-class': { type: 'boolean', description: "add each model's topics per class (the corpus's labels) instead of over time" },
    'k-search': { path: 'input', type: 'string', arg: 'DIR', description: 'add the curves of a K search: the folder `tune --topics` wrote (its tune.json)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    // an adapter over the API: flags → tkd.report
    const tkd = await topicKDOf(cfg, logger, progress);
    const res = await tkd.report({ models: flags.model, teacher: flags.teacher, corpus: flags.corpus, out: flags.out, labels: flags.labels, encoder: cfg.encoder, timeField: flags.timeField, bins: flags.bins, byClass: flags.byClass, kSearch: flags.kSearch });
    if (json) print(JSON.stringify(res));
    else {
      for (const m of res.models) print(`${m.name.padEnd(16)} ${m.kind.padEnd(9)} ${m.params.toLocaleString('en-US').padStart(11)} parameters  NPMI ${m.npmi.toFixed(4)}  C_V ${m.cv.toFixed(4)}  TD ${m.td.toFixed(3)}`);
      print(`report written to ${res.out}`);
    }
  },
});
