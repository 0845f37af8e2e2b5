import { tf } from './tf.js';

/** The sizes of a (batched) matrix product op(A)·op(B), as tfjs's BatchMatMul defines it. */
export interface MatMulGeometry {
  M: number;
  N: number;
  K: number;
  /** Broadcast batch dimensions of the output (before [M, N]). */
  outer: number[];
  batch: number;
  /** Batches of each operand: equal to `batch`, or 1 (that operand is shared by every batch). */
  batchA: number;
  batchB: number;
}

const size = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);

/**
 * The geometry of BatchMatMul(a, b) for native kernels that handle batch dimensions that are
 * equal, or where one operand is a single matrix; null for anything else (rank < 2, inner
 * sizes that differ, general broadcasting), which the caller leaves to tfjs's kernel (it
 * reports errors in tfjs's words).
 */
export function matMulGeometry(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): MatMulGeometry | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const M = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const K = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const Kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const N = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (K !== Kb) return null;
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  let outer: number[];
  try {
    outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return null;
  }
  const batch = size(outer);
  const batchA = size(outerA);
  const batchB = size(outerB);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
  return { M, N, K, outer, batch, batchA, batchB };
}
