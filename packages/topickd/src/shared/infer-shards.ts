/** The inference batch of `inferTheta`: shards of work for threads or workers begin on its multiples. */
export const INFER_BATCH = 512;

/**
 * Shards of whole inference batches, as even as the batches allow: [start, end) for each
 * thread (or Web Worker) that gets any. Each shard is inferred with `inferTheta`'s `offset`
 * set to its start, so the rows are the ones a single thread gives. Browser-safe.
 */
export function inferShards(rows: number, threads: number, batch = INFER_BATCH): [number, number][] {
  const batches = Math.ceil(rows / batch);
  const per = Math.ceil(batches / Math.max(1, threads));
  const out: [number, number][] = [];
  for (let b = 0; b < batches; b += per) out.push([b * batch, Math.min(rows, (b + per) * batch)]);
  return out;
}
