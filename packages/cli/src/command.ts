import { DEFAULT_TRAIN, type Logger } from '@topickd/core';
import type { FlagSpec, FlagValues, ParsedFlags } from './args.js';
import { queueModule, RUN_CONFIG_KEYS, type Progress, type RunConfig } from 'topickd/app';

export interface CommandContext<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  /** The flags, typed from the command's specs (required ones present: from the flag or the config file). */
  flags: FlagValues<F>;
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

export interface Command<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  name: string;
  summary: string;
  example: string;
  /** The flags, declared once: types, placeholders, descriptions with defaults, `required`; usage and --help come from them. */
  flags: F;
  /** Flags of this command that mean something else than the config key of the same name (e.g. infer's --model DIR). */
  ownFlags?: string[];
  run(ctx: CommandContext<F>): Promise<void>;
}

/** A command with its flags' types inferred from their specs. */
export function defineCommand<const F extends Record<string, FlagSpec>>(command: Command<F>): Command<F> {
  return command;
}

/** Whether a flag of a command sets the config key of the same name (so a config file may give it). */
export function flagSetsConfigKey(key: string, ownFlags: readonly string[] = []): boolean {
  return FLAG_KEYS.has(key) && !ownFlags.includes(key);
}

/**
 * The queue a command was given (`--queue URL`, or `--queue env` for REDIS_URL) and how to
 * print it (password masked); undefined without --queue. Loads @topickd/queue only then.
 */
export async function queueOf(flag: unknown): Promise<{ url: string; shown: string } | undefined> {
  if (flag === undefined) return undefined;
  const { queueUrl, maskRedisUrl } = await queueModule();
  const url = queueUrl(String(flag), false)!;
  return { url, shown: maskRedisUrl(url) };
}

/** How long a command that uses the queue rides out a Redis outage. */
export const QUEUE_TIMEOUT_FLAG = {
  type: 'number',
  arg: 'S',
  description: 'give up after Redis has been unreachable this many seconds without a break (the jobs stay queued; default 300; 0: wait for ever)',
} as const satisfies FlagSpec;

/** How α and T are chosen where they are not given (core's distillHyper). */
export const RECIPE_FLAG = {
  type: 'string',
  arg: 'auto|paper',
  description: "how α and T not given are chosen: auto (default: T 4, α from the corpus's mean document length) or paper (Adhya & Sanyal's table)",
} as const satisfies FlagSpec;

/** --quantize: the use encoder with quantized weights (embed, infer and the training commands; config key quantize). */
export const QUANTIZE_FLAG = {
  type: 'string',
  arg: 'int8|float16',
  description: 'run the use encoder with its weights quantized: int8 (8 bits per weight, ~7 MB) or float16 (~14 MB) instead of float32 (28 MB); the model records it (default: float32)',
} as const satisfies FlagSpec;

/** --seed-topics / --seed-strength: seeded topics (fit, distill; config keys seedTopics, seedStrength). */
export const SEED_FLAGS = {
  'seed-topics': { path: 'input', type: 'string', arg: 'FILE', description: 'seeded topics: a JSON file of word lists, [["gene","protein"], ["market","stock"], …]; topic k is steered towards the k-th list (its top words start on them, and a cross-entropy term keeps them there)' },
  'seed-strength': { type: 'number', arg: 'S', description: 'seeded topics: the weight of the seed term per document (default 0.3)' },
} as const satisfies Record<string, FlagSpec>;

/** Common flags of the training commands. */
export const TRAIN_FLAGS = {
  data: { path: 'input', type: 'string', arg: 'PATH', description: 'corpus: OCTIS folder, .tsv, .jsonl, .txt, or the bundled m10 / 20ng (required)' },
  'text-field': { type: 'string', arg: 'NAME', description: 'JSONL: the field holding the text (default "text")' },
  topics: { type: 'integer', arg: 'K', description: 'number of topics (required)' },
  hidden: { type: 'numbers', arg: 'H,H', description: 'hidden layer sizes of the inference network (default 100,100; "" for none)' },
  epochs: { type: 'integer', arg: 'N', description: `training epochs (default ${DEFAULT_TRAIN.epochs})` },
  'batch-size': { type: 'integer', arg: 'N', description: 'documents per batch (default 64)' },
  'learning-rate': { type: 'number', arg: 'LR', description: 'Adam learning rate (default 0.002)' },
  seed: { type: 'integer', arg: 'S', description: 'random seed (default 0)' },
  encoder: { type: 'string', arg: 'NAME', description: 'sentence encoder: use (default), precomputed:FILE.npy, onnx, transformers' },
  quantize: QUANTIZE_FLAG,
  'model-dir': { path: 'input', type: 'string', arg: 'DIR', description: 'local model folder for the onnx / transformers encoders' },
  'validation-fraction': { type: 'number', arg: 'F', description: 'hold out this fraction for early stopping (default 0: off)' },
  patience: { type: 'integer', arg: 'N', description: 'early-stopping patience in epochs (default 5)' },
  out: { path: 'output', type: 'string', arg: 'DIR', description: 'model folder to write (required)' },
  'checkpoint-every': { type: 'integer', arg: 'N', description: 'write OUT/checkpoint.tkdc (model + optimizer + RNG) every N epochs, atomically (default: never)' },
  resume: { type: 'string', arg: 'PATH', description: 'continue from a checkpoint (OUT folder or checkpoint.tkdc) with the same data and options' },
  plugins: { type: 'list', arg: 'MOD,MOD', description: 'third-party plugin modules to load' },
  dropout: { type: 'number', arg: 'P', description: 'dropout of the inference network, in [0, 1) (default 0.2)' },
  'vocabulary-size': { type: 'integer', arg: 'N', description: 'raw text: keep the N most frequent words (default 2000)' },
  'min-df': { type: 'number', arg: 'N', description: 'raw text: drop words in fewer documents than this, a count ≥ 1 or a fraction < 1 (default 1)' },
  'max-df': { type: 'number', arg: 'F', description: 'raw text: drop words in more than this fraction of documents, in (0, 1] (default 1)' },
  'ce-logits': { type: 'string', arg: 'pre-bn|post-bn', description: "the ce loss's soft labels from the word logits after the decoder's batch norm (post-bn, default) or before it (pre-bn, as the paper's code)" },
  samples: { type: 'integer', arg: 'N', description: 'samples of z averaged per document for θ of the training documents (theta.npy; default 20)' },
} as const satisfies Record<string, FlagSpec>;

/**
 * Config keys a flag of the same (camelCase) name sets. `student` and `teacher` are objects
 * in config files; as flags they name a kind (`distill --student`) or a folder, so they are
 * read by their commands instead.
 */
const FLAG_KEYS = new Set<string>(RUN_CONFIG_KEYS.filter((k) => k !== 'student' && k !== 'teacher' && k !== 'encoder' && k !== 'backendOptions' && k !== 'modelOptions'));

/** Maps parsed flags onto config keys (flags win over the config file). */
export function flagsToConfig(parsed: ParsedFlags, ownFlags: readonly string[] = []): Partial<RunConfig> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) if (FLAG_KEYS.has(k) && !ownFlags.includes(k)) out[k] = v;
  const encoder = ownFlags.includes('encoder') ? undefined : (parsed.encoder as string | undefined);
  const modelDir = parsed.modelDir as string | undefined;
  out.encoder = encoder && modelDir && !encoder.includes(':') ? { type: encoder, modelDir } : encoder;
  return out as Partial<RunConfig>;
}
