/**
 * A worker thread of `tune --jobs N` (piscina runs this file): it sets up its own backend,
 * data, embeddings (from the cache) and teacher once, then trains and scores each trial it is
 * given exactly as the main thread would.
 */
import { createRuntime } from '../run/pipeline.js';
import { Progress } from '../run/progress.js';
import { runTuneTrial, tuneContexts, type TuneTask } from './tune.js';

const progress = new Progress({ quiet: true });
const contexts = tuneContexts((cfg) => createRuntime(cfg, { warn: (m) => process.stderr.write(`topickd: warning: (tune worker) ${m}\n`) }), progress);

export default async function tuneTrial(task: TuneTask) {
  return contexts.run(task, (ctx) => runTuneTrial(ctx, task, progress));
}
