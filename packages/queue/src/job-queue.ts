import { Queue, QueueEvents, type Job } from 'bullmq';
import { TopicKDError } from '@topickd/core';
import { redisConnection } from './redis-url.js';

/** Waits for a connection, or fails saying which Redis could not be reached. */
export async function reachable<T>(ready: Promise<T>, url: string, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TopicKDError('IO', `cannot reach Redis at ${url} within ${Math.round(ms / 1000)} s; start redis-server there (or check --queue)`)), ms);
  });
  try {
    return await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one BullMQ queue TopicKD's jobs go through. */
export const QUEUE_NAME = 'topickd';

/** A job to run: its kind (`embed-shard`, ...), its input, and a stable id (the same id is never run twice). */
export interface JobSpec<T = unknown> {
  name: string;
  id: string;
  data: T;
}

/** Some jobs failed every attempt; the others completed (their results are in `results`). */
export class JobsFailedError extends TopicKDError {
  constructor(
    readonly failures: { id: string; name: string; error: string }[],
    readonly results: unknown[],
  ) {
    super(
      'JOBS_FAILED',
      `${failures.length} of ${results.length} job${results.length === 1 ? '' : 's'} failed after every attempt (the others completed): ${failures
        .slice(0, 5)
        .map((f) => `${f.id}: ${f.error}`)
        .join('; ')}${failures.length > 5 ? '; …' : ''}`,
    );
    this.name = 'JobsFailedError';
  }
}

/** Counts of the queue's jobs, and throughput and ETA of the items they carry. */
export interface QueueStatus {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  /** Items (documents) per second over the completed jobs that report `items`, or null. */
  itemsPerSecond: number | null;
  /** Seconds until the waiting and active jobs are done at that rate, or null. */
  etaSeconds: number | null;
}

export interface RunOptions {
  /** Attempts per job before it counts as failed (default 3). */
  attempts?: number;
  /** Called as jobs finish: done (completed + failed) of total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Submits jobs to the queue and waits for them; workers (`topickd worker --queue URL`, on any
 * machine that shares the data folder) run them. Results come back in the order of the jobs.
 */
export class JobQueue {
  private readonly queue: Queue;
  private events?: QueueEvents;

  private constructor(readonly url: string) {
    this.queue = new Queue(QUEUE_NAME, { connection: redisConnection(url) });
  }

  /** Connects to the queue's Redis; fails with a clear error if it cannot within `connectTimeoutMs` (default 10 s). */
  static async open(url: string, options: { connectTimeoutMs?: number } = {}): Promise<JobQueue> {
    const q = new JobQueue(url);
    try {
      await reachable(q.queue.waitUntilReady(), url, options.connectTimeoutMs ?? 10_000);
    } catch (e) {
      await q.queue.close().catch(() => {});
      throw e;
    }
    return q;
  }

  /** Runs the jobs to completion; throws `JobsFailedError` (after the rest completed) when any failed every attempt. */
  async run<R>(jobs: readonly JobSpec[], options: RunOptions = {}): Promise<R[]> {
    this.events ??= new QueueEvents(QUEUE_NAME, { connection: redisConnection(this.url) });
    await this.events.waitUntilReady();
    const attempts = options.attempts ?? 3;
    const added = await this.queue.addBulk(
      jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.id, attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false } })),
    );
    let done = 0;
    const total = added.length;
    options.onProgress?.(0, total);
    const outcomes = await Promise.all(
      added.map((job: Job) =>
        job.waitUntilFinished(this.events!).then(
          (value: R) => ({ ok: true as const, value }),
          (e: Error) => ({ ok: false as const, error: e.message }),
        ).finally(() => options.onProgress?.(++done, total)),
      ),
    );
    const failures = outcomes.flatMap((o, i) => (o.ok ? [] : [{ id: jobs[i].id, name: jobs[i].name, error: o.error }]));
    const results = outcomes.map((o) => (o.ok ? o.value : undefined));
    if (failures.length) throw new JobsFailedError(failures, results);
    return results as R[];
  }

  /** The queue's job counts, and documents per second and ETA from the completed jobs' `items`. */
  async status(): Promise<QueueStatus> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children');
    const recent = (await this.queue.getJobs(['completed'], 0, 199)) as Job[];
    let items = 0;
    let ms = 0;
    let first = Infinity;
    let last = 0;
    let itemsPerJob = 0;
    for (const j of recent) {
      const n = (j.returnvalue as { items?: number } | undefined)?.items;
      if (typeof n !== 'number' || !j.processedOn || !j.finishedOn) continue;
      items += n;
      ms += j.finishedOn - j.processedOn;
      first = Math.min(first, j.processedOn);
      last = Math.max(last, j.finishedOn);
      itemsPerJob++;
    }
    // throughput of the whole fleet: items over the wall-clock span the completed jobs cover
    const span = last - first;
    const itemsPerSecond = items > 0 && span > 0 ? items / (span / 1000) : items > 0 && ms > 0 ? items / (ms / 1000) : null;
    const pending = (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0) + (c.delayed ?? 0);
    const meanItems = itemsPerJob ? items / itemsPerJob : 0;
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      delayed: c.delayed ?? 0,
      itemsPerSecond,
      etaSeconds: itemsPerSecond && meanItems ? (pending * meanItems) / itemsPerSecond : pending === 0 ? 0 : null,
    };
  }

  /** Removes every job of the queue (finished ones included). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await this.events?.close();
    await this.queue.close();
  }
}
