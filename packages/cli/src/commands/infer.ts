import { ConfigError, CsrBuilder, documentTokens, inferTheta, stopwordSet } from '@topickd/core';
import { loadCorpus, loadModel } from '@topickd/core/node';
import type { Command } from '../command.js';
import { createRuntime, encoderSpecOf, resolveDataPath } from '../pipeline.js';
import { embedWithCache } from '@topickd/encoders';

export const inferCommand: Command = {
  name: 'infer',
  summary: 'topic proportions θ of new documents with a trained model',
  usage: 'topickd infer --model DIR --input PATH [--samples 20] [--seed S] [--json]',
  example: 'topickd infer --model runs/m10-student --input my-titles.txt --json',
  ownFlags: ['model'],
  flags: {
    model: { type: 'string', arg: 'DIR', description: 'a trained model folder' },
    input: { type: 'string', arg: 'PATH', description: 'documents: .txt (one per line), .jsonl, or an OCTIS folder' },
    encoder: { type: 'string', arg: 'NAME', description: "override the model's encoder (e.g. precomputed:FILE.npy for the input)" },
    samples: { type: 'integer', arg: 'N', description: 'samples of z averaged per document (default 20)' },
    seed: { type: 'integer', arg: 'S', description: 'sampling seed (default 0)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const dir = flags.model as string | undefined;
    const input = flags.input as string | undefined;
    if (!dir) throw new ConfigError('give the model folder: --model DIR', 'model');
    if (!input) throw new ConfigError('give the documents: --input PATH', 'input');
    const saved = await loadModel(dir);
    const rt = await createRuntime(cfg, logger);
    const corpus = loadCorpus(resolveDataPath(input));
    const texts = corpus.encoderTexts ?? corpus.documents;
    // Bag of words over the model's vocabulary; no document is dropped (an empty BoW is a valid input).
    const index = new Map(saved.vocabulary.map((w, i) => [w, i] as const));
    const stop = stopwordSet({ pretokenized: corpus.pretokenized });
    const builder = new CsrBuilder(saved.vocabulary.length);
    for (const d of corpus.documents) {
      const counts = new Map<number, number>();
      for (const t of documentTokens(d, { pretokenized: corpus.pretokenized }, stop)) {
        const id = index.get(t);
        if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      builder.addRow(counts);
    }
    const spec = encoderSpecOf((flags.encoder as string | undefined) ?? saved.encoder.type ?? 'use', cfg.baseDir);
    const encoder = rt.registry.createEncoder(spec);
    const emb = await embedWithCache(encoder, texts, cfg.cacheDir ?? '.topickd-cache', { onProgress: progress.embedding('embedding'), logger });
    const theta = inferTheta(saved.model, { bow: builder.build(), embeddings: emb }, { samples: (flags.samples as number | undefined) ?? cfg.samples ?? 20, seed: (flags.seed as number | undefined) ?? cfg.seed ?? 0 });
    const K = theta.cols;
    const rows: number[][] = [];
    for (let i = 0; i < theta.rows; i++) rows.push(Array.from(theta.data.subarray(i * K, (i + 1) * K)));
    if (json) {
      print(JSON.stringify({ model: saved.model.kind, topics: K, documents: theta.rows, theta: rows, topicWords: saved.model.topics(saved.vocabulary, 10) }));
    } else {
      for (const r of rows) print(r.map((v) => v.toFixed(4)).join('\t'));
    }
    saved.model.dispose();
  },
};
