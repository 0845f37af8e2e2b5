import { ConfigError, resolveModelConfig, DEFAULT_TRAIN } from '@topickd/core';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint, saveModel } from '@topickd/core/node';
import { count, plural, seedFingerprint } from 'topickd/app';
import { join } from 'node:path';
import { defineCommand, SEED_FLAGS, TRAIN_FLAGS } from '../command.js';
import { encoderReferenceOf, checkResumeFingerprint, claimOutputDir, createRuntime, runFingerprint, fitOn, kindNeedsEmbeddings, loadTrainingData, parseModelOptions, saveTrainingTheta, trainingRecord } from 'topickd/app';

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
    const rt = await createRuntime(cfg, logger);
    const kind = cfg.model ?? 'combined';
    if (flags.modelOptions !== undefined) cfg.modelOptions = { ...cfg.modelOptions, [kind]: parseModelOptions(flags.modelOptions) };
    const emb = await loadTrainingData(rt, cfg, progress, { embeddings: kindNeedsEmbeddings(rt, kind) });
    const dataset = emb.dataset;
    if (dataset.dropped) progress.log(`${plural(dataset.dropped, 'document')} ${dataset.dropped === 1 ? 'is' : 'are'} empty after preprocessing and left out`);
    const seed = cfg.seed ?? 0;
    const resumeFrom = flags.resume;
    const resume = resumeFrom ? await loadCheckpoint(resumeFrom) : undefined;
    const encoderRef = encoderReferenceOf(emb);
    const options = { seed, batchSize: cfg.batchSize ?? DEFAULT_TRAIN.batchSize, learningRate: cfg.learningRate ?? DEFAULT_TRAIN.learningRate, validationFraction: cfg.validationFraction ?? DEFAULT_TRAIN.validationFraction, ...seedFingerprint(cfg) };
    const checkpointPath = join(flags.out, CHECKPOINT_FILE);
    const hidden = cfg.hidden;
    const modelConfig = resolveModelConfig({ kind, numTopics: flags.topics, vocabSize: dataset.vocabulary.length, embeddingDim: emb.embeddings.cols, hiddenSizes: hidden, dropout: cfg.dropout, options: cfg.modelOptions?.[kind] });
    const fingerprint = runFingerprint({ documents: dataset.bow, embeddings: emb.embeddings, config: modelConfig, options });
    if (resume) {
      const m = resume.meta;
      if (JSON.stringify(m.vocabulary) !== JSON.stringify(dataset.vocabulary)) throw new ConfigError(`${resume.path} was written for another corpus (vocabulary differs); resume with the same --data`, 'resume');
      if (m.encoder.id !== emb.encoderId) throw new ConfigError(`${resume.path} was trained on ${m.encoder.id} embeddings, not ${emb.encoderId}; resume with the same --encoder`, 'resume');
      checkResumeFingerprint(resume.path, m.fingerprint, fingerprint);
      progress.log(`resuming from ${resume.path} after epoch ${resume.state.epoch}`);
    }
    const { model, result, seeded } = await fitOn(rt, dataset, emb.embeddings, { kind, topics: flags.topics, hidden }, cfg, progress, kind, seed, {
      resume: resume?.state,
      checkpointEvery: cfg.checkpointEvery,
      onCheckpoint: cfg.checkpointEvery
        ? (state) => saveCheckpoint(checkpointPath, { config: modelConfig, vocabulary: dataset.vocabulary, encoder: encoderRef, options, fingerprint }, state)
        : undefined,
    });
    const topicWords = model.topics(dataset.vocabulary, 10);
    await saveModel(flags.out, {
      model,
      vocabulary: dataset.vocabulary,
      encoder: encoderRef,
      preprocessing: dataset.preprocessing,
      training: trainingRecord(dataset, result, seed, rt.backend.name, seeded),
    });
    saveTrainingTheta(flags.out, model, dataset, emb.embeddings, cfg);
    const out = {
      model: kind,
      topics: flags.topics,
      params: model.paramCount(),
      epochs: result.epochs,
      finalLoss: result.finalLoss,
      seconds: result.seconds,
      docsPerSecond: result.docsPerSecond,
      topicWords,
      ...seeded,
      documents: dataset.bow.rows,
      droppedDocuments: dataset.dropped,
      streamed: emb.streamed,
      vocabularySize: dataset.vocabulary.length,
      backend: rt.backend.name,
      threads: rt.backend.threads ?? 1,
      encoder: emb.encoderId,
      out: flags.out,
    };
    if (json) print(JSON.stringify(out));
    else {
      print(`${kind} K=${flags.topics}: ${count(out.params)} parameters, final loss ${result.finalLoss.toFixed(4)} per document, ${result.seconds.toFixed(1)} s`);
      topicWords.forEach((t, k) => print(`  topic ${String(k).padStart(2)}: ${t.join(' ')}`));
      print(`saved to ${flags.out} (model, and θ of the ${plural(dataset.bow.rows, 'training document')} in theta.npy)`);
    }
    model.dispose();
  },
});
