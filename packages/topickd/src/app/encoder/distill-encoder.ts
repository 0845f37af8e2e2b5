import { ConfigError, Random, type Float32Matrix, type Logger } from '@topickd/core';
import { writeFileAtomic } from '@topickd/core/node';
import { STATIC_FILES, staticTableDigest, UseEncoder, UseTokenizer, type StaticEncoderManifest } from '@topickd/encoders';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { join } from 'node:path';

/** How `topickd distill-encoder` builds a static encoder (defaults in brackets). */
export interface DistillEncoderOptions {
  /** Embedding size after PCA [256]; at most the sentence encoder's (512). */
  dim?: number;
  /** SIF's a in a / (a + p(piece)) [1e-3]. */
  sifA?: number;
  /** The sentence encoder the vectors come from (`use` only). */
  from?: string;
  /**
   * The sentence encoder's embeddings of the corpus's documents (row-aligned with `texts`):
   * each piece's vector becomes the mean of the embeddings of the documents it occurs in (with
   * its own vector counted `prior` times), so the table carries what the encoder says of the
   * corpus, not only of pieces alone. Without them: the pieces alone (Model2Vec's base).
   */
  documentEmbeddings?: Float32Matrix;
  /** Epochs of refinement on the corpus (with documentEmbeddings; default 10, 0: none). */
  refineEpochs?: number;
  /** Weight of a piece's own vector against its documents' (default 1). */
  prior?: number;
  /** The use encoder's weights quantized while distilling (as --quantize). */
  quantize?: 'int8' | 'float16';
  onProgress?: (done: number, total: number) => void;
  logger?: Logger;
}

export interface DistilledEncoder {
  manifest: StaticEncoderManifest;
  /** Bytes written (all four files). */
  bytes: number;
  /** Share of the variance of the piece vectors the kept dimensions hold. */
  varianceKept: number;
  seconds: number;
}

/**
 * A static encoder distilled from the Universal Sentence Encoder, Model2Vec's way: every
 * vocabulary piece through the encoder on its own, the vectors reduced by PCA to `dim`
 * dimensions (centred; each component's sign fixed so its largest loading is positive), each
 * piece's vector weighted by SIF from the corpus's piece frequencies (a / (a + p): frequent
 * pieces count less in a text's mean), then stored as int8 with a float32 scale per piece.
 * Deterministic: the same corpus and options give the same bytes. Writes `dir`.
 */
export async function distillStaticEncoder(texts: readonly string[], dir: string, options: DistillEncoderOptions = {}): Promise<DistilledEncoder> {
  const t0 = performance.now();
  const from = options.from ?? 'use';
  if (from !== 'use') throw new ConfigError(`distill-encoder distils the use encoder (its SentencePiece vocabulary is the table's); got --from ${from}`, 'from');
  const source = new UseEncoder(options.quantize ? { quantize: options.quantize } : {});
  await source.load();
  const full = 512;
  const dim = options.dim ?? 256;
  if (!Number.isInteger(dim) || dim < 1 || dim > full) throw new ConfigError(`--dim must be an integer from 1 to ${full} (the use encoder's size), got ${dim}`, 'dim');
  const a = options.sifA ?? 1e-3;
  if (!(a > 0)) throw new ConfigError(`the SIF constant must be > 0, got ${a}`, 'sifA');
  if (!texts.length) throw new ConfigError('distill-encoder weights pieces by their frequency in a corpus: give documents with --data', 'data');
  const vocab = await source.vocabulary();
  const N = vocab.length;
  // 1. every piece through the sentence encoder on its own
  const ids = Array.from({ length: N }, (_, i) => [i]);
  const X = new Float32Array(N * full);
  const step = 512;
  for (let s = 0; s < N; s += step) {
    const part = await source.embedTokenIds(ids.slice(s, s + step), { batchSize: 256 });
    X.set(part.data, s * full);
    options.onProgress?.(Math.min(N, s + step), N);
  }
  source.dispose();
  // the corpus's pieces, counted per document (also the SIF frequencies below)
  const tokenizer = new UseTokenizer(vocab);
  const counts = new Float64Array(N);
  let tokens = 0;
  const docPieces = texts.map((text) => tokenizer.encodePrefix(text, 128));
  for (const ids of docPieces) {
    for (const id of ids) counts[id]++;
    tokens += ids.length;
  }
  const E = options.documentEmbeddings;
  if (E) {
    if (E.rows !== texts.length || E.cols !== full) throw new ConfigError(`the document embeddings are ${E.rows} × ${E.cols}; expected ${texts.length} × ${full} (one row per document, the use encoder's size)`, 'documentEmbeddings');
    const prior = options.prior ?? 1;
    const sums = new Float64Array(N * full);
    docPieces.forEach((ids, d) => {
      const e = E.data.subarray(d * full, (d + 1) * full);
      for (const id of ids) {
        const off = id * full;
        for (let j = 0; j < full; j++) sums[off + j] += e[j];
      }
    });
    for (let t = 0; t < N; t++) {
      if (!counts[t]) continue;
      const inv = 1 / (counts[t] + prior);
      for (let j = 0; j < full; j++) X[t * full + j] = (sums[t * full + j] + prior * X[t * full + j]) * inv;
    }
  }
  // 2. PCA: centre, eigenvectors of the covariance, the `dim` largest
  const mean = new Float64Array(full);
  for (let t = 0; t < N; t++) for (let j = 0; j < full; j++) mean[j] += X[t * full + j] / N;
  const cov = new Float64Array(full * full);
  const row = new Float64Array(full);
  for (let t = 0; t < N; t++) {
    for (let j = 0; j < full; j++) row[j] = X[t * full + j] - mean[j];
    for (let i = 0; i < full; i++) {
      const ri = row[i] / N;
      if (ri === 0) continue;
      const off = i * full;
      for (let j = i; j < full; j++) cov[off + j] += ri * row[j];
    }
  }
  const C = new Matrix(full, full);
  for (let i = 0; i < full; i++) for (let j = i; j < full; j++) {
    C.set(i, j, cov[i * full + j]);
    C.set(j, i, cov[i * full + j]);
  }
  const evd = new EigenvalueDecomposition(C, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = Array.from(values.keys()).sort((p, q) => values[q] - values[p] || p - q).slice(0, dim);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const kept = order.reduce((s, k) => s + Math.max(values[k], 0), 0);
  const W = new Float64Array(full * dim); // column c: component order[c]
  order.forEach((k, c) => {
    let big = 0;
    for (let j = 0; j < full; j++) if (Math.abs(vectors.get(j, k)) > Math.abs(big)) big = vectors.get(j, k);
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < full; j++) W[j * dim + c] = sign * vectors.get(j, k);
  });
  // 3. project and weight every piece
  const project = (src: ArrayLike<number>, srcOff: number, dst: Float64Array, dstOff: number) => {
    for (let j = 0; j < full; j++) {
      const v = src[srcOff + j] - mean[j];
      const off = j * dim;
      for (let c = 0; c < dim; c++) dst[dstOff + c] += v * W[off + c];
    }
  };
  const T = new Float64Array(N * dim);
  for (let t = 0; t < N; t++) {
    project(X, t * full, T, t * dim);
    const w = a / (a + (tokens ? counts[t] / tokens : 0));
    for (let c = 0; c < dim; c++) T[t * dim + c] *= w;
  }
  // 4. refined on the corpus: each document's mean of pieces regresses the encoder's (projected) embedding
  let fit: { before: number; after: number } | undefined;
  if (E && (options.refineEpochs ?? 10) > 0) fit = refineTable(T, dim, docPieces, E, project, options.refineEpochs ?? 10);
  // 5. int8 per piece with a float32 scale
  const q = new Int8Array(N * dim);
  const scales = new Float32Array(N);
  for (let t = 0; t < N; t++) {
    let max = 0;
    for (let c = 0; c < dim; c++) max = Math.max(max, Math.abs(T[t * dim + c]));
    const scale = max > 0 ? max / 127 : 1;
    scales[t] = scale;
    for (let c = 0; c < dim; c++) q[t * dim + c] = Math.round(T[t * dim + c] / scale);
  }
  const qBytes = new Uint8Array(q.buffer);
  const sBytes = new Uint8Array(scales.buffer);
  const manifest: StaticEncoderManifest = {
    format: 'topickd-static',
    version: 1,
    dim,
    tokens: N,
    tokenizer: 'use-sentencepiece',
    source: source.id,
    weighting: { kind: 'sif', a, corpusDocuments: texts.length },
    pieces: E ? { kind: 'corpus-mean', prior: options.prior ?? 1, refineEpochs: options.refineEpochs ?? 10, ...(fit ? { cosine: fit } : {}) } : { kind: 'alone' },
    quantization: 'int8-row',
    sha256: await staticTableDigest(qBytes, sBytes),
  };
  const vocabJson = JSON.stringify(vocab);
  writeFileAtomic(join(dir, STATIC_FILES.vectors), qBytes);
  writeFileAtomic(join(dir, STATIC_FILES.scales), sBytes);
  writeFileAtomic(join(dir, STATIC_FILES.vocabulary), vocabJson);
  writeFileAtomic(join(dir, STATIC_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`); // last: a folder with static.json is complete
  const bytes = qBytes.byteLength + sBytes.byteLength + Buffer.byteLength(vocabJson) + Buffer.byteLength(JSON.stringify(manifest, null, 2)) + 1;
  return { manifest, bytes, varianceKept: total > 0 ? kept / total : 0, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Adam on the table (rows touched by a batch only) so that each document's sum of piece
 * vectors points where the encoder's embedding of it does: loss 1 − cos(Σ pieces, y), y the
 * document's embedding projected by the same PCA. Mean cosine before and after (training set).
 * Documents in a fixed shuffled order per epoch (seeded), so the same input gives the same table.
 */
function refineTable(
  T: Float64Array,
  dim: number,
  docPieces: readonly number[][],
  E: Float32Matrix,
  project: (src: ArrayLike<number>, srcOff: number, dst: Float64Array, dstOff: number) => void,
  epochs: number,
): { before: number; after: number } {
  const D = docPieces.length;
  const Y = new Float64Array(D * dim);
  for (let d = 0; d < D; d++) {
    project(E.data, d * E.cols, Y, d * dim);
    let n = 0;
    for (let c = 0; c < dim; c++) n += Y[d * dim + c] ** 2;
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    for (let c = 0; c < dim; c++) Y[d * dim + c] *= inv;
  }
  const m = new Float64Array(T.length);
  const v = new Float64Array(T.length);
  const G = new Float64Array(T.length);
  const touched = new Uint8Array(T.length / dim);
  const s = new Float64Array(dim);
  const lr = 0.003;
  const b1 = 0.9;
  const b2 = 0.999;
  let step = 0;
  const meanCos = () => {
    let total = 0;
    let n = 0;
    for (let d = 0; d < D; d++) {
      if (!docPieces[d].length) continue;
      total += cosine(d);
      n++;
    }
    return n ? total / n : 0;
  };
  const cosine = (d: number) => {
    s.fill(0);
    for (const id of docPieces[d]) for (let c = 0; c < dim; c++) s[c] += T[id * dim + c];
    let ss = 0;
    let sy = 0;
    for (let c = 0; c < dim; c++) {
      ss += s[c] * s[c];
      sy += s[c] * Y[d * dim + c];
    }
    return ss > 0 ? sy / Math.sqrt(ss) : 0;
  };
  const before = meanCos();
  const rng = new Random(20261207);
  const order = Array.from({ length: D }, (_, i) => i);
  const batch = 64;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = D - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b = 0; b < D; b += batch) {
      const rows: number[] = [];
      for (let k = b; k < Math.min(D, b + batch); k++) {
        const d = order[k];
        const ids = docPieces[d];
        if (!ids.length) continue;
        s.fill(0);
        for (const id of ids) for (let c = 0; c < dim; c++) s[c] += T[id * dim + c];
        let ss = 0;
        let sy = 0;
        for (let c = 0; c < dim; c++) {
          ss += s[c] * s[c];
          sy += s[c] * Y[d * dim + c];
        }
        if (!(ss > 0)) continue;
        const ns = Math.sqrt(ss);
        // d(1 − s·y/|s|)/ds = −(y/|s| − (s·y) s/|s|³)
        for (const id of ids) {
          if (!touched[id]) {
            touched[id] = 1;
            rows.push(id);
          }
          for (let c = 0; c < dim; c++) G[id * dim + c] -= (Y[d * dim + c] / ns - (sy * s[c]) / (ns * ss)) / batch;
        }
      }
      step++;
      const c1 = 1 - b1 ** step;
      const c2 = 1 - b2 ** step;
      for (const id of rows) {
        for (let c = 0; c < dim; c++) {
          const k = id * dim + c;
          m[k] = b1 * m[k] + (1 - b1) * G[k];
          v[k] = b2 * v[k] + (1 - b2) * G[k] * G[k];
          T[k] -= (lr * (m[k] / c1)) / (Math.sqrt(v[k] / c2) + 1e-8);
          G[k] = 0;
        }
        touched[id] = 0;
      }
    }
  }
  return { before, after: meanCos() };
}
