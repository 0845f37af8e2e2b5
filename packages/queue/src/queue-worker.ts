import { Queue, Worker, WaitingChildrenError, type Job } from 'bullmq';
import { ConfigError } from '@topickd/core';
import { childJobOptions, closeBounded, QUEUE_NAME, type JobSpec } from './job-queue.js';
import { ConnectionWatch } from './connection-watch.js';
import { redisConnection } from './redis-url.js';

/** What a handler knows of its job. */
export interface JobInfo {
  id: string;
  name: string;
  attempt: number;
}

/** Runs one kind of job: its data in, a JSON-serialisable result out (`items`: how many documents, for throughput). */
export type JobHandler = (data: unknown, job: JobInfo) => Promise<unknown>;

/** What the children of a staged job left: results by job id, and the errors of those that failed every attempt. */
export interface ChildOutcomes {
  /** What `run` returned as `state` (kept in Redis between the stages). */
  state: unknown;
  results: Record<string, unknown>;
  failures: Record<string, string>;
}

/**
 * A job of a flow in two stages (BullMQ's step-job pattern): `run` does the job's own work and
 * may return child jobs, which workers then run (in parallel, anywhere); `finish` runs once
 * all of them finished, with their results. Children that fail every attempt do not block the
 * parent: `finish` sees their errors. A flow's root added with children runs `run` after them.
 */
export interface StagedJobHandler {
  run(data: unknown, job: JobInfo): Promise<{ children?: JobSpec[]; state?: unknown }>;
  finish(data: unknown, job: JobInfo, children: ChildOutcomes): Promise<unknown>;
}

/** Where a staged job keeps its stage in its data (between being re-entered). */
const STAGE = '__topickdStage';

/** The job id from a child key `bull:QUEUE:ID`. */
const idOfKey = (key: string) => key.slice(key.indexOf(':', key.indexOf(':') + 1) + 1);

export interface WorkerOptions {
  /** Jobs run at once by this process (default 1). */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (ms, default 30,000). A worker that dies
   * mid-job (SIGKILL, a lost machine) stops renewing it; the stalled-job check then hands the
   * job to another worker after about this long.
   */
  lockDurationMs?: number;
  onEvent?: (e: { type: 'started' | 'completed' | 'failed'; id: string; name: string; error?: string }) => void;
  /** Exit after Redis has been unreachable this long without a break (seconds, default 300; 0: wait for ever). */
  queueTimeoutSeconds?: number;
  /** One line when the connection to Redis is lost, one when it is back. */
  log?: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
  /**
   * Stops within about `graceMs`: running jobs that finish in that time are completed; the
   * others are handed back to the queue (their lock lapses and BullMQ's stalled-job check gives
   * them to another worker) — never lost. While Redis is away nothing can complete, so it stops
   * at once. Resolves with what became of the running jobs.
   */
  stop(graceMs: number): Promise<'none-running' | 'finished' | 'handed-back'>;
  /** Jobs running now. */
  readonly running: number;
  /** Resolves when the worker has stopped. */
  readonly closed: Promise<void>;
  /** Rejects with a QueueTimeoutError when Redis stays away longer than the queue timeout. */
  readonly failed: Promise<never>;
}

/** Starts a BullMQ worker on TopicKD's queue that runs the given job kinds. */
export async function startWorker(url: string, handlers: Record<string, JobHandler | StagedJobHandler>, options: WorkerOptions = {}): Promise<RunningWorker> {
  const lockDuration = options.lockDurationMs ?? 30_000;
  const watch = new ConnectionWatch(url, { timeoutSeconds: options.queueTimeoutSeconds, log: options.log, advice: 'this worker stops; its jobs stay queued for other workers' });
  let running = 0;
  if (!(lockDuration >= 1000)) throw new ConfigError(`the lock duration must be at least 1000 ms, got ${lockDuration}`, 'lockDuration');
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let childQueue: Queue | undefined;
  const runStaged = async (handler: StagedJobHandler, job: Job, token: string | undefined, info: JobInfo) => {
    const { [STAGE]: stage, ...data } = job.data as Record<string, unknown>;
    if (!stage) {
      const out = await handler.run(data, info);
      if (out.children?.length) {
        childQueue ??= new Queue(QUEUE_NAME, { connection: redisConnection(url) });
        const parent = { id: job.id!, queue: job.queueQualifiedName };
        // ids are stable: re-running this stage after a crash adds nothing twice
        await childQueue.addBulk(out.children.map((c) => ({ name: c.name, data: c.data, opts: { ...childJobOptions(job.opts.attempts ?? 3), jobId: c.id, parent } })));
      }
      await job.updateData({ ...data, [STAGE]: { state: out.state ?? null } });
    }
    if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
    const values = await job.getChildrenValues();
    const failed = await job.getIgnoredChildrenFailures();
    const state = ((job.data as Record<string, unknown>)[STAGE] as { state: unknown }).state;
    return handler.finish(data, info, {
      state,
      results: Object.fromEntries(Object.entries(values).map(([k, v]) => [idOfKey(k), v])),
      failures: Object.fromEntries(Object.entries(failed).map(([k, v]) => [idOfKey(k), String(v)])),
    });
  };
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job, token?: string) => {
      const handler = handlers[job.name];
      if (!handler) throw new Error(`this worker has no handler for "${job.name}" jobs (it runs: ${Object.keys(handlers).join(', ')}); update TopicKD on this machine`);
      const info = { id: job.id!, name: job.name, attempt: job.attemptsMade + 1 };
      options.onEvent?.({ type: 'started', id: job.id!, name: job.name });
      running++;
      try {
        return await (typeof handler === 'function' ? handler(job.data, info) : runStaged(handler, job, token, info));
      } finally {
        running--;
      }
    },
    {
      connection: redisConnection(url),
      concurrency: options.concurrency ?? 1,
      lockDuration,
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 3,
    },
  );
  worker.on('completed', (job) => options.onEvent?.({ type: 'completed', id: job.id!, name: job.name }));
  worker.on('failed', (job, err) => job && options.onEvent?.({ type: 'failed', id: job.id!, name: job.name, error: err.message }));
  worker.on('closed', () => resolveClosed());
  // a lost connection is retried, and reported once by the watch: it must neither crash the process nor print a trace a second
  worker.on('error', watch.quiet);
  try {
    // waits for Redis as long as the queue timeout allows (a worker may start before its Redis)
    await watch.guard(worker.waitUntilReady());
  } catch (e) {
    await closeBounded(worker.close(true));
    await watch.close();
    throw e;
  }
  const shutDown = async (force: boolean) => {
    await closeBounded(worker.close(force), force ? 2000 : 2 ** 31 - 1);
    await closeBounded(childQueue?.close() ?? Promise.resolve());
    await watch.close();
    resolveClosed();
  };
  return {
    close: () => shutDown(false),
    async stop(graceMs: number) {
      const had = running;
      if (had === 0 || !watch.up) {
        await shutDown(true);
        return had === 0 ? 'none-running' : 'handed-back';
      }
      // finish what runs if it ends within the grace period; otherwise hand it back
      const graceful = worker.close(false).then(() => 'finished' as const, () => 'finished' as const);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([graceful, new Promise<'handed-back'>((r) => (timer = setTimeout(() => r('handed-back'), graceMs)))]);
      clearTimeout(timer);
      await shutDown(outcome === 'handed-back');
      return outcome;
    },
    get running() {
      return running;
    },
    closed,
    failed: watch.failed,
  };
}
