import { writeFileAtomic, prepareOutputFile } from '@topickd/core/node';
import { encodeNpy } from '@topickd/encoders';
import { QUANTIZE_FLAG, QUEUE_TIMEOUT_FLAG, queueOf, defineCommand } from '../command.js';
import { dirname, resolve } from 'node:path';
import { topicKDOf } from '../api-of.js';

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
    // an adapter over the API: flags → tkd.embed; with --queue the workers share --out's folder
    const tkd = await topicKDOf(cfg, logger, progress);
    const queue = await queueOf(flags.queue);
    const res = await tkd.embed(input, { batchSize: flags.batchSize, shardSize: flags.shardSize, cache: !flags.noCache, textField: cfg.textField, queue: queue?.url, queueTimeout: cfg.queueTimeout, workDir: dirname(resolve(out)) });
    writeFileAtomic(out, encodeNpy(res.matrix));
    const { matrix, ...made } = res;
    if (queue) {
      if (json) print(JSON.stringify({ encoder: made.encoder, queue: queue.shown, shards: made.shards, rows: made.rows, dim: made.dim, seconds: made.seconds, docsPerSecond: made.docsPerSecond, out }));
      else print(`${matrix.rows.toLocaleString('en-US')} × ${matrix.cols} embeddings (${made.encoder}, ${made.shards} jobs on ${queue.shown}) written to ${out}`);
      return;
    }
    if (json) print(JSON.stringify({ encoder: made.encoder, threads: made.threads, rows: made.rows, dim: made.dim, computed: made.computed, seconds: made.seconds, docsPerSecond: made.docsPerSecond, out, backend: made.backend }));
    else print(`${matrix.rows.toLocaleString('en-US')} × ${matrix.cols} embeddings (${made.encoder}) written to ${out}`);
  },
});
