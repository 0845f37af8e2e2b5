import { tf, type Tensor2D } from '../tfjs/tf.js';
import { ConfigError } from '../errors.js';
import type { NeuralTopicModel } from '../contracts/topic-model.js';

/**
 * Seeded (guided) topics: the first topics are steered towards seed words. Each seeded topic k
 * adds, per document of a batch, λ · mean_{w ∈ S_k} −log softmax(β̃_k)_w — the cross-entropy of
 * its word distribution against its seed words — to the training loss, where β̃ is β with each
 * seed word's column centred over the topics. Why centred: the decoder's batch norm over the
 * words makes adding a constant to a word's column of β change nothing, so a term on β itself
 * lifts the seed word's whole column (it climbs every topic's list); centred, the seed word
 * rises in its topic and falls in the others. Only the seed columns: centring every column
 * would hand every β entry a tiny steady gradient, which Adam's per-entry normalisation turns
 * into full steps on rare words (they then climbed unseeded topics' lists — measured on M10).
 * Its gradient has a closed form, G = λ·B·(softmax(β̃_k) − 1[v ∈ S_k]/|S_k|) on the seeded rows
 * and ∂/∂β = G with the seed columns centred, which the trainer adds to β's gradient (the tape
 * mode differentiates the same value with tfjs instead: a test compares them).
 */
export interface SeedTopics {
  /** Vocabulary indices of each seeded topic's words, topic 0 first (at most K lists, none empty). */
  words: readonly (readonly number[])[];
  /** λ, the weight of the seed term per document (default DEFAULT_SEED_STRENGTH). */
  strength?: number;
}

/**
 * λ when none is given, and how far above its row's largest weight a seed word starts. Chosen on
 * M10 (CombinedTM, K 20, 30 epochs, seeds 0–3) and 5,000 20NG posts (ProdLDA, K 10, 60 epochs,
 * seeds 0–2), three seeded topics: a start 1 above the row's largest (20× the initial weights'
 * range) held the seeds but lifted them into other topics too (NPMI −0.01 to −0.04 against the
 * unseeded runs; on 20NG 33 seed words in other topics' top 10 vs 16 unseeded); 0.3 with λ 0.3 kept
 * every seed word in its topic's top 10 with NPMI −0.0055 (M10) and +0.022 (20NG) against the
 * unseeded runs — inside their seed spread. The term alone (no start) barely moved the topics.
 */
export const DEFAULT_SEED_STRENGTH = 0.3;
export const SEED_START_MARGIN = 0.3;

/** Checks seed lists against a model of K topics over V words. */
export function checkSeedTopics(seeds: SeedTopics, K: number, V: number): void {
  if (!Array.isArray(seeds.words) || seeds.words.length === 0) throw new ConfigError('seeded topics: give at least one list of seed words', 'seedTopics');
  if (seeds.words.length > K) throw new ConfigError(`seeded topics: ${seeds.words.length} seed lists for K = ${K} topics; give at most K lists (they steer topics 0 … ${K - 1})`, 'seedTopics');
  seeds.words.forEach((ws, k) => {
    if (!Array.isArray(ws) || ws.length === 0) throw new ConfigError(`seeded topics: the list of topic ${k} has no word of the vocabulary`, 'seedTopics');
    for (const w of ws) if (!Number.isInteger(w) || w < 0 || w >= V) throw new ConfigError(`seeded topics: word index ${w} of topic ${k} is outside the ${V}-word vocabulary`, 'seedTopics');
  });
  const s = seeds.strength ?? DEFAULT_SEED_STRENGTH;
  if (!(typeof s === 'number' && Number.isFinite(s) && s > 0)) throw new ConfigError(`seeded topics: "seedStrength" must be a number > 0, got ${s}`, 'seedStrength');
}

/** The K×V parameter whose rows' softmax are the topics' word weights, or a typed error for kinds without one. */
export function topicWordParameter(model: NeuralTopicModel): tf.Variable {
  const beta = model.params.get('beta');
  if (!beta || beta.shape.length !== 2 || beta.shape[0] !== model.numTopics || beta.shape[1] !== model.config.vocabSize) throw noTopicWordParameter(model.kind);
  return beta;
}

/** The refusal for a model kind seeded topics cannot steer. */
export function noTopicWordParameter(kind: string): ConfigError {
  return new ConfigError(`seeded topics steer a K×V topic-word parameter trained by gradients ("beta"), which a "${kind}" model does not have; choose combined, zeroshot, prodlda or neurallda`, 'seedTopics');
}

/**
 * Starts each seeded topic on its seed words: β_kw of a seed word w is raised to the row's
 * largest weight plus `margin`, so from the first step the documents that use the seed words
 * are the ones the topic explains best (the seed term then keeps them there). Called once,
 * before training from scratch (not when resuming).
 */
export function initSeedTopics(beta: tf.Variable, seeds: SeedTopics, margin = SEED_START_MARGIN): void {
  const [, V] = beta.shape as [number, number];
  const data = beta.dataSync().slice() as Float32Array;
  seeds.words.forEach((ws, k) => {
    const row = data.subarray(k * V, (k + 1) * V);
    let max = -Infinity;
    for (const x of row) max = Math.max(max, x);
    for (const w of ws) row[w] = max + margin;
  });
  tf.tidy(() => beta.assign(tf.tensor2d(data, beta.shape as [number, number])));
}

/** 1 on the columns of seed words, 0 elsewhere (1×V). */
function seedColumns(seeds: SeedTopics, V: number): tf.Tensor {
  const c = new Float32Array(V);
  for (const ws of seeds.words) for (const w of ws) c[w] = 1;
  return tf.tensor2d(c, [1, V]);
}

/** β with the seed words' columns centred over the topics (the other columns as they are). */
function centreSeedColumns(x: tf.Tensor, columns: tf.Tensor): tf.Tensor {
  return tf.sub(x, tf.mul(columns, tf.mean(x, 0, true)));
}

/** The seeded rows' mask: M[k][v] = 1/|S_k| for v ∈ S_k (S×V, S the number of seeded topics). */
function seedMask(seeds: SeedTopics, V: number): Tensor2D {
  const S = seeds.words.length;
  const m = new Float32Array(S * V);
  seeds.words.forEach((ws, k) => {
    const unique = [...new Set(ws)];
    for (const w of unique) m[k * V + w] = 1 / unique.length;
  });
  return tf.tensor2d(m, [S, V]);
}

/** The seed term of a batch of `batchSize` documents, as a tfjs value of β (differentiable: the tape mode's). */
export function seedTopicsLoss(beta: tf.Tensor, seeds: SeedTopics, batchSize: number): tf.Scalar {
  return tf.tidy(() => {
    const S = seeds.words.length;
    const centred = centreSeedColumns(beta, seedColumns(seeds, beta.shape[1]!));
    const rows = tf.slice(centred, [0, 0], [S, beta.shape[1]!]) as Tensor2D;
    const logP = tf.logSoftmax(rows);
    const ce = tf.neg(tf.sum(tf.mul(seedMask(seeds, beta.shape[1]!), logP)));
    return tf.mul(ce, (seeds.strength ?? DEFAULT_SEED_STRENGTH) * batchSize) as tf.Scalar;
  });
}

/** The seed term's value and its gradient with respect to β (K×V; zero on unseeded rows), in closed form. */
export function seedTopicsGradient(beta: tf.Tensor, seeds: SeedTopics, batchSize: number): { value: tf.Scalar; grad: tf.Tensor } {
  return tf.tidy(() => {
    const [K, V] = beta.shape as [number, number];
    const S = seeds.words.length;
    const scale = (seeds.strength ?? DEFAULT_SEED_STRENGTH) * batchSize;
    const columns = seedColumns(seeds, V);
    const centred = centreSeedColumns(beta, columns);
    const rows = tf.slice(centred, [0, 0], [S, V]) as Tensor2D;
    const mask = seedMask(seeds, V);
    const logP = tf.logSoftmax(rows);
    const value = tf.mul(tf.neg(tf.sum(tf.mul(mask, logP))), scale) as tf.Scalar;
    let g: tf.Tensor = tf.mul(tf.sub(tf.exp(logP), mask), scale);
    if (S < K) g = tf.concat([g, tf.zeros([K - S, V])], 0);
    // centring is its own adjoint: the gradient with respect to β is G with the same columns centred
    return { value, grad: centreSeedColumns(g, columns) };
  });
}
