import type { Logger } from '@topickd/core';
import type { FlagSpec, ParsedFlags } from './args.js';
import type { Progress } from 'topickd';
import type { RunConfig } from 'topickd';

export interface CommandContext {
  flags: ParsedFlags;
  positionals: string[];
  /** The command's raw arguments (after the command name). */
  argv: readonly string[];
  /** Config file merged with flags. */
  cfg: RunConfig;
  progress: Progress;
  logger: Logger;
  /** Writes a result line to stdout. */
  print: (text: string) => void;
  json: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  example: string;
  flags: Record<string, FlagSpec>;
  /** Flags of this command that mean something else than the config key of the same name (e.g. infer's --model DIR). */
  ownFlags?: string[];
  run(ctx: CommandContext): Promise<void>;
}

/** Common flags of the training commands. */
export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', arg: 'PATH', description: 'corpus: OCTIS folder, .tsv, .jsonl, .txt, or the bundled m10 / 20ng (required)' },
  'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
  topics: { type: 'integer', arg: 'K', description: 'number of topics (required)' },
  hidden: { type: 'numbers', arg: 'H,H', description: 'hidden layer sizes of the inference network (default 100,100; "" for none)' },
  epochs: { type: 'integer', arg: 'N', description: 'training epochs (default 100)' },
  'batch-size': { type: 'integer', arg: 'N', description: 'documents per batch (default 64)' },
  'learning-rate': { type: 'number', arg: 'LR', description: 'Adam learning rate (default 0.002)' },
  seed: { type: 'integer', arg: 'S', description: 'random seed (default 0)' },
  encoder: { type: 'string', arg: 'NAME', description: 'sentence encoder: use (default), precomputed:FILE.npy, onnx, transformers' },
  'model-dir': { type: 'string', arg: 'DIR', description: 'local model folder for the onnx / transformers encoders' },
  'validation-fraction': { type: 'number', arg: 'F', description: 'hold out this fraction for early stopping (default 0: off)' },
  patience: { type: 'integer', arg: 'N', description: 'early-stopping patience in epochs (default 5)' },
  out: { type: 'string', arg: 'DIR', description: 'model folder to write (required)' },
  'checkpoint-every': { type: 'integer', arg: 'N', description: 'write OUT/checkpoint.tkdc (model + optimizer + RNG) every N epochs, atomically (default: never)' },
  resume: { type: 'string', arg: 'PATH', description: 'continue from a checkpoint (OUT folder or checkpoint.tkdc) with the same data and options' },
  plugins: { type: 'list', arg: 'MOD,MOD', description: 'third-party plugin modules to load' },
  dropout: { type: 'number', arg: 'P', description: 'dropout of the inference network, in [0, 1) (default 0.2)' },
  'vocabulary-size': { type: 'integer', arg: 'N', description: 'raw text: keep the N most frequent words (default 2000)' },
  'min-df': { type: 'number', arg: 'N', description: 'raw text: drop words in fewer documents than this, a count ≥ 1 or a fraction < 1 (default 1)' },
  'max-df': { type: 'number', arg: 'F', description: 'raw text: drop words in more than this fraction of documents, in (0, 1] (default 1)' },
  samples: { type: 'integer', arg: 'N', description: 'samples of z averaged per document for θ of the training documents (theta.npy; default 20)' },
};

/** Maps parsed flags onto config keys (flags win over the config file). */
export function flagsToConfig(parsed: ParsedFlags, ownFlags: readonly string[] = []): Partial<RunConfig> {
  const f = Object.fromEntries(Object.entries(parsed).filter(([k]) => !ownFlags.includes(k)));
  const encoder = f.encoder as string | undefined;
  const modelDir = f.modelDir as string | undefined;
  return {
    backend: f.backend as string | undefined,
    fallback: f.fallback as string | undefined,
    encoder: encoder && modelDir && !encoder.includes(':') ? { type: encoder, modelDir } : encoder,
    data: f.data as string | undefined,
    textField: f.textField as string | undefined,
    model: f.model as RunConfig['model'],
    topics: f.topics as number | undefined,
    hidden: f.hidden as number[] | undefined,
    epochs: f.epochs as number | undefined,
    batchSize: f.batchSize as number | undefined,
    learningRate: f.learningRate as number | undefined,
    seed: f.seed as number | undefined,
    validationFraction: f.validationFraction as number | undefined,
    patience: f.patience as number | undefined,
    alpha: f.alpha as number | undefined,
    temperature: f.temperature as number | undefined,
    kdEpochs: f.kdEpochs as number | undefined,
    losses: f.losses as string[] | undefined,
    out: f.out as string | undefined,
    checkpointEvery: f.checkpointEvery as number | undefined,
    cacheDir: f.cacheDir as string | undefined,
    plugins: f.plugins as string[] | undefined,
    dropout: f.dropout as number | undefined,
    vocabularySize: f.vocabularySize as number | undefined,
    minDf: f.minDf as number | undefined,
    maxDf: f.maxDf as number | undefined,
    samples: f.samples as number | undefined,
    threads: f.threads as number | undefined,
    teacherEncoder: f.teacherEncoder as string | undefined,
  };
}
