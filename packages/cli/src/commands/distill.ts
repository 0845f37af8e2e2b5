import { DEFAULT_TRAIN } from '@topickd/core';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint, saveModel } from '@topickd/core/node';
import { join } from 'node:path';
import { RECIPE_FLAG, SEED_FLAGS, TRAIN_FLAGS, defineCommand } from '../command.js';
import { checkResumeFingerprint, claimOutputDir, createRuntime, embeddingsDigest, loadDatasetForModel, runDistillation, vocabularyTeacher, runFingerprint, saveTrainingTheta, loadModelWith, type DistillationTeacher } from 'topickd/app';
import { count, plural, seedFingerprint } from 'topickd/app';

export const distillCommand = defineCommand({
  name: 'distill',
  summary: 'train a small student from a trained teacher by knowledge distillation',
  example: 'topickd distill --teacher runs/m10-combined --data m10 --student zeroshot --out runs/m10-student',
  flags: {
    teacher: { required: true, path: 'input', type: 'list', arg: 'DIR[,DIR]', description: 'the trained teacher model folder (required); several, comma-separated, teach together (their softened word distributions averaged); any model kind can teach (one without a posterior network, e.g. lda or bertopic, through the ce loss)' },
    ...TRAIN_FLAGS,
    ...SEED_FLAGS,
    data: { ...TRAIN_FLAGS.data, required: true },
    out: { ...TRAIN_FLAGS.out, required: true },
    student: { type: 'string', arg: 'KIND', description: 'student kind: zeroshot (default) or combined' },
    alpha: { type: 'number', arg: 'A', description: "weight of the distillation terms in [0, 1] (default: from the recipe; auto: n̄/(n̄ + 7.5) for the corpus's mean document length n̄)" },
    temperature: { type: 'number', arg: 'T', description: 'softmax temperature of the soft labels, > 0 (default: from the recipe; auto: 4)' },
    recipe: RECIPE_FLAG,
    losses: { type: 'list', arg: 'L,L', description: 'distillation losses (default w2,ce); any registered loss name' },
    'kd-epochs': { type: 'integer', arg: 'N', description: 'distil for the first N epochs, then train on the VAE loss alone (default: from the recipe — auto: the first half; paper, or both --alpha and --temperature given: all)' },
    'teacher-encoder': { type: 'string', arg: 'NAME', description: "the teacher's encoder when it differs from the manifest's (e.g. precomputed:FILE)" },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const teacherDirs = flags.teacher;
    claimOutputDir(flags.out, { ...Object.fromEntries(teacherDirs.map((d, i) => [`teacher${i ? ` (${i + 1})` : ''}`, d])), data: cfg.data }, cfg.baseDir);
    const rt = await createRuntime(cfg, logger);
    const all: Awaited<ReturnType<typeof loadModelWith>>[] = [];
    for (const dir of teacherDirs) all.push(await loadModelWith(rt, dir));
    // the documents over the teacher's vocabulary, tokenized as its corpus was (as tkd.distill does)
    const dataset = loadDatasetForModel(cfg, vocabularyTeacher(all));
    const studentKind = flags.student ?? cfg.student?.model ?? 'zeroshot';
    const seed = cfg.seed ?? 0;
    const resume = flags.resume ? await loadCheckpoint(flags.resume) : undefined;
    const checkpointPath = join(flags.out, CHECKPOINT_FILE);
    const teachers: DistillationTeacher[] = all.map((t, i) => ({ model: t.model, encoder: t.encoder, vocabulary: t.vocabulary, record: { dir: teacherDirs[i], kind: t.model.kind, params: t.model.paramCount() } }));
    const run = await runDistillation(rt, cfg, progress, {
      teachers,
      dataset,
      datasetName: cfg.data,
      student: { kind: studentKind, topics: cfg.topics, hidden: cfg.hidden ?? cfg.student?.hidden },
      seed,
      hyper: cfg,
      encoder: cfg.encoder,
      teacherEncoder: flags.teacherEncoder,
      losses: cfg.losses,
      // checkpoints and --resume, as for fit: the fingerprint also covers the teachers, α, T and the losses
      training: (plan) => {
        const options = { seed, batchSize: cfg.batchSize ?? DEFAULT_TRAIN.batchSize, learningRate: cfg.learningRate ?? DEFAULT_TRAIN.learningRate, validationFraction: cfg.validationFraction ?? DEFAULT_TRAIN.validationFraction, alpha: plan.alpha, temperature: plan.temperature, kdEpochs: plan.kdEpochs ?? null, losses: plan.losses, ...seedFingerprint(cfg) };
        const idOf = (t: (typeof all)[number], i: number) => ({ digest: t.manifest.digest ?? t.manifest.weights.sha256, embeddings: embeddingsDigest(plan.teacherEmbeddings[i]) });
        const teacherId = all.length === 1 ? idOf(all[0], 0) : { teachers: all.map(idOf) };
        const fingerprint = runFingerprint({ documents: dataset.bow, embeddings: plan.studentEmbeddings, config: plan.config, options, teacher: teacherId });
        if (resume) {
          checkResumeFingerprint(resume.path, resume.meta.fingerprint, fingerprint);
          progress.log(`resuming from ${resume.path} after epoch ${resume.state.epoch}`);
        }
        return {
          resume: resume?.state,
          checkpointEvery: cfg.checkpointEvery,
          onCheckpoint: cfg.checkpointEvery ? (state) => saveCheckpoint(checkpointPath, { config: plan.config, vocabulary: dataset.vocabulary, encoder: plan.encoder, options, fingerprint }, state) : undefined,
        };
      },
    });
    const { model: student, result, training, alpha, temperature, recipe, kdEpochs, topics } = run;
    const topicWords = student.topics(dataset.vocabulary, 10);
    await saveModel(flags.out, { model: student, vocabulary: dataset.vocabulary, encoder: run.encoder, preprocessing: dataset.preprocessing, training });
    saveTrainingTheta(flags.out, student, dataset, run.embeddings, cfg);
    const studentEncoderId = run.encoder.id;
    const out = {
      model: studentKind,
      topics,
      params: student.paramCount(),
      epochs: result.epochs,
      finalLoss: result.finalLoss,
      seconds: result.seconds,
      docsPerSecond: result.docsPerSecond,
      topicWords,
      teacherParams: run.teacher.record.params,
      teachers: teachers.map((t) => t.record),
      alpha,
      temperature,
      recipe,
      lossWeights: training.lossWeights,
      ...(training.lossOptions ? { lossOptions: training.lossOptions } : {}),
      kdEpochs: kdEpochs ?? result.epochs,
      ...run.seeded,
      backend: rt.backend.name,
      encoder: studentEncoderId,
      out: flags.out,
    };
    if (json) print(JSON.stringify(out));
    else {
      print(`student ${studentKind} K=${topics}: ${count(out.params)} parameters (teacher ${count(out.teacherParams)}, ${(out.teacherParams / out.params).toFixed(1)}× larger), final loss ${result.finalLoss.toFixed(4)}`);
      topicWords.forEach((t, k) => print(`  topic ${String(k).padStart(2)}: ${t.join(' ')}`));
      print(`saved to ${flags.out} (model, and θ of the ${plural(dataset.bow.rows, 'training document')} in theta.npy)`);
    }
    student.dispose();
    for (const t of all) t.model.dispose();
  },
});
