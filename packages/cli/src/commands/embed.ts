import { ConfigError } from '@topickd/core';
import { loadCorpus, writeFileAtomic, prepareOutputFile } from '@topickd/core/node';
import { embedWithCache, encodeNpy } from '@topickd/encoders';
import type { Command } from '../command.js';
import { createRuntime, embeddingPool, encoderSpecOf, resolveDataPath } from 'topickd';

export const embedCommand: Command = {
  name: 'embed',
  summary: 'embed documents with a sentence encoder into a float32 .npy',
  usage: 'topickd embed --encoder NAME [--model-dir DIR] --input PATH --out FILE.npy [--backend NAME] [--batch-size N]',
  example: 'topickd embed --encoder use --input m10 --out m10-use.npy',
  flags: {
    encoder: { type: 'string', arg: 'NAME', description: 'use (default), onnx, transformers' },
    'model-dir': { type: 'string', arg: 'DIR', description: 'local model folder (onnx, transformers)' },
    input: { type: 'string', arg: 'PATH', description: 'one document per line (.txt), .jsonl, or an OCTIS folder (required)' },
    out: { type: 'string', arg: 'FILE.npy', description: 'where to write the embeddings (required)' },
    'batch-size': { type: 'integer', arg: 'N', description: 'documents per forward pass (default 64)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    'no-cache': { type: 'boolean', description: 'do not read or write the embedding cache' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const input = flags.input as string | undefined;
    const out = flags.out as string | undefined;
    if (!input) throw new ConfigError('give the documents: --input PATH', 'input');
    if (!out) throw new ConfigError('give the output file: --out FILE.npy', 'out');
    prepareOutputFile(out);
    const rt = await createRuntime(cfg, logger);
    const corpus = loadCorpus(resolveDataPath(input), { textField: cfg.textField });
    const texts = corpus.encoderTexts ?? corpus.documents;
    const spec = encoderSpecOf(cfg.encoder ?? 'use', cfg.baseDir);
    const encoder = rt.registry.createEncoder(spec);
    const t0 = performance.now();
    const pool = embeddingPool(cfg, spec, { batchSize: flags.batchSize as number | undefined });
    let m;
    try {
      m = await embedWithCache(encoder, texts, flags.noCache ? undefined : (cfg.cacheDir ?? '.topickd-cache'), {
        batchSize: flags.batchSize as number | undefined,
        onProgress: progress.embedding('embedding'),
        logger,
        parallel: pool?.parallel,
      });
    } finally {
      await pool?.close();
    }
    const seconds = (performance.now() - t0) / 1000;
    progress.embedded('embedding', m.rows, m.rows - m.computed, seconds);
    writeFileAtomic(out, encodeNpy(m));
    const res = { encoder: encoder.id, threads: pool?.parallel.threads ?? 1, rows: m.rows, dim: m.cols, computed: m.computed, seconds, docsPerSecond: m.rows / seconds, out, backend: rt.backend.name };
    if (json) print(JSON.stringify(res));
    else print(`${m.rows.toLocaleString('en-US')} × ${m.cols} embeddings (${encoder.id}) written to ${out}`);
  },
};
