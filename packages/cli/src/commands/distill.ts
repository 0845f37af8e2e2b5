import { DEFAULT_TRAIN, DISTILL_EPOCHS } from '@topickd/core';
import { RECIPE_FLAG, SEED_FLAGS, TRAIN_FLAGS, defineCommand } from '../command.js';
import { seededOf, topicKDOf, trainingOptionsOf } from '../api-of.js';
import type { TrainedTopicModel } from 'topickd';
import { claimOutputDir, count, plural } from 'topickd/app';

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
    epochs: { ...TRAIN_FLAGS.epochs, description: `the student's training epochs (default ${DISTILL_EPOCHS}: the budget the default recipe is validated at; fit's default is ${DEFAULT_TRAIN.epochs})` },
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
    // an adapter over the API: tkd.load each teacher, flags → tkd.distill's options, then save
    const tkd = await topicKDOf(cfg, logger, progress);
    const teachers: TrainedTopicModel[] = [];
    try {
      for (const dir of teacherDirs) teachers.push(await tkd.load(dir));
      const studentKind = flags.student ?? cfg.student?.model ?? 'zeroshot';
      const student = await tkd.distill(teachers, flags.data, {
        ...trainingOptionsOf(cfg, { out: flags.out, resume: flags.resume }),
        model: studentKind,
        topics: cfg.topics,
        hidden: cfg.hidden ?? cfg.student?.hidden,
        alpha: cfg.alpha,
        temperature: cfg.temperature,
        recipe: cfg.recipe,
        kdEpochs: cfg.kdEpochs,
        losses: cfg.losses,
        teacherEncoder: flags.teacherEncoder,
      });
      try {
        await student.save(flags.out);
        const t = student.training as { alpha: number; temperature: number; recipe: string; kdEpochs?: number; lossWeights: Record<string, number>; lossOptions?: Record<string, unknown>; teacherParams: number; teachers: unknown[] };
        const run = student.run!;
        const topicWords = student.topics(10);
        const out = {
          model: studentKind,
          topics: student.numTopics,
          params: student.params,
          epochs: run.epochs,
          finalLoss: run.finalLoss,
          seconds: run.seconds,
          docsPerSecond: run.docsPerSecond,
          topicWords,
          teacherParams: t.teacherParams,
          teachers: t.teachers,
          alpha: t.alpha,
          temperature: t.temperature,
          recipe: t.recipe,
          lossWeights: t.lossWeights,
          ...(t.lossOptions ? { lossOptions: t.lossOptions } : {}),
          kdEpochs: t.kdEpochs ?? run.epochs,
          ...seededOf(student.training),
          backend: tkd.backend.name,
          encoder: student.encoder.id,
          out: flags.out,
        };
        if (json) print(JSON.stringify(out));
        else {
          print(`student ${studentKind} K=${out.topics}: ${count(out.params)} parameters (teacher ${count(out.teacherParams)}, ${(out.teacherParams / out.params).toFixed(1)}× larger), final loss ${run.finalLoss.toFixed(4)}`);
          topicWords.forEach((w, k) => print(`  topic ${String(k).padStart(2)}: ${w.join(' ')}`));
          print(`saved to ${flags.out} (model, and θ of the ${plural(run.documents, 'training document')} in theta.npy)`);
        }
      } finally {
        student.dispose();
      }
    } finally {
      for (const t of teachers) t.dispose();
    }
  },
});
