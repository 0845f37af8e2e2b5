import { ConfigError, type Float32Matrix } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { QUANTIZE_FLAG, QUEUE_TIMEOUT_FLAG, queueOf, defineCommand } from '../command.js';
import { dirname, resolve } from 'node:path';
import { canStreamCorpus, collectGarbage, concatRows, corpusChunks, countCorpusDocuments, createRuntime, inferenceEncoderSpec, INFER_BATCH, inferOnQueue, resolveDataPath, loadModelWith, thetaOfChunks } from 'topickd/app';

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
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, dir);
    try {
      const path = resolveDataPath(input);
      const shardSize = flags.shardSize ?? 2 * INFER_BATCH;
      const samples = cfg.samples ?? 20;
      const seed = cfg.seed ?? 0;
      const queue = await queueOf(flags.queue);
      const extra = (threads: number | undefined) => (threads !== undefined ? { threads } : {});
      const printJson = (theta: Float32Array, rows: number, K: number, threads: number | undefined) => {
        const out: number[][] = [];
        for (let i = 0; i < rows; i++) out.push(Array.from(theta.subarray(i * K, (i + 1) * K)));
        print(JSON.stringify({ model: saved.model.kind, topics: K, documents: rows, theta: out, topicWords: saved.model.topics(saved.vocabulary, 10), ...extra(threads) }));
      };
      const printRows = (theta: Float32Array, rows: number, K: number) => {
        for (let i = 0; i < rows; i++) print(Array.from(theta.subarray(i * K, (i + 1) * K), (v) => v.toFixed(4)).join('\t'));
      };
      if (queue) {
        const corpus = loadCorpus(path, { textField: cfg.textField });
        const onProgress = progress.embedding('inferring (queue)');
        const theta = await inferOnQueue(queue.url, dir, { documents: corpus.documents, encoderTexts: corpus.encoderTexts ?? corpus.documents, pretokenized: corpus.pretokenized }, inferenceEncoderSpec(cfg, saved), {
          shardSize,
          workDir: dirname(resolve(input)),
          cacheDir: cfg.cacheDir ?? '.topickd-cache',
          samples,
          seed,
          queueTimeout: cfg.queueTimeout,
          log: (l) => progress.log(l),
          onProgress: (done, total) => onProgress({ done, total }),
        });
        if (json) printJson(theta.data, theta.rows, theta.cols, 'threads' in theta ? (theta.threads as number) : undefined);
        else printRows(theta.data, theta.rows, theta.cols);
        return;
      }
      if (shardSize % INFER_BATCH !== 0) throw new ConfigError(`--shard-size for infer must be a multiple of ${INFER_BATCH}, got ${shardSize}`, 'shardSize');
      // a .txt or .jsonl file is read and inferred one block of --shard-size documents at a time
      // (θ rows equal to one pass over the whole input; memory holds one block), after a first
      // pass that counts its documents and refuses bad input before anything is printed; an
      // OCTIS folder is loaded whole
      const streamed = canStreamCorpus(path);
      const total = streamed ? await countCorpusDocuments(path, { textField: cfg.textField }) : undefined;
      const chunks = streamed ? corpusChunks(path, { size: shardSize, textField: cfg.textField }) : [loadCorpus(path, { textField: cfg.textField })];
      const parts: Float32Matrix[] = [];
      let threads: number | undefined;
      for await (const { theta } of thetaOfChunks(rt, cfg, saved, dir, chunks, progress, { samples, seed, shardSize, total, betweenChunks: streamed ? collectGarbage : undefined })) {
        threads = Math.max(threads ?? 0, theta.threads ?? 1);
        if (json) parts.push(theta);
        else printRows(theta.data, theta.rows, theta.cols);
      }
      if (json) {
        const all = concatRows(parts);
        printJson(all.data, all.rows, all.cols, threads);
      }
    } finally {
      saved.model.dispose();
    }
  },
});
