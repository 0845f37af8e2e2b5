/**
 * The queue library on a real redis-server (started on a free port, stopped after): jobs run
 * by a worker come back in order; a job that fails every attempt is reported with its error
 * after the others completed; status counts the jobs.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { JobQueue, JobsFailedError, maskRedisUrl, queueUrl, redisConnection, redisSecrets, startWorker } from '@topickd/queue';
import { redisServerAvailable, startRedis, type RedisServer } from '../../cli/test/e2e/redis-server.js';

describe('redis URLs', () => {
  it('parses host, port and database; anything but redis:// is a usage error', () => {
    expect(redisConnection('redis://10.0.0.5:6380/2')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 2, maxRetriesPerRequest: null });
    expect(redisConnection('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(() => redisConnection('http://x:1')).toThrow(/--queue must be a redis:\/\/ or rediss:\/\/ \(TLS\) URL/);
    expect(() => redisConnection('not a url')).toThrow(/--queue must be a Redis URL such as redis:\/\/127.0.0.1:6379/);
    // TLS, credentials
    expect(redisConnection('rediss://u:p%40ss@h:6380')).toMatchObject({ host: 'h', port: 6380, username: 'u', password: 'p@ss', tls: {} });
    expect(redisConnection('redis://h').tls).toBeUndefined();
  });

  it('masks passwords in every printed URL; REDIS_URL stands in for --queue env', () => {
    expect(maskRedisUrl('redis://user:hunter2@10.0.0.5:6379/1')).toBe('redis://user:***@10.0.0.5:6379/1');
    expect(maskRedisUrl('rediss://:hunter2@h:6380')).toBe('rediss://:***@h:6380');
    expect(maskRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(maskRedisUrl('not a url //x:hunter2@y')).not.toContain('hunter2');
    expect(redisSecrets('redis://u:p%40ss@h')).toEqual(['p%40ss', 'p@ss']);
    const saved = process.env.REDIS_URL;
    try {
      process.env.REDIS_URL = 'redis://:pw@h:1';
      expect(queueUrl('env', false)).toBe('redis://:pw@h:1');
      expect(queueUrl(undefined, true)).toBe('redis://:pw@h:1');
      expect(queueUrl(undefined, false)).toBeUndefined();
      expect(queueUrl('redis://x', true)).toBe('redis://x');
      delete process.env.REDIS_URL;
      expect(() => queueUrl('env', false)).toThrow(/set REDIS_URL/);
      expect(() => queueUrl(undefined, true)).toThrow(/give the queue/);
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });
});

describe.skipIf(!redisServerAvailable)('JobQueue and startWorker on a real redis-server', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('runs jobs in order; one failing every attempt is reported after the rest complete; status counts them', async () => {
    const calls = new Map<string, number>();
    const worker = await startWorker(
      redis.url,
      {
        square: async (data, job) => {
          calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
          const { x } = data as { x: number };
          if (x === 3) throw new Error('three is not allowed');
          await new Promise((r) => setTimeout(r, 20));
          return { items: 1, y: x * x };
        },
      },
      { concurrency: 2 },
    );
    const queue = await JobQueue.open(redis.url);
    try {
      const jobs = [1, 2, 3, 4, 5].map((x) => ({ name: 'square', id: `t-${x}`, data: { x } }));
      const progress: number[] = [];
      const err = await queue.run(jobs, { onProgress: (done) => progress.push(done) }).catch((e) => e);
      expect(err).toBeInstanceOf(JobsFailedError);
      expect((err as JobsFailedError).code).toBe('JOBS_FAILED');
      expect((err as JobsFailedError).failures).toEqual([{ id: 't-3', name: 'square', error: 'three is not allowed' }]);
      expect(((err as JobsFailedError).results as ({ y: number } | undefined)[]).map((r) => r?.y)).toEqual([1, 4, undefined, 16, 25]);
      expect(err.message).toMatch(/1 of 5 jobs failed after every attempt \(the others completed\): t-3: three is not allowed/);
      expect(calls.get('t-3')).toBe(3);
      expect(progress.at(-1)).toBe(5);
      const ok = await queue.run<{ y: number }>([6, 7].map((x) => ({ name: 'square', id: `u-${x}`, data: { x } })));
      expect(ok.map((r) => r.y)).toEqual([36, 49]);
      const s = await queue.status();
      expect(s).toMatchObject({ waiting: 0, active: 0, completed: 6, failed: 1 });
      expect(s.itemsPerSecond).toBeGreaterThan(0);
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 120_000);

  it('a job kind no worker knows fails with a message that names it', async () => {
    const worker = await startWorker(redis.url, { square: async () => ({}) });
    const queue = await JobQueue.open(redis.url);
    try {
      const err = await queue.run([{ name: 'cube', id: 'v-1', data: {} }], { attempts: 1 }).catch((e) => e);
      expect((err as JobsFailedError).failures[0].error).toMatch(/this worker has no handler for "cube" jobs \(it runs: square\)/);
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 60_000);
});
