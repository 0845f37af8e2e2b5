/**
 * How α and T are chosen when a distillation run does not give them: the one place where
 * TopicKD's defaults for α and T are declared (the CLI, the API, `experiment`, `tune` and the
 * demo all ask here).
 *
 * Recipes:
 * - `auto` (the default): T = 4 and α from the corpus's mean document length n̄ (tokens
 *   per document in the bag of words): α = n̄ / (n̄ + 7.5), kept within [0.1, 0.9].
 *   Why: the reconstruction term of the VAE loss is summed over a document's tokens, so its
 *   gradient grows with n̄, while the distillation terms (W2 between two K-dimensional
 *   Gaussians, T²·CE between two word distributions) do not. A fixed α therefore means a
 *   strong pull towards the teacher on short texts and almost none on long ones (the paper's
 *   α = 0.1 on 20 Newsgroups, n̄ ≈ 50, leaves the student nearly alone). The rule keeps the
 *   ratio α / (1 − α) of the distillation terms to the VAE loss at n̄ / 7.5: on 20NG
 *   (n̄ 49.9) it gives α 0.869, where `topickd tune` found 0.87 best; on the Debian
 *   descriptions (n̄ 32.2) 0.811, where the old default 0.8 beat the search; on M10 titles
 *   (n̄ 5.9) 0.441 instead of 0.8. docs/results.md has the grids that test it.
 * - `paper`: the fixed table of Adhya & Sanyal (2023) for M10 and 20NG (other corpora: the
 *   M10 values, α 0.8 with T 4 at K < 50 and T 1 at K ≥ 50).
 *
 * α or T given explicitly always wins; the other one then comes from the recipe.
 */
import { ConfigError } from '../errors.js';

export type DistillRecipeName = 'auto' | 'paper';
export const DISTILL_RECIPES: readonly DistillRecipeName[] = ['auto', 'paper'];
/** The recipe used when none is named. */
export const DEFAULT_RECIPE: DistillRecipeName = 'auto';
/**
 * Epochs of a distillation run when none are given (`distill`, and the students of `experiment`
 * and `tune`; `experiment` trains its teachers and baselines for as many too, `fit` trains for
 * 100): the budget the default recipe is validated at. Why: at 30 epochs, with the teacher
 * shared per K, the auto recipe's student beats the student alone (interval above 0) and is
 * not below its teacher on all six settings measured — M10 and 20NG at K 20 and 50, the Debian
 * package descriptions and changelogs at K 20 (5 seeds, paired bootstrap; results/*-e30*) —
 * while at 100 epochs it did on 2 of 4; and a student distilled for 30 epochs from a 100-epoch
 * teacher is level with (M10 K 20) or above (20NG K 20) the 100-epoch student alone, in under a
 * third of its time (results/recipe-phase, docs/concepts.md).
 */
export const DISTILL_EPOCHS = 30;
/** T of the `auto` recipe. */
export const AUTO_TEMPERATURE = 4;
/** In runs of at most AUTO_SHORT_RUN epochs the `auto` recipe distils for this share of them (rounded up), then trains on the VAE loss alone. */
export const AUTO_KD_FRACTION = 0.5;
/** The longest run (epochs) that gets the `auto` recipe's distillation phase; longer runs distil every epoch. */
export const AUTO_SHORT_RUN = 50;
/** The `auto` recipe's α / (1 − α) is the mean document length over this many tokens. */
export const AUTO_TOKENS_PER_UNIT = 7.5;
const AUTO_ALPHA_RANGE: readonly [number, number] = [0.1, 0.9];

/** What the recipe needs to know of the run. */
export interface RecipeInputs {
  /** Mean tokens per document of the training corpus's bag of words (auto). */
  meanDocumentLength?: number;
  /** The dataset's name (paper: `20ng` has its own row; anything else gets M10's). */
  dataset?: string;
  /** Number of topics (paper). */
  topics: number;
  /** Epochs of the run (auto: the distillation phase is the first half of them). */
  epochs?: number;
}

/** α and T of one run, and where they came from (recorded with the model and in results.json). */
export interface DistillHyper {
  alpha: number;
  temperature: number;
  /** The recipe that filled in what was not given (`given` when both were). */
  recipe: DistillRecipeName | 'given';
  /** The mean document length the auto recipe read, where it did. */
  meanDocumentLength?: number;
  /** Distil for the first kdEpochs epochs, then the VAE loss alone (undefined: every epoch). */
  kdEpochs?: number;
}

export function isDistillRecipe(v: unknown): v is DistillRecipeName {
  return typeof v === 'string' && (DISTILL_RECIPES as readonly string[]).includes(v);
}

export function checkRecipe(v: unknown, key = 'recipe'): DistillRecipeName {
  if (v === undefined) return DEFAULT_RECIPE;
  if (!isDistillRecipe(v)) throw new ConfigError(`"${key}" must be one of ${DISTILL_RECIPES.join(', ')}, got ${JSON.stringify(v)}`, key);
  return v;
}

/** The paper's hyper-parameters (Adhya & Sanyal 2023, their Table of α and T per dataset and K). */
export function paperHyper(dataset: string | undefined, K: number): { alpha: number; temperature: number } {
  const d = (dataset ?? '').toLowerCase();
  if (d === '20ng') return K >= 50 ? { alpha: 0.9, temperature: 3 } : { alpha: 0.1, temperature: 3 };
  return K >= 50 ? { alpha: 0.8, temperature: 1 } : { alpha: 0.8, temperature: 4 };
}

/** α of the `auto` recipe for a corpus of this mean document length. */
export function autoAlpha(meanDocumentLength: number): number {
  if (!(meanDocumentLength > 0) || !Number.isFinite(meanDocumentLength)) {
    throw new ConfigError(`the auto recipe needs the corpus's mean document length (> 0 tokens), got ${meanDocumentLength}; give --alpha`, 'alpha');
  }
  const a = meanDocumentLength / (meanDocumentLength + AUTO_TOKENS_PER_UNIT);
  return Math.min(AUTO_ALPHA_RANGE[1], Math.max(AUTO_ALPHA_RANGE[0], a));
}

/** Mean tokens per document of a bag of words (CSR values: counts). */
export function meanDocumentLength(bow: { rows: number; values: ArrayLike<number> }): number {
  let total = 0;
  for (let i = 0; i < bow.values.length; i++) total += bow.values[i];
  return bow.rows > 0 ? total / bow.rows : 0;
}

/**
 * α, T and the distillation phase for a run: the ones given, the rest from the recipe. The
 * phase (`kdEpochs`) not given: `auto` in a run of at most 50 epochs distils for the first half
 * of them (rounded up) and trains on the VAE loss alone after, and in a longer run distils every
 * epoch; `paper` and runs that give both α and T (recipe `given`) distil every epoch, as the
 * paper does. Why (M10, 5 seeds, paired): at 30 epochs, distilling throughout left the student
 * no better than alone (K 20 +0.0119, K 50 −0.0062, both n.s.) while the first half did
 * (+0.0198 [+0.0103, +0.0304], +0.0153 [+0.0083, +0.0238]); at 100 epochs the phase lost to
 * distilling throughout (docs/concepts.md, "How α and T are chosen").
 */
export function distillHyper(given: { alpha?: number; temperature?: number; recipe?: DistillRecipeName; kdEpochs?: number }, inputs: RecipeInputs): DistillHyper {
  const recipe = checkRecipe(given.recipe);
  const phase = (auto: boolean) => {
    if (given.kdEpochs !== undefined) return { kdEpochs: given.kdEpochs };
    if (auto && inputs.epochs !== undefined && inputs.epochs <= AUTO_SHORT_RUN) return { kdEpochs: Math.ceil(inputs.epochs * AUTO_KD_FRACTION) };
    return {};
  };
  if (given.alpha !== undefined && given.temperature !== undefined && given.recipe === undefined) return { alpha: given.alpha, temperature: given.temperature, recipe: 'given', ...phase(false) };
  if (recipe === 'paper') {
    const p = paperHyper(inputs.dataset, inputs.topics);
    return { alpha: given.alpha ?? p.alpha, temperature: given.temperature ?? p.temperature, recipe, ...phase(false) };
  }
  const temperature = given.temperature ?? AUTO_TEMPERATURE;
  if (given.alpha !== undefined) return { alpha: given.alpha, temperature, recipe, ...phase(true) };
  const n = inputs.meanDocumentLength;
  return { alpha: autoAlpha(n ?? NaN), temperature, recipe, meanDocumentLength: n, ...phase(true) };
}
