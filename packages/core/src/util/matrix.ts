import { DataError } from '../errors.js';

/** A dense row-major float32 matrix. */
export interface Float32Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function matrix(rows: number, cols: number, data?: Float32Array): Float32Matrix {
  const d = data ?? new Float32Array(rows * cols);
  if (d.length !== rows * cols) {
    throw new DataError(`matrix data has ${d.length} values, expected ${rows}×${cols} = ${rows * cols}`);
  }
  return { rows, cols, data: d };
}

export function row(m: Float32Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/**
 * Rows read on demand instead of held in memory (e.g. embeddings streamed from a file,
 * see `openEmbeddingRows` in @topickd/core/node): anything that can copy given rows out.
 */
export interface RowSource {
  rows: number;
  cols: number;
  /** Copies rows `indices` into `out` (indices.length × cols, row-major). */
  readRows(indices: ArrayLike<number>, out: Float32Array): void;
}

/** Embeddings for training: in memory, or rows read on demand. */
export type EmbeddingRows = Float32Matrix | RowSource;

export function isRowSource(m: EmbeddingRows): m is RowSource {
  return typeof (m as RowSource).readRows === 'function';
}

/** Rows `indices` of `m` copied into one new matrix (used to build batches). */
export function gatherRows(m: EmbeddingRows, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const c = m.cols;
  const res = out ?? new Float32Array(indices.length * c);
  if (isRowSource(m)) {
    m.readRows(indices, res);
    return res;
  }
  for (let r = 0; r < indices.length; r++) {
    const s = indices[r] * c;
    res.set(m.data.subarray(s, s + c), r * c);
  }
  return res;
}

export function toRowArrays(m: Float32Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(row(m, i)));
  return out;
}

/** Throws a DataError naming the first row with NaN or ±Inf. */
/** Whether every value is finite (no NaN, no ±Infinity). */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

export function assertFinite(m: Float32Matrix, what: string): void {
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!Number.isFinite(v)) {
      const r = Math.floor(i / m.cols);
      throw new DataError(`${what}: row ${r} column ${i % m.cols} is ${v}; remove or recompute that row (embeddings must be finite)`);
    }
  }
}

/** The `topn` words of highest weight in each row of a K×V matrix (ties: the lower index first). */
export function topWordsPerRow(m: Float32Matrix, vocabulary: readonly string[], topn = 10): string[][] {
  return Array.from({ length: m.rows }, (_, k) => {
    const row = m.data.subarray(k * m.cols, (k + 1) * m.cols);
    return Array.from(row.keys())
      .sort((x, y) => row[y] - row[x] || x - y)
      .slice(0, Math.min(topn, m.cols))
      .map((i) => vocabulary[i]);
  });
}

/** Elementwise natural log of a matrix (topic-word distributions → their log, a `beta()`). */
export function logMatrix(m: Float32Matrix): Float32Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.map((p) => Math.log(p)) };
}
