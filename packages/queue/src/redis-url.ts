import { ConfigError } from '@topickd/core';

/** The connection settings BullMQ needs for a `redis://` or `rediss://` URL. */
export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** `rediss://`: TLS (certificates checked against the system's authorities). */
  tls?: Record<string, never>;
  /** BullMQ's workers block on Redis: requests must wait for a reconnect instead of failing. */
  maxRetriesPerRequest: null;
  /** Reconnect after a restart of Redis: every 200 ms … 2 s, forever (the queue timeout decides when to give up). */
  retryStrategy: (times: number) => number;
}

/**
 * The queue's URL: `--queue URL`, or the environment variable REDIS_URL when the flag is
 * `env` (or absent, for `worker` and `status`) — so a password need not appear on a command
 * line, where `ps` shows it to every user of the machine.
 */
export function queueUrl(flag: string | undefined, required: boolean): string | undefined {
  if (flag === 'env' || (flag === undefined && required)) {
    const env = process.env.REDIS_URL;
    if (!env) {
      if (flag === 'env' || required) throw new ConfigError('give the queue: --queue redis://HOST:PORT, or set REDIS_URL (then --queue env, or no --queue for worker and status)', 'queue');
      return undefined;
    }
    return env;
  }
  return flag;
}

/** The URL with its password (and user name's secrets) replaced by *** — what every message prints. */
export function maskRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password && !u.username) return url;
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // not a URL: mask anything between the scheme and an @
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Parses `redis[s]://[user:pass@]HOST:PORT[/DB]`; anything else is a usage error that says what is expected. */
export function redisConnection(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`--queue must be a Redis URL such as redis://127.0.0.1:6379, got ${JSON.stringify(maskRedisUrl(url))}`, 'queue');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ConfigError(`--queue must be a redis:// or rediss:// (TLS) URL, got ${JSON.stringify(maskRedisUrl(url))}`, 'queue');
  const port = u.port ? Number(u.port) : 6379;
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ConfigError(`the Redis database in ${maskRedisUrl(url)} must be a number (redis://HOST:PORT/DB)`, 'queue');
  return {
    host: u.hostname || '127.0.0.1',
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(2000, 200 * times),
  };
}

/** The secrets in a Redis URL (its password, decoded and as written), for redacting output. */
export function redisSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    return u.password ? [...new Set([u.password, decodeURIComponent(u.password)])].filter((s) => s.length > 0) : [];
  } catch {
    return [];
  }
}
