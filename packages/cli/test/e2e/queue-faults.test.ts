/**
 * The queue under faults, as an operator meets them, on a real redis-server per test (its own
 * free port on 127.0.0.1): Redis killed and restarted (append-only file) in the middle of
 * `experiment --queue` and `tune --queue`; Redis killed for good (the submitter gives up after
 * --queue-timeout with one line); SIGTERM to a worker while Redis is down; a soak of 100 jobs
 * with workers killed at random and Redis restarted twice; and no password in any output.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, builtCliExists, ok, RAW_CORPUS, scratchDir, topickd, type Run } from './helpers.js';
import { redisServerAvailable, startRedis, type RedisServer } from './redis-server.js';

const work = scratchDir('queue-faults');
const corpus = join(work, 'titles.jsonl');
const workers: ChildProcess[] = [];
const servers: RedisServer[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WorkerProc {
  proc: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

/** Starts `topickd worker --queue URL`; resolves once it listens. */
function startWorker(url: string, extra: string[] = []): Promise<WorkerProc> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, 'worker', '--queue', url, ...extra], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    workers.push(proc);
    let log = '';
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    const onData = (d: string) => {
      log += d;
      if (/worker on redis/.test(log)) resolve({ proc, log: () => log, exited });
    };
    proc.stderr!.setEncoding('utf8').on('data', onData);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
    void exited.then((code) => reject(new Error(`worker exited (${code}) before it started:\n${log}`)));
  });
}

async function redisServer(options: { persistent?: boolean; password?: string } = {}): Promise<RedisServer> {
  const s = await startRedis(options);
  servers.push(s);
  return s;
}

const until = async (what: () => boolean, ms: number) => {
  for (const t0 = Date.now(); !what() && Date.now() - t0 < ms; ) await sleep(50);
  return what();
};

describe.skipIf(!redisServerAvailable)('the queue under faults (a real redis-server)', () => {
  beforeAll(() => {
    expect(builtCliExists(), 'the CLI is built (pnpm test builds first)').toBe(true);
    writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('experiment --queue with Redis killed and restarted mid-run (append-only file): the local run\'s results; the outage in two lines', async () => {
    const redis = await redisServer({ persistent: true });
    const args = ['experiment', '--dataset', corpus, '--topics', '4', '--seeds', '0,1', '--epochs', '3', '--teacher-hidden', '30', '--student-hidden', '10', '--cache-dir', join(work, 'exp-cache'), '--json'];
    const local = ok(await topickd([...args, '--jobs', '1', '--out', join(work, 'exp-local')], work)).json();
    const w = await startWorker(redis.url, ['--lock-duration', '3000']);
    const run = topickd([...args, '--queue', redis.url, '--out', join(work, 'exp-queued')], work);
    expect(await until(() => /started experiment-(teacher|seed)/.test(w.log()), 60_000)).toBe(true);
    await redis.kill();
    await sleep(3000);
    await redis.start();
    const r = ok(await run);
    const strip = (runs: { trainSeconds: number }[]) => runs.map(({ trainSeconds: _t, ...rest }) => rest);
    expect(strip(r.json().runs)).toEqual(strip(local.runs));
    expect(r.json().comparisons).toEqual(local.comparisons);
    // one line when the connection went, one when it came back, no stack traces
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*retrying; giving up after 300 s/);
    expect(r.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ is back after \d+\.\d s/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(w.log()).toMatch(/is back after/);
  }, 600_000);

  it('tune --queue with Redis killed and restarted mid-run: the same trials as tune in one process', async () => {
    const redis = await redisServer({ persistent: true });
    const teacher = join(work, 'tune-teacher');
    const common = ['--cache-dir', join(work, 'tune-cache')];
    ok(await topickd(['fit', '--data', corpus, '--model', 'combined', '--topics', '4', '--hidden', '30', '--epochs', '5', '--out', teacher, ...common], work));
    const search = ['tune', '--data', corpus, '--teacher', teacher, '--hidden', '10', '--trials', '4', '--seeds', '0,1', '--epochs', '9', '--no-reference', ...common, '--json'];
    const local = ok(await topickd([...search, '--out', join(work, 'tune-local')], work)).json();
    const w = await startWorker(redis.url, ['--lock-duration', '3000']);
    const run = topickd([...search, '--queue', redis.url, '--out', join(work, 'tune-queued')], work);
    expect(await until(() => /completed tune-trial/.test(w.log()), 120_000)).toBe(true);
    await redis.kill();
    await sleep(2000);
    await redis.start();
    const queued = ok(await run).json();
    const strip = (trials: { seconds: number }[]) => trials.map(({ seconds: _s, ...t }) => t);
    expect(strip(queued.trials)).toEqual(strip(local.trials));
    expect(queued.best).toEqual(local.best);
  }, 600_000);

  it('Redis killed for good: the submitter exits 1 after --queue-timeout with one line saying the jobs stay queued; a worker stops on SIGTERM within 10 s', async () => {
    const redis = await redisServer();
    const w = await startWorker(redis.url);
    const t0 = Date.now();
    const run = topickd(['embed', '--queue', redis.url, '--queue-timeout', '4', '--input', corpus, '--out', join(work, 'never.npy'), '--shard-size', '30', '--no-cache', '--quiet'], work);
    await sleep(1500);
    await redis.kill();
    const r: Run = await run;
    expect(r.code, String(r)).toBe(1);
    expect(Date.now() - t0).toBeLessThan(60_000);
    const errors = r.stderr.trim().split('\n').filter((l) => l.startsWith('topickd: error:'));
    expect(errors, String(r)).toHaveLength(1);
    expect(errors[0]).toMatch(/unreachable for 4 s \(--queue-timeout\); the jobs stay queued there: see them with `topickd status --queue redis:\/\/127\.0\.0\.1:\d+`/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.split('\n').length).toBeLessThan(6);
    // the worker, with Redis gone: SIGTERM ends it within 10 s (a clean stop: exit 0)
    const s0 = Date.now();
    w.proc.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(Date.now() - s0).toBeLessThan(10_000);
    expect(w.log()).toMatch(/cannot reach Redis/);
  }, 300_000);

  it('soak: 100 jobs, workers killed at random, Redis restarted twice — every shard done once, the local bytes', async () => {
    const redis = await redisServer({ persistent: true });
    const local = join(work, 'soak-local.npy');
    ok(await topickd(['embed', '--input', corpus, '--out', local, '--shard-size', '3', '--no-cache', '--threads', '1', '--quiet'], work));
    const opts = ['--lock-duration', '2000'];
    const live: WorkerProc[] = await Promise.all([startWorker(redis.url, opts), startWorker(redis.url, opts)]);
    const out = join(work, 'soak.npy');
    const run = topickd(['embed', '--queue', redis.url, '--input', corpus, '--out', out, '--shard-size', '3', '--no-cache', '--json'], work);
    let finished = false;
    void run.then(() => (finished = true));
    // faults: kill a worker (SIGKILL) and start another, three times; restart Redis twice
    const faults = ['worker', 'redis', 'worker', 'redis', 'worker'];
    for (const f of faults) {
      await sleep(2500);
      if (finished) break;
      if (f === 'redis') {
        await redis.kill();
        await sleep(1000);
        await redis.start();
      } else {
        const victim = live.splice(Math.floor(Math.random() * live.length), 1)[0];
        victim.proc.kill('SIGKILL');
        live.push(await startWorker(redis.url, opts));
      }
    }
    const r = ok(await run).json();
    expect(r.shards).toBe(100);
    expect(readFileSync(out).equals(readFileSync(local))).toBe(true);
    const s = ok(await topickd(['status', '--queue', redis.url, '--json'], work)).json();
    expect(s).toMatchObject({ waiting: 0, active: 0, failed: 0 });
    expect(s.completed).toBe(100);
  }, 600_000);

  it('no credential in any output: worker, status, experiment --queue and tune --queue given a URL with a password (and REDIS_URL)', async () => {
    const password = 'Sup3r-S3cret-pw';
    const redis = await redisServer({ password });
    expect(redis.url).toContain(password);
    const w = await startWorker(redis.url);
    const outputs: string[] = [];
    const keep = (r: Run) => (outputs.push(r.stdout, r.stderr), r);
    keep(ok(await topickd(['status', '--queue', redis.url], work)));
    expect(keep(ok(await topickd(['status', '--queue', redis.url, '--json'], work))).json().queue).toMatch(/^redis:\/\/default:\*\*\*@127\.0\.0\.1:\d+$/);
    keep(ok(await topickd(['status'], work, { env: { REDIS_URL: redis.url } })));
    keep(ok(await topickd(['experiment', '--dataset', corpus, '--topics', '4', '--seeds', '0', '--epochs', '2', '--teacher-hidden', '20', '--student-hidden', '10', '--cache-dir', join(work, 'cred-cache'), '--queue', redis.url, '--out', join(work, 'cred-exp'), '--json'], work)));
    const teacher = join(work, 'cred-exp', 'K4-seed0', 'teacher');
    keep(ok(await topickd(['tune', '--data', corpus, '--teacher', teacher, '--hidden', '10', '--trials', '2', '--seeds', '0', '--epochs', '2', '--no-reference', '--cache-dir', join(work, 'cred-cache'), '--queue', 'env', '--out', join(work, 'cred-tune'), '--json'], work, { env: { REDIS_URL: redis.url } })));
    // a wrong password is said as such (exit 2), without the password
    const wrong = keep(await topickd(['status', '--queue', redis.url.replace(password, 'not-the-password')], work));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/refused the credentials/);
    w.proc.kill('SIGTERM');
    await w.exited;
    outputs.push(w.log());
    for (const o of outputs) {
      expect(o).not.toContain(password);
      expect(o).not.toContain('not-the-password');
    }
    expect(outputs.join('\n')).toMatch(/default:\*\*\*@127\.0\.0\.1/);
  }, 600_000);
});
