import { count, plural, claimOutputDir, parseModelOptions } from 'topickd/app';
import { defineCommand, SEED_FLAGS, TRAIN_FLAGS } from '../command.js';
import { seededOf, topicKDOf, trainingOptionsOf } from '../api-of.js';

export const fitCommand = defineCommand({
  name: 'fit',
  summary: 'train a topic model (CombinedTM, ZeroShotTM, or a plugin kind such as lda) and save it',
  example: 'topickd fit --data m10 --model combined --topics 20 --epochs 100 --out runs/m10-combined',
  flags: {
    ...TRAIN_FLAGS,
    ...SEED_FLAGS,
    data: { ...TRAIN_FLAGS.data, required: true },
    topics: { ...TRAIN_FLAGS.topics, required: true },
    out: { ...TRAIN_FLAGS.out, required: true },
    model: { type: 'string', arg: 'KIND', description: 'combined (BoW + embedding), zeroshot (embedding only), or a plugin kind: lda, prodlda, neurallda, etm, bertopic; default combined' },
    'model-options': { type: 'string', arg: 'K=V,...', description: "the model kind's own settings, e.g. passes=20,iterations=100 for lda (config: modelOptions)" },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    claimOutputDir(flags.out, { data: flags.data }, cfg.baseDir);
    // an adapter over the API: flags → tkd.fit's options, then save — as a program would write it
    const tkd = await topicKDOf(cfg, logger, progress);
    const kind = cfg.model ?? 'combined';
    const modelOptions = flags.modelOptions !== undefined ? parseModelOptions(flags.modelOptions) : cfg.modelOptions?.[kind];
    const model = await tkd.fit(flags.data, {
      ...trainingOptionsOf(cfg, { out: flags.out, resume: flags.resume }),
      model: kind,
      modelOptions,
      topics: flags.topics,
      hidden: cfg.hidden,
      vocabularySize: cfg.vocabularySize,
      minDf: cfg.minDf,
      maxDf: cfg.maxDf,
    });
    try {
      await model.save(flags.out);
      const run = model.run!;
      const topicWords = model.topics(10);
      const out = {
        model: kind,
        topics: flags.topics,
        params: model.params,
        epochs: run.epochs,
        finalLoss: run.finalLoss,
        seconds: run.seconds,
        docsPerSecond: run.docsPerSecond,
        topicWords,
        ...seededOf(model.training),
        documents: run.documents,
        droppedDocuments: run.droppedDocuments,
        streamed: run.streamed,
        vocabularySize: run.vocabularySize,
        backend: tkd.backend.name,
        threads: tkd.backend.threads ?? 1,
        encoder: model.encoder.id,
        out: flags.out,
      };
      if (json) print(JSON.stringify(out));
      else {
        print(`${kind} K=${flags.topics}: ${count(out.params)} parameters, final loss ${run.finalLoss.toFixed(4)} per document, ${run.seconds.toFixed(1)} s`);
        topicWords.forEach((t, k) => print(`  topic ${String(k).padStart(2)}: ${t.join(' ')}`));
        print(`saved to ${flags.out} (model, and θ of the ${plural(run.documents, 'training document')} in theta.npy)`);
      }
    } finally {
      model.dispose();
    }
  },
});
