import { loadCorpus, writeFileAtomic, prepareOutputFile } from '@topickd/core/node';
import { encodeNpy } from '@topickd/encoders';
import { QUANTIZE_FLAG, QUEUE_TIMEOUT_FLAG, queueOf, defineCommand } from '../command.js';
import { dirname, resolve } from 'node:path';
import { embeddingCacheVariant, createRuntime, DEFAULT_SHARD_SIZE, embedInBlocks, embeddingPool, embedOnQueue, encoderSpecOf, resolveDataPath } from 'topickd/app';

export const embedCommand = defineCommand({
  name: 'embed',
  summary: 'embed documents with a sentence encoder into a float32 .npy',
  example: 'topickd embed --encoder use --input m10 --out m10-use.npy',
  flags: {
    encoder: { type: 'string', arg: 'NAME', description: 'use (default), onnx, transformers' },
    quantize: QUANTIZE_FLAG,
    'model-dir': { path: 'input', type: 'string', arg: 'DIR', description: 'local model folder (onnx, transformers)' },
    input: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'one document per line (.txt), .jsonl, or an OCTIS folder (required)' },
    out: { required: true, path: 'output', type: 'string', arg: 'FILE.npy', description: 'where to write the embeddings (required)' },
    'batch-size': { type: 'integer', arg: 'N', description: 'documents per forward pass (default 64)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    'no-cache': { type: 'boolean', description: 'do not read or write the embedding cache' },
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT: embed as jobs run by `topickd worker` processes (same output, byte for byte); the input, --out and --cache-dir must be in a folder every worker shares' },
    'queue-timeout': QUEUE_TIMEOUT_FLAG,
    'shard-size': { type: 'integer', arg: 'N', description: 'documents per block: one job each with --queue, one call through the cache each without (default 1000)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const { input, out } = flags;
    prepareOutputFile(out);
    const rt = await createRuntime(cfg, logger);
    const corpus = loadCorpus(resolveDataPath(input), { textField: cfg.textField });
    const texts = corpus.encoderTexts ?? corpus.documents;
    const spec = encoderSpecOf(cfg.encoder ?? 'use', cfg.baseDir, cfg.quantize);
    const encoder = rt.registry.createEncoder(spec);
    const t0 = performance.now();
    const queue = await queueOf(flags.queue);
    if (queue) {
      const onProgress = progress.embedding('embedding (queue)');
      const m = await embedOnQueue(queue.url, texts, spec, {
        queueTimeout: cfg.queueTimeout,
        log: (l) => progress.log(l),
        shardSize: flags.shardSize,
        workDir: dirname(resolve(out)),
        cacheDir: flags.noCache ? null : (cfg.cacheDir ?? '.topickd-cache'),
        batchSize: flags.batchSize,
        onProgress: (done, total) => onProgress({ done, total }),
      });
      const seconds = (performance.now() - t0) / 1000;
      writeFileAtomic(out, encodeNpy(m));
      const res = { encoder: encoder.id, queue: queue.shown, shards: m.shards, rows: m.rows, dim: m.cols, seconds, docsPerSecond: m.rows / seconds, out };
      if (json) print(JSON.stringify(res));
      else print(`${m.rows.toLocaleString('en-US')} × ${m.cols} embeddings (${encoder.id}, ${m.shards} jobs on ${queue.shown}) written to ${out}`);
      return;
    }
    const pool = embeddingPool(rt.backend, cfg, spec, { batchSize: flags.batchSize, encoder });
    // The input is embedded in blocks of --shard-size documents, each one call through the
    // cache — the same blocks a distributed run's jobs embed, so both give the same bytes.
    const shardSize = flags.shardSize ?? DEFAULT_SHARD_SIZE;
    const onProgress = progress.embedding('embedding');
    let m;
    try {
      m = await embedInBlocks(encoder, texts, flags.noCache ? undefined : (cfg.cacheDir ?? '.topickd-cache'), shardSize, {
        batchSize: flags.batchSize,
        onProgress: (done, total) => onProgress({ done, total }),
        logger,
        parallel: pool?.parallel,
        variant: embeddingCacheVariant(rt.backend),
      });
    } finally {
      await pool?.close();
    }
    const seconds = (performance.now() - t0) / 1000;
    progress.embedded('embedding', m.rows, m.rows - m.computed, seconds);
    writeFileAtomic(out, encodeNpy(m));
    // worker threads of the embedding pool, else the backend's own (the node engine splits the encoder's products over its threads)
    const res = { encoder: encoder.id, threads: pool?.parallel.threads ?? rt.backend.threads ?? 1, rows: m.rows, dim: m.cols, computed: m.computed, seconds, docsPerSecond: m.rows / seconds, out, backend: rt.backend.name };
    if (json) print(JSON.stringify(res));
    else print(`${m.rows.toLocaleString('en-US')} × ${m.cols} embeddings (${encoder.id}) written to ${out}`);
  },
});
