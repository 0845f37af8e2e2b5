import { ConfigError } from '@topickd/core';
import { basename } from 'node:path';
import type { Command } from '../command.js';
import { createRuntime, loadDataset, BUNDLED_DATASETS } from '../pipeline.js';
import { paperHyper, resultsTable, runExperiment } from '../experiment.js';

export const experimentCommand: Command = {
  name: 'experiment',
  summary: "the paper's experiment: teacher, student alone and distilled student per K and seed",
  usage: 'topickd experiment --dataset m10|20ng|PATH --topics 20,50 --seeds 0,1,2 [--alpha A --temperature T] [--epochs N] --out DIR',
  example: 'topickd experiment --dataset m10 --topics 20,50 --seeds 0,1,2 --out runs/m10',
  ownFlags: ['topics'],
  flags: {
    dataset: { type: 'string', arg: 'NAME|PATH', description: 'm10, 20ng (bundled) or a corpus path' },
    topics: { type: 'numbers', arg: 'K,K', description: 'numbers of topics (default 20,50)' },
    seeds: { type: 'numbers', arg: 'S,S', description: 'seeds (default 0,1,2)' },
    alpha: { type: 'number', arg: 'A', description: "KD weight for every K (default: the paper's per dataset and K)" },
    temperature: { type: 'number', arg: 'T', description: "temperature for every K (default: the paper's)" },
    epochs: { type: 'integer', arg: 'N', description: 'epochs per model (default 100)' },
    losses: { type: 'list', arg: 'L,L', description: 'distillation losses (default w2,ce)' },
    encoder: { type: 'string', arg: 'NAME', description: 'student encoder (default use)' },
    'teacher-encoder': { type: 'string', arg: 'NAME', description: 'teacher encoder (default: the student encoder)' },
    'teacher-hidden': { type: 'numbers', arg: 'H,H', description: 'teacher hidden layers (default 100,100)' },
    'student-hidden': { type: 'numbers', arg: 'H,H', description: 'student hidden layers (default 100,100)' },
    out: { type: 'string', arg: 'DIR', description: 'folder for results.json, results.md, report.html and the models' },
    'no-models': { type: 'boolean', description: 'do not save the trained models' },
  },
  async run({ cfg, flags, print, json, progress, logger }) {
    const datasetArg = (flags.dataset as string | undefined) ?? cfg.data;
    if (!datasetArg) throw new ConfigError('give --dataset m10, 20ng or a corpus path', 'dataset');
    if (!cfg.out) throw new ConfigError('give the output folder: --out DIR', 'out');
    const topics = (flags.topics as number[] | undefined) ?? [20, 50];
    const seeds = (flags.seeds as number[] | undefined) ?? [0, 1, 2];
    for (const K of topics) if (!Number.isInteger(K) || K <= 0) throw new ConfigError(`--topics must list positive integers, got ${K}`, 'topics');
    for (const s of seeds) if (!Number.isInteger(s)) throw new ConfigError(`--seeds must list integers, got ${s}`, 'seeds');
    const name = (BUNDLED_DATASETS as readonly string[]).includes(datasetArg.toLowerCase()) ? datasetArg.toLowerCase() : basename(datasetArg);
    const teacherEncoder = (flags.teacherEncoder as string | undefined) ?? cfg.teacherEncoder;
    const runCfg = { ...cfg, teacherEncoder };
    const rt = await createRuntime(runCfg, logger);
    const dataset = loadDataset(runCfg, datasetArg);
    const res = await runExperiment(
      rt,
      dataset,
      runCfg,
      {
        datasetName: name,
        topics,
        seeds,
        out: cfg.out,
        hyper: (K) => {
          const p = paperHyper(name, K);
          return { alpha: cfg.alpha ?? p.alpha, temperature: cfg.temperature ?? p.temperature };
        },
        teacher: { model: cfg.teacher?.model ?? 'combined', hidden: (flags.teacherHidden as number[] | undefined) ?? cfg.teacher?.hidden ?? [100, 100] },
        student: { model: cfg.student?.model ?? 'zeroshot', hidden: (flags.studentHidden as number[] | undefined) ?? cfg.student?.hidden ?? [100, 100] },
        saveModels: !flags.noModels,
      },
      progress,
    );
    if (json) print(JSON.stringify(res));
    else print(resultsTable(res));
  },
};
