import { ConfigError } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { QUANTIZE_FLAG, QUEUE_TIMEOUT_FLAG, queueOf, defineCommand } from '../command.js';
import { dirname, resolve } from 'node:path';
import { createRuntime, inferenceEncoderSpec, INFER_BATCH, inferOnQueue, resolveDataPath, loadModelWith, thetaOfCorpus } from 'topickd/app';

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
    'shard-size': { type: 'integer', arg: 'N', description: 'documents per block, a multiple of 512: one job each with --queue, embedded together without (default 1024)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const { model: dir, input } = flags;
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, dir);
    try {
      const corpus = loadCorpus(resolveDataPath(input), { textField: cfg.textField });
      const texts = corpus.encoderTexts ?? corpus.documents;
      const shardSize = flags.shardSize ?? 2 * INFER_BATCH;
      const samples = cfg.samples ?? 20;
      const seed = cfg.seed ?? 0;
      const queue = await queueOf(flags.queue);
      let theta;
      if (queue) {
        const onProgress = progress.embedding('inferring (queue)');
        theta = await inferOnQueue(queue.url, dir, { documents: corpus.documents, encoderTexts: texts, pretokenized: corpus.pretokenized }, inferenceEncoderSpec(cfg, saved), {
          shardSize,
          workDir: dirname(resolve(input)),
          cacheDir: cfg.cacheDir ?? '.topickd-cache',
          samples,
          seed,
          queueTimeout: cfg.queueTimeout,
          log: (l) => progress.log(l),
          onProgress: (done, total) => onProgress({ done, total }),
        });
      } else {
        if (shardSize % INFER_BATCH !== 0) throw new ConfigError(`--shard-size for infer must be a multiple of ${INFER_BATCH}, got ${shardSize}`, 'shardSize');
        theta = (await thetaOfCorpus(rt, cfg, saved, dir, corpus, progress, { samples, seed, shardSize })).theta;
      }
      const K = theta.cols;
      const rows: number[][] = [];
      for (let i = 0; i < theta.rows; i++) rows.push(Array.from(theta.data.subarray(i * K, (i + 1) * K)));
      if (json) {
        print(JSON.stringify({ model: saved.model.kind, topics: K, documents: theta.rows, theta: rows, topicWords: saved.model.topics(saved.vocabulary, 10), ...('threads' in theta ? { threads: theta.threads } : {}) }));
      } else {
        for (const r of rows) print(r.map((v) => v.toFixed(4)).join('\t'));
      }
    } finally {
      saved.model.dispose();
    }
  },
});
