import { tf, ConfigError, DataError, Random, contextualWeightFloats, nodeBuiltin, type ModelPreparation, type Tensor2D, type TopicModelConfig, type TopicModelFactory } from '@topickd/core/plugin';
import { NeuralLda } from './neurallda.js';
import type { TopicWordLogits } from './mixture-decoder.js';
import { uniqueVariableName } from './model-parts.js';

/** ETM's own settings (`config.options`). */
export interface EtmOptions {
  /**
   * A word-vector text file (GloVe / word2vec text format: `word v1 v2 ...` per line, an
   * optional `count dim` header) for ρ instead of the run's encoder. Vocabulary words it
   * lacks get the zero vector (the same logit in every topic).
   */
  wordVectors?: string;
  /** ρ's width; set when ρ is made (the encoder's or the file's dimension) and saved with the model. */
  wordDim?: number;
}

/**
 * The Embedded Topic Model (Dieng, Ruiz & Blei 2020): topics are points in a word-embedding
 * space. β_k = softmax(ρ · α_k) over the vocabulary, ρ (V×L) the word embeddings (fixed, as
 * ETM with pre-fitted embeddings), α (K×L) the learned topic embeddings; p(w|d) = θ · β.
 *
 * ρ comes from the run's sentence encoder applied to each vocabulary word (the bundled
 * Universal Sentence Encoder by default), or from a word-vector file (`wordVectors`).
 * The inference network is core's (ProdLDA's: bag of words in, batch-normed μ and log σ²,
 * learned prior) rather than ETM's ReLU network with a standard-normal prior, so the
 * comparison with ProdLDA and NeuralLDA isolates the decoder. Training runs core's passes with
 * the mixture decoder plugged in, as NeuralLDA's.
 */
export class Etm extends NeuralLda {
  constructor(config: TopicModelConfig, seed = 0) {
    super({ ...config, kind: 'etm' }, seed, 'etm');
    // no free β and no batch norm over it: β comes from α and ρ
    this.params.get('beta')!.dispose();
    this.params.delete('beta');
    this.running.delete('beta');
    const L = config.options?.wordDim;
    if (L !== undefined) {
      if (!Number.isInteger(L) || (L as number) <= 0) throw new ConfigError(`ETM option "wordDim" must be a positive integer, got ${JSON.stringify(L)}`, 'modelOptions.wordDim');
      this.addEmbeddings(new Float32Array(config.vocabSize * (L as number)), L as number, seed);
    }
    for (const k of Object.keys(config.options ?? {})) {
      if (k !== 'wordVectors' && k !== 'wordDim') throw new ConfigError(`unknown ETM option "${k}"; ETM takes: wordVectors, wordDim`, `modelOptions.${k}`);
    }
  }

  private addEmbeddings(rho: Float32Array, L: number, seed: number): void {
    const { numTopics: K, vocabSize: V } = this.config;
    const b = 1 / Math.sqrt(L); // nn.Linear(L, K, bias=False)'s default initialisation, as ETM's alphas
    const alphas = new Random(seed ^ 0x3e7).uniformArray(K * L, -b, b);
    // insertion order fixes the saved tensor order: before the prior's parameters
    const prior = ['prior.mean', 'prior.variance'].map((n) => [n, this.params.get(n)!] as const);
    for (const [n] of prior) this.params.delete(n);
    this.params.set('topic_embeddings', tf.variable(tf.tensor2d(alphas, [K, L]), true, uniqueVariableName('etm.alphas')));
    this.params.set('rho', tf.variable(tf.tensor2d(rho, [V, L]), false, uniqueVariableName('etm.rho')));
    for (const [n, v] of prior) this.params.set(n, v);
    this.config.options = { ...this.config.options, wordDim: L };
  }

  /** Makes ρ from the word-vector file or the run's encoder (once; a loaded model has its ρ). */
  async prepare(context: ModelPreparation): Promise<void> {
    if (this.params.has('rho')) return;
    const V = this.config.vocabSize;
    if (context.vocabulary.length !== V) throw new DataError(`ETM was built for ${V} words but the vocabulary has ${context.vocabulary.length}`, 'VOCABULARY_MISMATCH');
    const file = this.config.options?.wordVectors;
    let rho: Float32Array;
    let L: number;
    if (typeof file === 'string') ({ rho, dim: L } = readWordVectors(file, context.vocabulary));
    else {
      const m = await context.embedTexts(context.vocabulary);
      if (m.rows !== V) throw new DataError(`the encoder returned ${m.rows} rows for ${V} words`, 'DIMENSION_MISMATCH');
      ({ data: rho, cols: L } = m);
    }
    this.addEmbeddings(Float32Array.from(rho), L, 0);
  }

  /** α ρᵀ (K×V): softmax of a row is that topic's distribution over words. */
  override beta(): { rows: number; cols: number; data: Float32Array } {
    const data = tf.tidy(() => tf.matMul(this.params.get('topic_embeddings')!, this.params.get('rho')!, false, true).dataSync() as Float32Array);
    return { rows: this.config.numTopics, cols: this.config.vocabSize, data };
  }

  private embeddingsOrThrow(): { alphas: Tensor2D; rho: Tensor2D } {
    const alphas = this.params.get('topic_embeddings');
    const rho = this.params.get('rho');
    if (!alphas || !rho) throw new ConfigError('this ETM has no word embeddings yet: train it with `fit` (which embeds the vocabulary) or load a trained one', 'model');
    return { alphas: alphas as unknown as Tensor2D, rho: rho as unknown as Tensor2D };
  }

  /** S = α ρᵀ; ∂L/∂α = (∂L/∂S)·ρ (ρ is fixed). */
  protected override topicWordLogits(): TopicWordLogits {
    return {
      forward: (_stats, kernels) => {
        const { alphas, rho } = this.embeddingsOrThrow();
        const logits = kernels.fastTransposedMatMul === true ? tf.matMul(alphas, rho, false, true) : tf.matMul(alphas, tf.transpose(rho));
        return { logits: logits as Tensor2D, cache: null };
      },
      backward: (g) => {
        const { alphas, rho } = this.embeddingsOrThrow();
        return { topic_embeddings: g ? tf.matMul(g, rho) : tf.zeros(alphas.shape) };
      },
    };
  }

  /** β = softmax(α ρᵀ), one distribution over words per topic. */
  protected override topicWordsEval(): Tensor2D {
    const { alphas, rho } = this.embeddingsOrThrow();
    return tf.softmax(tf.matMul(alphas, rho, false, true)) as Tensor2D;
  }
}

/** Reads word vectors for `vocabulary` from a GloVe / word2vec text file; words it lacks get zeros. */
export function readWordVectors(path: string, vocabulary: readonly string[]): { rho: Float32Array; dim: number } {
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  if (!fs) throw new ConfigError('ETM\'s "wordVectors" file can only be read in Node; in a browser, train with the encoder\'s word embeddings', 'modelOptions.wordVectors');
  if (!fs.existsSync(path)) throw new ConfigError(`ETM's word-vector file ${path} does not exist`, 'modelOptions.wordVectors');
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  let dim = 0;
  let rho = new Float32Array(0);
  let found = 0;
  const lines = fs.readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, n) => {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2 || (n === 0 && parts.length === 2 && /^\d+$/.test(parts[0]))) return; // blank, or the word2vec header
    if (dim === 0) {
      dim = parts.length - 1;
      rho = new Float32Array(vocabulary.length * dim);
    }
    if (parts.length - 1 !== dim) throw new DataError(`${path}:${n + 1}: ${parts.length - 1} numbers where the file's first vector has ${dim}`, 'DIMENSION_MISMATCH');
    const i = index.get(parts[0]);
    if (i === undefined) return;
    for (let j = 0; j < dim; j++) {
      const v = Number(parts[j + 1]);
      if (!Number.isFinite(v)) throw new DataError(`${path}:${n + 1}: "${parts[j + 1]}" is not a number`, 'DIMENSION_MISMATCH');
      rho[i * dim + j] = v;
    }
    found++;
  });
  if (found === 0) throw new DataError(`${path} has a vector for none of the ${vocabulary.length} vocabulary words`, 'VOCABULARY_MISMATCH');
  return { rho, dim };
}


export const etmFactory = {
  name: 'etm',
  description: 'ETM (Dieng et al. 2020): β = softmax(ρ·α_k) with word embeddings ρ from the encoder (or a word-vector file); bag of words in',
  needsBow: true,
  needsEmbeddings: false,
  create: (config: Omit<TopicModelConfig, 'kind'>, seed: number): Etm => new Etm({ ...config, kind: 'etm' }, seed),
  /** NeuralLDA's network without β and its batch-norm statistics, plus α (K×L) and ρ (V×L); L = options.wordDim (a saved model has it). */
  weightFloats: (config: Omit<TopicModelConfig, 'kind'>): number => {
    const { numTopics: K, vocabSize: V } = config;
    const L = Number(config.options?.wordDim ?? 0);
    return contextualWeightFloats(config, 'bow') - K * V - 2 * V + (K + V) * L;
  },
} satisfies TopicModelFactory;
