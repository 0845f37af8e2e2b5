import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, DataError, type SavedModel } from '@topickd/core';
import { prepareOutputDir, refuseOutputOverInput, saveModel, writeFileAtomic } from '@topickd/core/node';
import { quantizeWeights, StaticEncoder, STATIC_FILES, useModelFiles, type WeightQuantization } from '@topickd/encoders';

/** What bundle.json records: the model's files, its encoder's, its kind, size and topics. */
export interface BundleRecord {
  format: 'topickd-bundle';
  formatVersion: 1;
  model: 'model';
  encoder: SavedModel['encoder'] & { files: string | null; quantize?: WeightQuantization };
  kind: string;
  topics: number;
  params: number;
  topicWords: string[][];
  labels?: string[];
}

export interface BundleOptions {
  /** Store the use encoder's weights quantized (int8: ~8 MB; float16: ~15 MB; default float32, ~28 MB). */
  quantize?: WeightQuantization;
  /** Leave the encoder's files out (the page loads them from elsewhere). */
  noEncoder?: boolean;
  /** A label per topic, written into bundle.json (the page shows them). */
  labels?: () => Promise<string[]>;
  /** The model's folder, when it has one: the bundle may not be written into it. */
  modelDir?: string;
}

/** Refuses, before any work, an output folder that is not new, empty or an earlier bundle, or that holds the model. */
function checkBundleOut(out: string, modelDir: string | undefined, options: Pick<BundleOptions, 'quantize' | 'noEncoder'>): void {
  if (existsSync(out) && (!statSync(out).isDirectory() || (readdirSync(out).length > 0 && !existsSync(join(out, 'bundle.json'))))) {
    throw new ConfigError(`\`out\` ${out} exists and is not an earlier bundle; give a new or empty folder`, 'out');
  }
  if (modelDir) refuseOutputOverInput(out, { model: modelDir });
  if (options.quantize && options.noEncoder) throw new ConfigError('`quantize` applies to the encoder files, which `noEncoder` leaves out; give one of them', 'quantize');
}

/**
 * Writes a bundle a web page loads (`topickd export`, `tkd.export`): the model folder, the
 * encoder's files (use, quantized when asked, or the static table the model was trained with)
 * and bundle.json — into a temporary sibling folder renamed into place at the end, so a failure
 * leaves no partial bundle (and an earlier bundle stays as it was).
 */
export async function writeBundle(saved: SavedModel, outDir: string, options: BundleOptions = {}): Promise<BundleRecord> {
  const out = resolve(outDir);
  const quantize = options.quantize;
  checkBundleOut(out, options.modelDir, options);
  if (saved.encoder.type === 'static' && quantize) throw new ConfigError('--quantize applies to the use encoder; a static encoder is an int8 table already', 'quantize');
  if (saved.encoder.type !== 'use' && saved.encoder.type !== 'static') {
    // the browser loader embeds text with the bundled Universal Sentence Encoder only: a bundle of anything else would be refused there
    const kind = saved.encoder.dim === 0 ? `a "${saved.model.kind}" model reads no sentence embeddings` : `this model's encoder is ${saved.encoder.id} (${saved.encoder.type ?? 'unknown type'})`;
    throw new ConfigError(`${kind}; a web page runs models trained with the default encoder (use) or a static one (static:DIR) — train one with either (e.g. a combined or zeroshot student) and export that`, 'model');
  }
  prepareOutputDir(dirname(out));
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp, { recursive: true });
    await saveModel(join(tmp, 'model'), saved);
    let encoderFiles: string | null = null;
    if (!options.noEncoder && saved.encoder.type === 'use') {
      const { dir, files } = await useModelFiles();
      if (!files.includes('model.json')) throw new DataError(`the bundled encoder's files are incomplete in ${dir}; reinstall @topickd/encoders`, 'IO');
      const target = join(tmp, 'encoder', 'use');
      mkdirSync(target, { recursive: true });
      if (quantize) writeQuantizedUse(dir, target, quantize);
      else for (const f of files) copyFileSync(join(dir, f), join(target, f));
      encoderFiles = 'encoder/use';
    }
    if (!options.noEncoder && saved.encoder.type === 'static') {
      // the table the model was trained with (its folder is recorded absolute), checked by its id
      const dir = String((saved.encoder.options as { path?: string } | undefined)?.path ?? '');
      const table = new StaticEncoder({ path: dir });
      await table.load();
      if (table.id !== saved.encoder.id) throw new DataError(`the static encoder in ${dir} is ${table.id}, but the model was trained with ${saved.encoder.id}; export needs the table the model was trained with`, 'MODEL_FILE');
      const target = join(tmp, 'encoder', 'static');
      mkdirSync(target, { recursive: true });
      for (const f of Object.values(STATIC_FILES)) copyFileSync(join(dir, f), join(target, f));
      encoderFiles = 'encoder/static';
    }
    const labels = options.labels ? await options.labels() : undefined;
    const bundle: BundleRecord = {
      format: 'topickd-bundle',
      formatVersion: 1,
      model: 'model',
      encoder: { ...saved.encoder, files: encoderFiles, ...(quantize && encoderFiles ? { quantize } : {}) },
      kind: saved.model.kind,
      topics: saved.model.numTopics,
      params: saved.model.paramCount(),
      topicWords: saved.model.topics(saved.vocabulary, 10),
      ...(labels ? { labels } : {}),
    };
    writeFileAtomic(join(tmp, 'bundle.json'), JSON.stringify(bundle, null, 1) + '\n');
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
    return bundle;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The use encoder's files with its weights quantized (model.json's weightsManifest rewritten,
 * one weights file): tfjs's float16, or TopicKD's int8 blocks, which the encoder's loader reads
 * back in Node and in browsers.
 */
function writeQuantizedUse(dir: string, target: string, quantization: WeightQuantization): void {
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: never[] }[] };
  const specs = model.weightsManifest.flatMap((g) => g.weights);
  const data = Buffer.concat(model.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
  const q = quantizeWeights(specs, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), quantization);
  const file = `weights-${quantization}.bin`;
  writeFileAtomic(join(target, file), q.data);
  writeFileAtomic(join(target, 'model.json'), JSON.stringify({ ...model, weightsManifest: [{ paths: [file], weights: q.specs }] }));
  copyFileSync(join(dir, 'vocab.json'), join(target, 'vocab.json'));
}
