import { FlowProducer, Queue, QueueEvents, type Job } from 'bullmq';
import { TopicKDError } from '@topickd/core';
import { maskRedisUrl, redisConnection } from './redis-url.js';
import { ConnectionWatch } from './connection-watch.js';

/** Waits for a connection, or fails saying which Redis could not be reached. */
export async function reachable<T>(ready: Promise<T>, url: string, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TopicKDError('IO', `cannot reach Redis at ${maskRedisUrl(url)} within ${Math.round(ms / 1000)} s; start redis-server there (or check --queue)`)), ms);
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

/** Options of every job TopicKD adds: `attempts` tries with exponential back-off, kept after they finish (for `status`). */
export function jobOptions(attempts: number) {
  return { attempts, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false };
}

/** A child of a flow: as any job, and one that fails every attempt does not hold its parent back (the parent sees its error). */
export function childJobOptions(attempts: number) {
  return { ...jobOptions(attempts), ignoreDependencyOnFailure: true };
}

/** The root of a flow: a job (its handler a `StagedJobHandler`) and its children, each possibly with children. */
export interface FlowSpec<T = unknown> extends JobSpec<T> {
  children?: FlowSpec[];
}

export interface FlowRunOptions {
  attempts?: number;
  /** How many jobs the whole run has, the ones the flow's jobs add on their way included (for progress). */
  expectedJobs?: number;
  /** Called as jobs of the run finish: done (completed + failed) of total. */
  onProgress?: (done: number, total: number) => void;
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
export interface OpenOptions {
  /**
   * How long to wait for Redis when the queue is opened (ms, default 10,000). A submitter
   * that should ride out an outage passes its queue timeout here.
   */
  connectTimeoutMs?: number;
  /** Give up waiting for jobs after Redis has been away this long without a break (s, default 300; 0: never). */
  queueTimeoutSeconds?: number;
  /** One line when the connection to Redis is lost, one when it is back. */
  log?: (line: string) => void;
}

export class JobQueue {
  private readonly queue: Queue;
  private events?: QueueEvents;
  private readonly watch: ConnectionWatch;
  /** The URL with its password masked, for messages. */
  readonly shown: string;

  private constructor(
    readonly url: string,
    options: OpenOptions,
  ) {
    this.shown = maskRedisUrl(url);
    this.watch = new ConnectionWatch(url, {
      timeoutSeconds: options.queueTimeoutSeconds,
      log: options.log,
      advice: `the jobs stay queued there: see them with \`topickd status --queue ${this.shown}\`, and run the same command again once Redis is back to collect the results`,
    });
    this.queue = new Queue(QUEUE_NAME, { connection: redisConnection(url) });
    this.queue.on('error', this.watch.quiet);
  }

  /** Connects to the queue's Redis; fails with a clear error if it cannot within `connectTimeoutMs` (default 10 s). */
  static async open(url: string, options: OpenOptions = {}): Promise<JobQueue> {
    const q = new JobQueue(url, options);
    try {
      await reachable(q.watch.guard(q.queue.waitUntilReady()), url, options.connectTimeoutMs ?? 10_000);
    } catch (e) {
      await q.watch.close();
      // bounded: BullMQ's close can wait for ever on a connection that Redis dropped mid-handshake
      await closeBounded(q.queue.close());
      throw e;
    }
    return q;
  }

  private openEvents(): QueueEvents {
    if (!this.events) {
      this.events = new QueueEvents(QUEUE_NAME, { connection: redisConnection(this.url) });
      this.events.on('error', this.watch.quiet);
    }
    return this.events;
  }

  /** Runs the jobs to completion; throws `JobsFailedError` (after the rest completed) when any failed every attempt. */
  async run<R>(jobs: readonly JobSpec[], options: RunOptions = {}): Promise<R[]> {
    const events = this.openEvents();
    await this.watch.guard(events.waitUntilReady());
    const attempts = options.attempts ?? 3;
    const added = await this.watch.guard(this.queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { ...jobOptions(attempts), jobId: j.id } }))));
    let done = 0;
    const total = added.length;
    options.onProgress?.(0, total);
    const outcomes = await this.watch.guard(Promise.all(
      added.map((job: Job) =>
        job.waitUntilFinished(events).then(
          (value: R) => ({ ok: true as const, value }),
          (e: Error) => ({ ok: false as const, error: e.message }),
        ).finally(() => options.onProgress?.(++done, total)),
      ),
    ));
    const failures = outcomes.flatMap((o, i) => (o.ok ? [] : [{ id: jobs[i].id, name: jobs[i].name, error: o.error }]));
    const results = outcomes.map((o) => (o.ok ? o.value : undefined));
    if (failures.length) throw new JobsFailedError(failures, results);
    return results as R[];
  }

  /**
   * Runs a flow (BullMQ's FlowProducer): children before their parent, staged jobs adding
   * more children as they go; resolves with the root's result once it completed. Jobs of the
   * run (ids starting with `prefix`) that failed every attempt are reported in a
   * `JobsFailedError` after the root completed without them.
   */
  async runFlow<R>(flow: FlowSpec, prefix: string, options: FlowRunOptions = {}): Promise<R> {
    const events = this.openEvents();
    await this.watch.guard(events.waitUntilReady());
    const attempts = options.attempts ?? 3;
    const total = options.expectedJobs ?? countFlow(flow);
    let done = 0;
    const failures: { id: string; name: string; error: string }[] = [];
    const names = new Map<string, string>();
    const mine = (id: string) => id.startsWith(prefix) && id !== flow.id;
    const onCompleted = ({ jobId }: { jobId: string }) => {
      if (mine(jobId)) options.onProgress?.(Math.min(total, ++done), total);
    };
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
      if (!mine(jobId)) return;
      failures.push({ id: jobId, name: names.get(jobId) ?? '', error: failedReason });
      options.onProgress?.(Math.min(total, ++done), total);
    };
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    const producer = new FlowProducer({ connection: redisConnection(this.url) });
    producer.on('error', this.watch.quiet);
    try {
      const toFlow = (f: FlowSpec, root: boolean): Parameters<FlowProducer['add']>[0] => {
        names.set(f.id, f.name);
        return {
          name: f.name,
          queueName: QUEUE_NAME,
          data: f.data,
          opts: { ...(root ? jobOptions(attempts) : childJobOptions(attempts)), jobId: f.id },
          children: f.children?.map((c) => toFlow(c, false)),
        };
      };
      options.onProgress?.(0, total);
      const node = await this.watch.guard(producer.add(toFlow(flow, true)));
      const value = (await this.watch.guard(node.job.waitUntilFinished(events))) as R;
      options.onProgress?.(total, total);
      if (failures.length) throw new JobsFailedError(failures, [value]);
      return value;
    } finally {
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
      await closeBounded(producer.close());
    }
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

  /** Closes the connections (bounded: while Redis is away, BullMQ's close would wait for it). */
  async close(): Promise<void> {
    await this.watch.close();
    await closeBounded(Promise.all([this.events?.close(), this.queue.close()]));
  }
}

/** Jobs in a flow as given (not counting the children its jobs add as they run). */
function countFlow(f: FlowSpec): number {
  return 1 + (f.children ?? []).reduce((a, c) => a + countFlow(c), 0);
}

/** Waits for a close at most `ms` (BullMQ's close waits for Redis, which may be gone). */
export async function closeBounded(p: Promise<unknown>, ms = 2000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
