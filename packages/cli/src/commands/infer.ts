import { ConfigError, inferTheta } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { embedWithCache } from '@topickd/encoders';
import type { Command } from '../command.js';
import { bowForModel, createRuntime, embeddingPool, encoderSpecOf, resolveDataPath, loadModelWith, noEmbeddings } from 'topickd';

export const inferCommand: Command = {
  name: 'infer',
  summary: 'topic proportions θ of new documents with a trained model',
  usage: 'topickd infer --model DIR --input PATH [--samples 20] [--seed S] [--json]',
  example: 'topickd infer --model runs/m10-student --input my-titles.txt --json',
  ownFlags: ['model'],
  flags: {
    model: { type: 'string', arg: 'DIR', description: 'a trained model folder (required)' },
    input: { type: 'string', arg: 'PATH', description: 'documents: .txt (one per line), .jsonl, or an OCTIS folder (required)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    encoder: { type: 'string', arg: 'NAME', description: "override the model's encoder (e.g. precomputed:FILE.npy for the input)" },
    samples: { type: 'integer', arg: 'N', description: 'samples of z averaged per document (default 20)' },
    seed: { type: 'integer', arg: 'S', description: 'sampling seed (default 0)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const dir = flags.model as string | undefined;
    const input = flags.input as string | undefined;
    if (!dir) throw new ConfigError('give the model folder: --model DIR', 'model');
    if (!input) throw new ConfigError('give the documents: --input PATH', 'input');
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, dir);
    try {
      const corpus = loadCorpus(resolveDataPath(input), { textField: cfg.textField });
      const texts = corpus.encoderTexts ?? corpus.documents;
      // Bag of words over the model's vocabulary, tokenized as its training corpus was.
      const bow = bowForModel(corpus.documents, saved, corpus.pretokenized);
      let emb;
      if (saved.encoder.dim === 0 && !cfg.encoder) {
        emb = noEmbeddings(bow.rows); // a model that reads the bag of words alone (LDA)
      } else {
        const spec = encoderSpecOf(cfg.encoder ?? saved.encoder.type ?? 'use', cfg.baseDir);
        const encoder = rt.registry.createEncoder(spec);
        const pool = embeddingPool(cfg, spec);
        try {
          emb = await embedWithCache(encoder, texts, cfg.cacheDir ?? '.topickd-cache', { onProgress: progress.embedding('embedding'), logger, parallel: pool?.parallel });
        } finally {
          await pool?.close();
        }
        progress.embedded('embedding', emb.rows, emb.rows - emb.computed);
      }
      const theta = inferTheta(saved.model, { bow, embeddings: emb }, { samples: cfg.samples ?? 20, seed: cfg.seed ?? 0 });
      const K = theta.cols;
      const rows: number[][] = [];
      for (let i = 0; i < theta.rows; i++) rows.push(Array.from(theta.data.subarray(i * K, (i + 1) * K)));
      if (json) {
        print(JSON.stringify({ model: saved.model.kind, topics: K, documents: theta.rows, theta: rows, topicWords: saved.model.topics(saved.vocabulary, 10) }));
      } else {
        for (const r of rows) print(r.map((v) => v.toFixed(4)).join('\t'));
      }
    } finally {
      saved.model.dispose();
    }
  },
};
