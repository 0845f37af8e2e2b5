import { defineCommand, QUANTIZE_FLAG } from '../command.js';
import { topicKDOf } from '../api-of.js';

export const distillEncoderCommand = defineCommand({
  name: 'distill-encoder',
  summary: 'distil the sentence encoder into a static one (Model2Vec-style: a small int8 table, thousands of times faster), used as --encoder static:DIR',
  example: 'topickd distill-encoder --from use --data m10 --dim 256 --out runs/static-m10',
  flags: {
    from: { type: 'string', arg: 'use', description: 'the sentence encoder to distil (default use: the table uses its SentencePiece vocabulary)' },
    data: { required: true, path: 'input', type: 'string', arg: 'PATH', description: 'the corpus whose piece frequencies weight the vectors (SIF): m10, 20ng or a path' },
    dim: { type: 'integer', arg: 'D', description: 'dimensions kept by PCA, 1–512 (default 256)' },
    'pieces-alone': { type: 'boolean', description: "each piece's vector from the encoder on the piece alone (Model2Vec's base), not refined by the corpus's document embeddings (default: off — refined: the mean of the embeddings of the documents a piece occurs in)" },
    'refine-epochs': { type: 'integer', arg: 'N', description: "epochs of refinement: the table is trained so each document's mean of pieces points where the encoder's embedding of it does (default 10; 0: none)" },
    'sif-a': { type: 'number', arg: 'A', description: 'SIF weight a / (a + p(piece)) (default 0.001)' },
    'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
    quantize: QUANTIZE_FLAG,
    out: { required: true, path: 'output', type: 'string', arg: 'DIR', description: 'the folder to write (static.json, vectors.i8, scales.f32, vocab.json)' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    // an adapter over the API: flags → tkd.distillEncoder
    const tkd = await topicKDOf(cfg, logger, progress);
    const res = await tkd.distillEncoder(flags.data, flags.out, { from: flags.from, dim: flags.dim, sifA: flags.sifA, refineEpochs: flags.refineEpochs, piecesAlone: flags.piecesAlone, textField: cfg.textField });
    const summary = { out: flags.out, dim: res.manifest.dim, pieces: res.manifest.pieces, tokens: res.manifest.tokens, source: res.manifest.source, bytes: res.bytes, varianceKept: res.varianceKept, seconds: res.seconds, sha256: res.manifest.sha256 };
    if (json) print(JSON.stringify(summary));
    else print(`static encoder written to ${flags.out}: ${res.manifest.tokens} pieces × ${res.manifest.dim} dims (int8), ${(res.bytes / 1e6).toFixed(2)} MB, ${(100 * res.varianceKept).toFixed(1)}% of the variance kept, ${res.seconds.toFixed(1)} s; use it with --encoder static:${flags.out}`);
  },
});
