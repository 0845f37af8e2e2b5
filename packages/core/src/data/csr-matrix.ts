import { DataError } from '../errors.js';

/**
 * Compressed sparse rows: the bag-of-words store. Memory grows with the number of
 * non-zeros, not documents × vocabulary; batches are densified on the fly.
 */
export class CsrMatrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly values: Float32Array,
  ) {
    if (indptr.length !== rows + 1) throw new DataError(`CSR indptr has ${indptr.length} entries, expected ${rows + 1}`);
    if (indices.length !== values.length) throw new DataError('CSR indices and values differ in length');
  }

  get nnz(): number {
    return this.indptr[this.rows];
  }

  /** Builds from per-row sorted (index, count) lists. */
  static fromRows(rows: ReadonlyArray<Map<number, number>>, cols: number): CsrMatrix {
    const builder = new CsrBuilder(cols);
    for (const r of rows) builder.addRow(r);
    return builder.build();
  }

  /** Dense copy of rows `rowIds` (B×cols, row-major). */
  denseRows(rowIds: ArrayLike<number>, out?: Float32Array): Float32Array {
    const res = out ?? new Float32Array(rowIds.length * this.cols);
    if (out) res.fill(0);
    for (let r = 0; r < rowIds.length; r++) {
      const i = rowIds[r];
      const base = r * this.cols;
      for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) res[base + this.indices[k]] = this.values[k];
    }
    return res;
  }

  rowSum(i: number): number {
    let s = 0;
    for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) s += this.values[k];
    return s;
  }

  /** A new matrix holding only rows `rowIds`, in that order. */
  selectRows(rowIds: ArrayLike<number>): CsrMatrix {
    let nnz = 0;
    for (let r = 0; r < rowIds.length; r++) nnz += this.indptr[rowIds[r] + 1] - this.indptr[rowIds[r]];
    const indptr = new Int32Array(rowIds.length + 1);
    const indices = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    let p = 0;
    for (let r = 0; r < rowIds.length; r++) {
      const i = rowIds[r];
      for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) {
        indices[p] = this.indices[k];
        values[p] = this.values[k];
        p++;
      }
      indptr[r + 1] = p;
    }
    return new CsrMatrix(rowIds.length, this.cols, indptr, indices, values);
  }
}

/** Appends rows one at a time with amortised growth (used when streaming corpora). */
export class CsrBuilder {
  private indptr: number[] = [0];
  private indices = new Int32Array(1024);
  private values = new Float32Array(1024);
  private nnz = 0;
  constructor(readonly cols: number) {}

  addRow(counts: Map<number, number>): void {
    const keys = [...counts.keys()].sort((a, b) => a - b);
    if (this.nnz + keys.length > this.indices.length) {
      let cap = this.indices.length;
      while (cap < this.nnz + keys.length) cap *= 2;
      const ni = new Int32Array(cap);
      ni.set(this.indices.subarray(0, this.nnz));
      const nv = new Float32Array(cap);
      nv.set(this.values.subarray(0, this.nnz));
      this.indices = ni;
      this.values = nv;
    }
    for (const k of keys) {
      if (k < 0 || k >= this.cols) throw new DataError(`word index ${k} outside the vocabulary of ${this.cols} words`);
      this.indices[this.nnz] = k;
      this.values[this.nnz] = counts.get(k)!;
      this.nnz++;
    }
    this.indptr.push(this.nnz);
  }

  get rows(): number {
    return this.indptr.length - 1;
  }

  build(): CsrMatrix {
    return new CsrMatrix(
      this.rows,
      this.cols,
      Int32Array.from(this.indptr),
      this.indices.slice(0, this.nnz),
      this.values.slice(0, this.nnz),
    );
  }
}
