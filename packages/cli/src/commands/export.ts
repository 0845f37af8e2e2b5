import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, DataError } from '@topickd/core';
import { prepareOutputDir, refuseOutputOverInput, saveModel, writeFileAtomic } from '@topickd/core/node';
import { quantizeWeights, StaticEncoder, STATIC_FILES, useModelFiles, type WeightQuantization } from '@topickd/encoders';
import { defineCommand } from '../command.js';
import { createRuntime, labelsOfData, loadModelWith, requireLabelData } from 'topickd/app';
import { count } from 'topickd/app';

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'write a bundle a web page can load: model manifest + weights + vocabulary + encoder files',
  example: 'topickd export --model runs/demo/K20-seed0/distilled --out web-bundle',
  ownFlags: ['model'],
  flags: {
    model: { required: true, path: 'input', type: 'string', arg: 'DIR', description: 'model folder (required)' },
    out: { required: true, path: 'output', type: 'string', arg: 'DIR', description: 'bundle folder to write, replaced if it holds an earlier bundle (required)' },
    'no-encoder': { type: 'boolean', description: 'do not copy the encoder files (the page loads them from elsewhere)' },
    labels: { type: 'boolean', description: "write a label per topic into bundle.json (as topics --labels; the web page shows them); needs --data" },
    data: { path: 'input', type: 'string', arg: 'PATH', description: 'with --labels: the documents the labels come from (the training corpus or one like it)' },
    quantize: { type: 'string', arg: 'int8|float16', description: "store the encoder's weights quantized: int8 (8 bits per weight, a float16 scale per 32: the bundle ~8 MB) or float16 (~15 MB); the page loads them unchanged (default: float32, ~28 MB)" },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const modelDir = flags.model;
    if (flags.labels) requireLabelData(cfg); // before anything is loaded or written
    const out = resolve(flags.out);
    if (existsSync(out) && (!statSync(out).isDirectory() || (readdirSync(out).length > 0 && !existsSync(join(out, 'bundle.json'))))) {
      throw new ConfigError(`--out ${flags.out} exists and is not an earlier bundle; give a new or empty folder`, 'out');
    }
    refuseOutputOverInput(out, { model: modelDir });
    const quantize = cfg.quantize;
    if (quantize && flags.noEncoder) throw new ConfigError('--quantize applies to the encoder files, which --no-encoder leaves out; give one of them', 'quantize');
    prepareOutputDir(dirname(out));
    const rt = await createRuntime(cfg, logger);
    const saved = await loadModelWith(rt, modelDir);
    if (saved.encoder.type === 'static' && quantize) {
      saved.model.dispose();
      throw new ConfigError('--quantize applies to the use encoder; a static encoder is an int8 table already', 'quantize');
    }
    if (saved.encoder.type !== 'use' && saved.encoder.type !== 'static') {
      // the browser loader embeds text with the bundled Universal Sentence Encoder only: a bundle of anything else would be refused there
      const kind = saved.encoder.dim === 0 ? `a "${saved.model.kind}" model reads no sentence embeddings` : `this model's encoder is ${saved.encoder.id} (${saved.encoder.type ?? 'unknown type'})`;
      saved.model.dispose();
      throw new ConfigError(`${kind}; a web page runs models trained with the default encoder (use) or a static one (static:DIR) — train one with either (e.g. a combined or zeroshot student) and export that`, 'model');
    }
    // Everything is written to a temporary sibling folder and renamed into place at the
    // end: a failure leaves no partial bundle (and an earlier bundle stays as it was).
    const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    try {
      mkdirSync(tmp, { recursive: true });
      await saveModel(join(tmp, 'model'), saved);
      let encoderFiles: string | null = null;
      if (!flags.noEncoder && saved.encoder.type === 'use') {
        const { dir, files } = await useModelFiles();
        if (!files.includes('model.json')) throw new DataError(`the bundled encoder's files are incomplete in ${dir}; reinstall @topickd/encoders`, 'IO');
        const target = join(tmp, 'encoder', 'use');
        mkdirSync(target, { recursive: true });
        if (quantize) writeQuantizedUse(dir, target, quantize);
        else for (const f of files) copyFileSync(join(dir, f), join(target, f));
        encoderFiles = 'encoder/use';
      }
      if (!flags.noEncoder && saved.encoder.type === 'static') {
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
      const labels = flags.labels ? await labelsOfData(rt, cfg, saved, modelDir, progress) : undefined;
      const bundle = {
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
      if (json) print(JSON.stringify({ out: flags.out, ...bundle }));
      else print(`bundle written to ${flags.out}: ${bundle.kind}, K=${bundle.topics}, ${count(bundle.params)} parameters${encoderFiles ? `, with the ${saved.encoder.type === 'static' ? 'static' : 'Universal Sentence'} encoder's files` : ''}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      saved.model.dispose();
    }
  },
});

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
