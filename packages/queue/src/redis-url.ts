import { ConfigError } from '@topickd/core';

/** The connection settings BullMQ needs for a `redis://HOST:PORT[/DB]` URL. */
export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** BullMQ's workers block on Redis: requests must wait for a reconnect instead of failing. */
  maxRetriesPerRequest: null;
  /** Reconnect after a restart of Redis: every 200 ms … 2 s, forever. */
  retryStrategy: (times: number) => number;
}

/** Parses `redis://[user:pass@]HOST:PORT[/DB]`; anything else is a usage error that says what is expected. */
export function redisConnection(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`--queue must be a Redis URL such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}`, 'queue');
  }
  if (u.protocol !== 'redis:') throw new ConfigError(`--queue must be a redis:// URL (BullMQ on Redis), got ${JSON.stringify(url)}`, 'queue');
  const port = u.port ? Number(u.port) : 6379;
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ConfigError(`the Redis database in ${url} must be a number (redis://HOST:PORT/DB)`, 'queue');
  return {
    host: u.hostname || '127.0.0.1',
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(2000, 200 * times),
  };
}
