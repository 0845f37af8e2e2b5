import { loadCorpus } from '@topickd/core/node';
import { defineCommand } from '../command.js';
import { topicKDOf } from '../api-of.js';
import { count, requireLabelData, resolveDataPath } from 'topickd/app';
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
    const labelData = flags.labels ? requireLabelData(cfg) : undefined; // before anything is loaded or written
    // an adapter over the API: tkd.load, tkd.export
    const tkd = await topicKDOf(cfg, logger, progress);
    const model = await tkd.load(modelDir);
    try {
      const labels = labelData !== undefined ? loadCorpus(resolveDataPath(labelData, cfg.baseDir), { textField: cfg.textField }) : undefined;
      const bundle = await tkd.export(model, flags.out, { quantize: cfg.quantize, encoder: !flags.noEncoder, labels });
      const encoderFiles = bundle.encoder.files;
      if (json) print(JSON.stringify({ out: flags.out, ...bundle }));
      else print(`bundle written to ${flags.out}: ${bundle.kind}, K=${bundle.topics}, ${count(bundle.params)} parameters${encoderFiles ? `, with the ${bundle.encoder.type === 'static' ? 'static' : 'Universal Sentence'} encoder's files` : ''}`);
    } finally {
      model.dispose();
    }
  },
});
