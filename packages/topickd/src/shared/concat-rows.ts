import { DataError, type Float32Matrix } from '@topickd/core';

/** Rows of several matrices of the same width, one after the other (`computed` summed when present). */
export function concatRows<M extends Float32Matrix & { computed?: number }>(parts: readonly M[]): Float32Matrix & { computed: number } {
  const cols = parts[0]?.cols ?? 0;
  const rows = parts.reduce((a, p) => a + p.rows, 0);
  const data = new Float32Array(rows * cols);
  let r = 0;
  for (const p of parts) {
    if (p.cols !== cols) throw new DataError(`blocks of embeddings disagree in width (${p.cols} vs ${cols}): the workers run different encoders`, 'DIMENSION_MISMATCH');
    data.set(p.data.subarray(0, p.rows * cols), r * cols);
    r += p.rows;
  }
  return { rows, cols, data, computed: parts.reduce((a, p) => a + (p.computed ?? 0), 0) };
}
