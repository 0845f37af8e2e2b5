import type { CsrMatrix } from '@topickd/core';

/**
 * Class-based TF-IDF (Grootendorst 2022), as BERTopic's `ClassTfidfTransformer` with its
 * defaults: the documents of each class are joined into one, then
 *
 *   W[c, t] = (tf[c, t] / Σ_t' tf[c, t']) · ln(1 + A / f[t])
 *
 * with f[t] the frequency of t over all classes and A = ⌊mean over classes of the words
 * per class⌋ (BERTopic truncates it with `int`). A word no class holds weighs 0.
 * Returns K×V, class-major.
 */
export function classTfidf(bow: CsrMatrix, labels: ArrayLike<number>, classes: number): Float64Array {
  const V = bow.cols;
  const tf = new Float64Array(classes * V);
  for (let d = 0; d < bow.rows; d++) {
    const c = labels[d];
    if (c < 0 || c >= classes) continue; // outliers (BERTopic's −1) join no class
    for (let p = bow.indptr[d]; p < bow.indptr[d + 1]; p++) tf[c * V + bow.indices[p]] += bow.values[p];
  }
  const f = new Float64Array(V);
  const rowSums = new Float64Array(classes);
  for (let c = 0; c < classes; c++)
    for (let t = 0; t < V; t++) {
      f[t] += tf[c * V + t];
      rowSums[c] += tf[c * V + t];
    }
  const A = Math.trunc(rowSums.reduce((a, b) => a + b, 0) / classes);
  const idf = f.map((x) => (x > 0 ? Math.log(A / x + 1) : 0));
  const out = new Float64Array(classes * V);
  for (let c = 0; c < classes; c++) {
    if (rowSums[c] === 0) continue;
    for (let t = 0; t < V; t++) out[c * V + t] = (tf[c * V + t] / rowSums[c]) * idf[t];
  }
  return out;
}
