import type { ThetaBlock } from 'topickd/app';
import { QUANTIZE_FLAG, QUEUE_TIMEOUT_FLAG, defineCommand } from '../command.js';
import { topicKDOf } from '../api-of.js';

export const inferCommand = defineCommand({
  name: 'infer',
  summary: 'topic proportions θ of new documents with a trained model',
  example: 'topickd infer --model runs/m10-student --input my-titles.txt --json',
  ownFlags: ['model'],
  flags: {
    model: { required: true, path: 'input', type: 'string', arg: 'DIR', description: 'a trained model folder (required)' },
    input: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'documents: .txt (one per line), .jsonl, or an OCTIS folder (required)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    encoder: { type: 'string', arg: 'NAME', description: "override the model's encoder (e.g. precomputed:FILE.npy for the input)" },
    quantize: QUANTIZE_FLAG,
    samples: { type: 'integer', arg: 'N', description: 'samples of z averaged per document (default 20)' },
    seed: { type: 'integer', arg: 'S', description: 'sampling seed (default 0)' },
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT: infer as jobs run by `topickd worker` processes (same θ); the model, input and --cache-dir must be in a folder every worker shares' },
    'queue-timeout': QUEUE_TIMEOUT_FLAG,
    'shard-size': { type: 'integer', arg: 'N', description: 'documents per block, a multiple of 512: one job each with --queue; without, a .txt or .jsonl input is read, embedded and inferred one block at a time (default 1024)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const { model: dir, input } = flags;
    // an adapter over the API: tkd.load, tkd.infer (blocks printed as they come, or one JSON document)
    const tkd = await topicKDOf(cfg, logger, progress);
    const model = await tkd.load(dir);
    try {
      const printRows = ({ theta }: ThetaBlock) => {
        const K = theta.cols;
        for (let i = 0; i < theta.rows; i++) print(Array.from(theta.data.subarray(i * K, (i + 1) * K), (v) => v.toFixed(4)).join('\t'));
      };
      const r = await tkd.infer(model, input, { samples: cfg.samples, seed: cfg.seed, shardSize: flags.shardSize, textField: cfg.textField, queue: flags.queue, queueTimeout: cfg.queueTimeout, onBlock: json ? undefined : printRows });
      if (json) {
        const theta = r.theta!;
        const rows: number[][] = [];
        for (let i = 0; i < theta.rows; i++) rows.push(Array.from(theta.data.subarray(i * theta.cols, (i + 1) * theta.cols)));
        print(JSON.stringify({ model: model.kind, topics: r.topics, documents: theta.rows, theta: rows, topicWords: model.topics(10), ...(r.threads !== undefined ? { threads: r.threads } : {}) }));
      }
    } finally {
      model.dispose();
    }
  },
});
