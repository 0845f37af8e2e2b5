import { resolve } from 'node:path';
import { ConfigError, DEFAULT_SEED_STRENGTH, type Logger, type SeedTopics } from '@topickd/core';
import { readTextChecked } from '@topickd/core/node';
import type { RunConfig } from './run-config.js';

/** What a seeded model records (`training.seedTopics`, `training.seedStrength`): the seed words it was steered with. */
export interface SeedTopicsRecord {
  seedTopics: string[][];
  seedStrength: number;
}

/** The seed lists of a config: given inline (`[["gene", "protein"], …]`) or as a JSON file holding them. */
export function seedListsOf(cfg: Pick<RunConfig, 'seedTopics' | 'baseDir'>): string[][] | undefined {
  const given = cfg.seedTopics;
  if (given === undefined) return undefined;
  if (Array.isArray(given)) return given;
  const path = resolve(cfg.baseDir ?? process.cwd(), given);
  let raw: unknown;
  try {
    raw = JSON.parse(readTextChecked(path, 'seed topics file', 16 * 2 ** 20));
  } catch (e) {
    if (e instanceof SyntaxError) throw new ConfigError(`seed topics file ${path} is not valid JSON: ${e.message}; write a list of word lists, e.g. [["gene", "protein"], ["market", "stock"]]`, 'seedTopics');
    throw e;
  }
  const problem = seedListsProblem(raw);
  if (problem) throw new ConfigError(`seed topics file ${path} must hold ${problem}`, 'seedTopics');
  return raw as string[][];
}

/** What a run's resume fingerprint records of its seeds (`fit` and `distill`): nothing without them. */
export function seedFingerprint(cfg: Pick<RunConfig, 'seedTopics' | 'seedStrength' | 'baseDir'>): { seedTopics?: string[][]; seedStrength?: number | null } {
  return cfg.seedTopics !== undefined ? { seedTopics: seedListsOf(cfg), seedStrength: cfg.seedStrength ?? null } : {};
}

/** Why a value is not a list of seed-word lists (null when it is one). */
export function seedListsProblem(v: unknown): string | null {
  const shape = 'a list of word lists, e.g. [["gene", "protein"], ["market", "stock"]]';
  if (!Array.isArray(v) || v.length === 0) return shape;
  for (const ws of v) if (!Array.isArray(ws) || ws.length === 0 || !ws.every((w) => typeof w === 'string' && w.trim() !== '')) return `${shape} (each list non-empty, each word a non-empty string)`;
  return null;
}

/**
 * The seeds of a run against a vocabulary: words are matched lower-cased, as preprocessing
 * writes them; words the vocabulary lacks are left out with a warning; a topic left with no
 * word is an error naming it.
 */
export function resolveSeedTopics(cfg: Pick<RunConfig, 'seedTopics' | 'seedStrength' | 'baseDir'>, vocabulary: readonly string[], logger: Logger): { seeds: SeedTopics; record: SeedTopicsRecord } | undefined {
  const lists = seedListsOf(cfg);
  if (!lists) {
    if (cfg.seedStrength !== undefined) throw new ConfigError('--seed-strength weighs seeded topics: give them with --seed-topics FILE', 'seedStrength');
    return undefined;
  }
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  const words: number[][] = [];
  const kept: string[][] = [];
  lists.forEach((ws, k) => {
    const known = [...new Set(ws.map((w) => w.trim().toLowerCase()))].filter((w) => index.has(w));
    const unknown = ws.filter((w) => !index.has(w.trim().toLowerCase()));
    if (known.length === 0) throw new ConfigError(`seed topic ${k} (${ws.join(', ')}): none of its words is in the model's ${vocabulary.length}-word vocabulary; choose words the corpus uses often`, 'seedTopics');
    if (unknown.length) logger.warn(`seed topic ${k}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the vocabulary and left out`);
    words.push(known.map((w) => index.get(w)!));
    kept.push(known);
  });
  const strength = cfg.seedStrength ?? DEFAULT_SEED_STRENGTH;
  return { seeds: { words, strength }, record: { seedTopics: kept, seedStrength: strength } };
}
