import { Redis } from 'ioredis';
import { TopicKDError } from '@topickd/core';
import { maskRedisUrl, redisConnection } from './redis-url.js';

export interface ConnectionWatchOptions {
  /**
   * Give up after Redis has been unreachable this long, without a break (seconds; 0: never).
   * Default 300.
   */
  timeoutSeconds?: number;
  /** One line per change: lost, back (with the outage's length). Default: nothing. */
  log?: (line: string) => void;
  /** What the give-up error says to do (e.g. where the jobs are). */
  advice?: string;
}

/** The queue's Redis was unreachable for longer than the queue timeout. */
export class QueueTimeoutError extends TopicKDError {
  constructor(message: string) {
    super('IO', message);
    this.name = 'QueueTimeoutError';
  }
}

/**
 * Watches the queue's Redis on a connection of its own: one line when it is lost, one when it
 * is back (with how long it was away), reconnection with backoff (200 ms … 2 s), and a
 * `QueueTimeoutError` on `failed` once it has been away longer than the queue timeout. Every
 * other connection (BullMQ's) gets a quiet error listener from `quiet`, so a Redis outage
 * prints these lines instead of a stack trace a second.
 */
export class ConnectionWatch {
  private readonly client: Redis;
  private downSince: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private rejectFailed!: (e: Error) => void;
  private closed = false;
  /** Rejects with a QueueTimeoutError when Redis stays away longer than the timeout; never resolves. */
  readonly failed: Promise<never>;
  readonly shown: string;

  constructor(
    readonly url: string,
    private readonly options: ConnectionWatchOptions = {},
  ) {
    this.shown = maskRedisUrl(url);
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined); // observed by whoever races it
    this.client = new Redis({ ...redisConnection(url), lazyConnect: true, enableOfflineQueue: false });
    this.client.on('error', (e: Error) => this.lost(e));
    this.client.on('close', () => this.lost());
    this.client.on('ready', () => this.back());
    void this.client.connect().catch((e: Error) => this.lost(e));
    // until the first connection succeeds, Redis counts as away from the start
    this.downSince = Date.now();
    this.arm();
  }

  /** Whether Redis answers now. */
  get up(): boolean {
    return this.downSince === null;
  }

  /** Seconds Redis has been away (0 while it answers). */
  get awaySeconds(): number {
    return this.downSince === null ? 0 : (Date.now() - this.downSince) / 1000;
  }

  /** An error listener for BullMQ's objects: their connection errors are this watch's to report. */
  readonly quiet = (): void => undefined;

  private reported = false;
  private lost(e?: Error): void {
    if (this.closed) return;
    if (e && /WRONGPASS|NOAUTH|invalid (username-)?password/i.test(e.message)) {
      // retrying cannot help: said at once
      this.rejectFailed(new TopicKDError('IO', `Redis at ${this.shown} refused the credentials (${e.message.split(' ')[0]}); check the user and password in the URL (or REDIS_URL)`, { kind: 'usage' }));
      return;
    }
    if (this.downSince === null) this.downSince = Date.now();
    if (!this.reported) {
      this.reported = true;
      const why = e && 'code' in e && typeof (e as NodeJS.ErrnoException).code === 'string' ? ` (${(e as NodeJS.ErrnoException).code})` : '';
      const limit = this.timeoutSeconds > 0 ? `; giving up after ${this.timeoutSeconds} s (--queue-timeout)` : '';
      this.options.log?.(`cannot reach Redis at ${this.shown}${why}; retrying${limit}`);
      this.arm();
    }
  }

  private back(): void {
    if (this.closed) return;
    const away = this.downSince === null ? 0 : (Date.now() - this.downSince) / 1000;
    const wasReported = this.reported;
    this.downSince = null;
    this.reported = false;
    clearTimeout(this.timer);
    if (wasReported) this.options.log?.(`Redis at ${this.shown} is back after ${away.toFixed(1)} s`);
  }

  private get timeoutSeconds(): number {
    return this.options.timeoutSeconds ?? 300;
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.timeoutSeconds <= 0 || this.downSince === null) return;
    const left = this.timeoutSeconds * 1000 - (Date.now() - this.downSince);
    this.timer = setTimeout(() => {
      if (this.downSince === null || this.closed) return;
      this.rejectFailed(
        new QueueTimeoutError(`Redis at ${this.shown} has been unreachable for ${this.timeoutSeconds} s (--queue-timeout); ${this.options.advice ?? 'start it again and rerun the command'}`),
      );
    }, Math.max(0, left));
    this.timer.unref?.();
  }

  /** Races `work` against the timeout: resolves as it does, or rejects with the QueueTimeoutError. */
  guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.failed]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.client.disconnect();
  }
}
