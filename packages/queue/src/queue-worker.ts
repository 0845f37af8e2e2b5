import { Worker, type Job } from 'bullmq';
import { ConfigError } from '@topickd/core';
import { QUEUE_NAME, reachable } from './job-queue.js';
import { redisConnection } from './redis-url.js';

/** Runs one kind of job: its data in, a JSON-serialisable result out (`items`: how many documents, for throughput). */
export type JobHandler = (data: unknown, job: { id: string; name: string; attempt: number }) => Promise<unknown>;

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
}

export interface RunningWorker {
  /** Stops taking jobs and waits for the running ones to finish (what SIGTERM does). */
  close(): Promise<void>;
  /** Resolves when the worker has stopped. */
  readonly closed: Promise<void>;
}

/** Starts a BullMQ worker on TopicKD's queue that runs the given job kinds. */
export async function startWorker(url: string, handlers: Record<string, JobHandler>, options: WorkerOptions = {}): Promise<RunningWorker> {
  const lockDuration = options.lockDurationMs ?? 30_000;
  if (!(lockDuration >= 1000)) throw new ConfigError(`the lock duration must be at least 1000 ms, got ${lockDuration}`, 'lockDuration');
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      const handler = handlers[job.name];
      if (!handler) throw new Error(`this worker has no handler for "${job.name}" jobs (it runs: ${Object.keys(handlers).join(', ')}); update TopicKD on this machine`);
      options.onEvent?.({ type: 'started', id: job.id!, name: job.name });
      return handler(job.data, { id: job.id!, name: job.name, attempt: job.attemptsMade + 1 });
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
  // a lost connection is reported by ioredis and retried; it must not crash the process
  worker.on('error', () => {});
  try {
    await reachable(worker.waitUntilReady(), url, 10_000);
  } catch (e) {
    await worker.close(true).catch(() => {});
    throw e;
  }
  return {
    close: async () => {
      await worker.close();
      resolveClosed();
    },
    closed,
  };
}
