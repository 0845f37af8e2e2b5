import type { CsrMatrix } from '@topickd/core';
import { dirichletExpectation, gammaSampler, lgamma } from './special-functions.js';

/**
 * Online variational Bayes for LDA (Hoffman, Blei & Bach 2010), step for step the algorithm
 * of gensim 4's `LdaModel.update` with one worker and `update_every = 1`:
 *
 * - λ's sufficient statistics start as Gamma(100, 1/100) draws; E[ln β] = ψ(λ) − ψ(Σ_w λ).
 * - E-step per document (the Lee & Seung form of Hoffman's `onlineldavb.py`): γ starts as
 *   Gamma(100, 1/100) draws, then γ = α + e^{E[ln θ]} ⊙ ((n/φnorm) · e^{E[ln β]}ᵀ) until the
 *   mean absolute change of γ is below `gammaThreshold` or `iterations` are done.
 * - M-step after every chunk: λ ← (1 − ρ)·λ + ρ·(N/|chunk|)·sstats, ρ = (offset + pass +
 *   updates/chunksize)^(−decay), `updates` counting the documents of the first pass.
 *
 * Layout: every K×V quantity is stored word-major (V×K) so that a document's words gather
 * as contiguous rows. Double precision throughout; `eps` is float32's as gensim's default dtype.
 */
export interface OnlineLdaSettings {
  numTopics: number;
  vocabSize: number;
  /** Symmetric document-topic prior α (default 1/K). */
  alpha: number;
  /** Symmetric topic-word prior η (default 1/K). */
  eta: number;
  passes: number;
  iterations: number;
  chunksize: number;
  decay: number;
  offset: number;
  gammaThreshold: number;
}

const EPS = 1.1920928955078125e-7;

export class OnlineLdaState {
  readonly K: number;
  readonly V: number;
  /** Sufficient statistics (λ = η + sstats), V×K. */
  readonly sstats: Float64Array;
  /** exp(E[ln β]), V×K. */
  readonly expElogbeta: Float64Array;
  private draw: (shape: number, scale: number) => number;
  private numUpdates = 0;

  /**
   * A fresh state (λ's statistics drawn from `uniform`), or, given `lambda` (V×K), the
   * state of a trained model (for θ of new documents; `uniform` then seeds only γ's draws).
   */
  constructor(
    readonly settings: OnlineLdaSettings,
    uniform: () => number,
    lambda?: Float64Array,
  ) {
    this.K = settings.numTopics;
    this.V = settings.vocabSize;
    this.draw = gammaSampler(uniform);
    this.sstats = new Float64Array(this.K * this.V);
    this.expElogbeta = new Float64Array(this.K * this.V);
    if (lambda) {
      for (let i = 0; i < this.sstats.length; i++) this.sstats[i] = lambda[i] - settings.eta;
      this.syncExpElogbeta(settings.eta);
    } else {
      for (let i = 0; i < this.sstats.length; i++) this.sstats[i] = this.draw(100, 1 / 100);
      // gensim's initial E[ln β] is taken from the draws alone (η not yet added)
      this.syncExpElogbeta(0);
    }
  }

  /** Draws from now on come from `uniform` (θ of new documents is seeded per document). */
  reseed(uniform: () => number): void {
    this.draw = gammaSampler(uniform);
  }

  /** λ = η + sstats (V×K). */
  lambda(): Float64Array {
    const out = new Float64Array(this.sstats.length);
    for (let i = 0; i < out.length; i++) out[i] = this.settings.eta + this.sstats[i];
    return out;
  }

  /** E[ln β] (V×K) of a V×K Dirichlet parameter matrix, per topic (column). */
  static elogbeta(lambda: Float64Array, K: number, V: number): Float64Array {
    const out = new Float64Array(lambda.length);
    for (let k = 0; k < K; k++) dirichletExpectation(lambda, out, V, k, K);
    return out;
  }

  private syncExpElogbeta(eta: number): void {
    const lam = eta === 0 ? this.sstats : this.lambda();
    const e = OnlineLdaState.elogbeta(lam, this.K, this.V);
    for (let i = 0; i < e.length; i++) this.expElogbeta[i] = Math.exp(e[i]);
  }

  /**
   * The E-step over documents `[start, end)` of `bow`: γ per document (n×K, written to
   * `gamma`), and, when `sstats` is given, the documents' contribution to the expected
   * sufficient statistics (V×K, before the final ⊙ e^{E[ln β]}). Returns the number of
   * documents whose γ converged.
   */
  eStep(bow: CsrMatrix, start: number, end: number, gamma: Float64Array, sstats?: Float64Array, beforeDocument?: (d: number) => void): number {
    const { K } = this;
    const alpha = this.settings.alpha;
    const Eb = this.expElogbeta;
    const elogthetad = new Float64Array(K);
    const expElogthetad = new Float64Array(K);
    const last = new Float64Array(K);
    const acc = new Float64Array(K);
    let converged = 0;
    let ebd = new Float64Array(0);
    let phinorm = new Float64Array(0);
    let ratio = new Float64Array(0);
    for (let d = start; d < end; d++) {
      beforeDocument?.(d);
      const a = bow.indptr[d];
      const n = bow.indptr[d + 1] - a;
      if (ebd.length < n * K) ebd = new Float64Array(n * K * 2);
      if (phinorm.length < n) {
        phinorm = new Float64Array(n * 2);
        ratio = new Float64Array(n * 2);
      }
      for (let j = 0; j < n; j++) ebd.set(Eb.subarray(bow.indices[a + j] * K, bow.indices[a + j] * K + K), j * K);
      const g = gamma.subarray((d - start) * K, (d - start + 1) * K);
      for (let k = 0; k < K; k++) g[k] = this.draw(100, 1 / 100);
      dirichletExpectation(g, elogthetad, K);
      for (let k = 0; k < K; k++) expElogthetad[k] = Math.exp(elogthetad[k]);
      // two rows at a time (each row's sum in the same order as one at a time: the same bits)
      const norms = () => {
        let j = 0;
        for (; j + 1 < n; j += 2) {
          let s0 = 0;
          let s1 = 0;
          const r0 = j * K;
          const r1 = r0 + K;
          for (let k = 0; k < K; k++) {
            const t = expElogthetad[k];
            s0 += t * ebd[r0 + k];
            s1 += t * ebd[r1 + k];
          }
          phinorm[j] = s0 + EPS;
          ratio[j] = bow.values[a + j] / phinorm[j];
          phinorm[j + 1] = s1 + EPS;
          ratio[j + 1] = bow.values[a + j + 1] / phinorm[j + 1];
        }
        for (; j < n; j++) {
          let s = 0;
          const row = j * K;
          for (let k = 0; k < K; k++) s += expElogthetad[k] * ebd[row + k];
          phinorm[j] = s + EPS;
          ratio[j] = bow.values[a + j] / phinorm[j];
        }
      };
      norms();
      for (let it = 0; it < this.settings.iterations; it++) {
        last.set(g);
        acc.fill(0);
        // four rows per sweep of acc (each acc[k] gets its terms in the same order: the same bits)
        let j = 0;
        for (; j + 3 < n; j += 4) {
          const q0 = ratio[j];
          const q1 = ratio[j + 1];
          const q2 = ratio[j + 2];
          const q3 = ratio[j + 3];
          const r0 = j * K;
          const r1 = r0 + K;
          const r2 = r1 + K;
          const r3 = r2 + K;
          for (let k = 0; k < K; k++) acc[k] = acc[k] + q0 * ebd[r0 + k] + q1 * ebd[r1 + k] + q2 * ebd[r2 + k] + q3 * ebd[r3 + k];
        }
        for (; j < n; j++) {
          const r = ratio[j];
          const row = j * K;
          for (let k = 0; k < K; k++) acc[k] += r * ebd[row + k];
        }
        for (let k = 0; k < K; k++) g[k] = alpha + expElogthetad[k] * acc[k];
        dirichletExpectation(g, elogthetad, K);
        for (let k = 0; k < K; k++) expElogthetad[k] = Math.exp(elogthetad[k]);
        norms();
        let change = 0;
        for (let k = 0; k < K; k++) change += Math.abs(g[k] - last[k]);
        if (change / K < this.settings.gammaThreshold) {
          converged++;
          break;
        }
      }
      if (sstats) {
        for (let j = 0; j < n; j++) {
          const r = ratio[j];
          const row = bow.indices[a + j] * K;
          for (let k = 0; k < K; k++) sstats[row + k] += expElogthetad[k] * r;
        }
      }
    }
    return converged;
  }

  /**
   * One pass of online updates over all documents (chunks in corpus order). Returns the
   * pass's estimate of the ELBO's document part (each chunk's bound under the topics it was
   * inferred with, from its own γ), for progress reporting.
   */
  pass(bow: CsrMatrix, pass: number, onChunk?: () => void): number {
    const { K, V } = this;
    const { chunksize, offset, decay } = this.settings;
    const N = bow.rows;
    let docBound = 0;
    const other = new Float64Array(K * V);
    for (let start = 0; start < N; start += chunksize) {
      const end = Math.min(N, start + chunksize);
      const gamma = new Float64Array((end - start) * K);
      other.fill(0);
      this.eStep(bow, start, end, gamma, other);
      docBound += this.documentBound(bow, start, end, gamma);
      for (let i = 0; i < other.length; i++) other[i] *= this.expElogbeta[i];
      // M-step: blend with weight ρ; the chunk's statistics stretched to the corpus size
      const rho = Math.pow(offset + pass + this.numUpdates / chunksize, -decay);
      const scale = N / (end - start);
      for (let i = 0; i < other.length; i++) this.sstats[i] = (1 - rho) * this.sstats[i] + rho * scale * other[i];
      this.syncExpElogbeta(this.settings.eta);
      if (pass === 0) this.numUpdates += end - start;
      onChunk?.();
    }
    return docBound;
  }

  /** The ELBO's per-document terms for documents [start, end) given their γ (gensim's `bound`, document part). */
  documentBound(bow: CsrMatrix, start: number, end: number, gamma: Float64Array): number {
    const { K } = this;
    const alpha = this.settings.alpha;
    const elogbeta = new Float64Array(K);
    const elogtheta = new Float64Array(K);
    const tmp = new Float64Array(K);
    let score = 0;
    const lgAlpha = lgamma(alpha);
    const lgSumAlpha = lgamma(alpha * K);
    for (let d = start; d < end; d++) {
      const g = gamma.subarray((d - start) * K, (d - start + 1) * K);
      dirichletExpectation(g, elogtheta, K);
      for (let p = bow.indptr[d]; p < bow.indptr[d + 1]; p++) {
        const row = bow.indices[p] * K;
        let m = -Infinity;
        for (let k = 0; k < K; k++) {
          elogbeta[k] = Math.log(this.expElogbeta[row + k]);
          tmp[k] = elogtheta[k] + elogbeta[k];
          if (tmp[k] > m) m = tmp[k];
        }
        let s = 0;
        for (let k = 0; k < K; k++) s += Math.exp(tmp[k] - m);
        score += bow.values[p] * (m + Math.log(s));
      }
      let gsum = 0;
      for (let k = 0; k < K; k++) {
        score += (alpha - g[k]) * elogtheta[k] + lgamma(g[k]) - lgAlpha;
        gsum += g[k];
      }
      score += lgSumAlpha - lgamma(gsum);
    }
    return score;
  }

  /** The ELBO's topic part: E[ln p(β|η)] − E[ln q(β|λ)]. */
  topicBound(): number {
    const { K, V } = this;
    const eta = this.settings.eta;
    const lam = this.lambda();
    const e = OnlineLdaState.elogbeta(lam, K, V);
    let score = 0;
    const lgEta = lgamma(eta);
    for (let i = 0; i < lam.length; i++) score += (eta - lam[i]) * e[i] + lgamma(lam[i]) - lgEta;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let w = 0; w < V; w++) s += lam[w * K + k];
      score += lgamma(eta * V) - lgamma(s);
    }
    return score;
  }

  /** The full ELBO of a corpus under the current topics (a fresh E-step), as gensim's `bound(corpus)`. */
  bound(bow: CsrMatrix): number {
    const gamma = new Float64Array(bow.rows * this.K);
    this.eStep(bow, 0, bow.rows, gamma);
    return this.documentBound(bow, 0, bow.rows, gamma) + this.topicBound();
  }
}

