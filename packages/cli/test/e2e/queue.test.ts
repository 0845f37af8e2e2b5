/**
 * Distributed runs as users run them, on a real Redis: `topickd worker` processes take jobs
 * from the queue, `embed --queue` shards the input and merges the shards in order — the same
 * bytes as `embed` in one process; a worker killed mid-job (SIGKILL) loses nothing; `status`
 * reports the jobs. No mock of Redis or BullMQ.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, builtCliExists, ok, RAW_CORPUS, REPO, scratchDir, topickd } from './helpers.js';
import { redisServerAvailable, startRedis, type RedisServer } from './redis-server.js';

const work = scratchDir('queue');
const corpus = join(work, 'titles.jsonl');
let redis: RedisServer;
const workers: ChildProcess[] = [];

/** Starts `topickd worker --queue URL`; resolves once it listens; its stderr is kept. */
function startWorker(extra: string[] = []): Promise<{ proc: ChildProcess; log: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, 'worker', '--queue', redis.url, ...extra], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    workers.push(proc);
    let log = '';
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      log += d;
      if (/worker on redis:/.test(log)) resolve({ proc, log: () => log });
    });
    proc.on('exit', (code) => reject(new Error(`worker exited (${code}) before it started:\n${log}`)));
  });
}

const stopAll = () => Promise.all(workers.splice(0).map((w) => (w.exitCode === null && w.signalCode === null ? new Promise((r) => (w.once('exit', r), w.kill('SIGTERM'))) : null)));

describe.skipIf(!redisServerAvailable)('distributed runs on a real redis-server', () => {
  beforeAll(async () => {
    expect(builtCliExists(), 'the CLI is built (pnpm test builds first)').toBe(true);
    writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
    redis = await startRedis();
  });
  afterAll(async () => {
    await stopAll();
    await redis?.stop();
  });

  it('embed --queue with two workers: the same bytes as embed in one process; status counts the jobs', async () => {
    await Promise.all([startWorker(), startWorker()]);
    const local = ok(await topickd(['embed', '--input', corpus, '--out', join(work, 'local.npy'), '--shard-size', '40', '--no-cache', '--threads', '1', '--json'], work)).json();
    const q = ok(await topickd(['embed', '--queue', redis.url, '--input', corpus, '--out', join(work, 'queued.npy'), '--shard-size', '40', '--no-cache', '--json'], work)).json();
    expect(q).toMatchObject({ queue: redis.url, shards: 8, rows: 300, dim: 512 });
    expect(local.rows).toBe(300);
    expect(readFileSync(join(work, 'queued.npy')).equals(readFileSync(join(work, 'local.npy')))).toBe(true);
    // through a cache the workers share: the same bytes, and a second run computes nothing
    ok(await topickd(['embed', '--queue', redis.url, '--input', corpus, '--out', join(work, 'cached.npy'), '--shard-size', '40', '--cache-dir', join(work, 'shared-cache'), '--json'], work));
    expect(readFileSync(join(work, 'cached.npy')).equals(readFileSync(join(work, 'local.npy')))).toBe(true);
    const s = ok(await topickd(['status', '--queue', redis.url, '--json'], work)).json();
    expect(s).toMatchObject({ queue: redis.url, waiting: 0, active: 0, failed: 0, completed: 16 });
    expect(s.itemsPerSecond).toBeGreaterThan(0);
    await stopAll();
  }, 300_000);

  it('a worker SIGKILLed mid-job: its job is taken over after its lock expires and the output is unchanged', async () => {
    const a = await startWorker(['--lock-duration', '2000']);
    const run = topickd(['embed', '--queue', redis.url, '--input', corpus, '--out', join(work, 'after-kill.npy'), '--shard-size', '60', '--no-cache', '--json'], work);
    // kill the only worker as soon as it has started a job, then bring up another
    for (let i = 0; i < 600 && !/started embed-shard/.test(a.log()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(a.log()).toMatch(/started embed-shard/);
    a.proc.kill('SIGKILL');
    const b = await startWorker(['--lock-duration', '2000']);
    const r = ok(await run).json();
    expect(r.shards).toBe(5);
    ok(await topickd(['embed', '--input', corpus, '--out', join(work, 'local-60.npy'), '--shard-size', '60', '--no-cache', '--threads', '1', '--json'], work));
    expect(readFileSync(join(work, 'after-kill.npy')).equals(readFileSync(join(work, 'local-60.npy')))).toBe(true);
    // the killed worker's job was run again by the other one
    expect(b.log()).toMatch(/completed embed-shard/);
    // SIGTERM: the worker stops at once (it has no job now) and exits 0
    const exit = new Promise<number | null>((res) => b.proc.once('exit', (code) => res(code)));
    b.proc.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(b.log()).toMatch(/SIGTERM: stopping[\s\S]*worker stopped/);
  }, 300_000);

  it('infer --queue: θ of 1,100 documents in 3 shards equals infer in one process (a ZeroShotTM and an LDA)', async () => {
    await Promise.all([startWorker(), startWorker()]);
    // 1,100 distinct documents: the corpus's titles with a word appended per copy
    const titles = readFileSync(corpus, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
    const docs = [...new Set(['alpha', 'beta', 'gamma', 'delta'].flatMap((w) => titles.map((t) => `${t} ${w}`)))].slice(0, 1100);
    expect(docs).toHaveLength(1100);
    const input = join(work, 'many.txt');
    writeFileSync(input, docs.join('\n') + '\n');
    const zs = join(work, 'zs');
    const lda = join(work, 'lda');
    ok(await topickd(['fit', '--data', corpus, '--model', 'zeroshot', '--topics', '4', '--hidden', '20', '--epochs', '1', '--cache-dir', join(work, 'c0'), '--out', zs], work));
    ok(await topickd(['fit', '--data', corpus, '--model', 'lda', '--topics', '4', '--model-options', 'passes=2', '--out', lda], work));
    for (const model of [zs, lda]) {
      const local = ok(await topickd(['infer', '--model', model, '--input', input, '--shard-size', '512', '--cache-dir', join(work, `cl-${model === zs ? 'zs' : 'lda'}`), '--json'], work)).json();
      const queued = ok(await topickd(['infer', '--model', model, '--input', input, '--shard-size', '512', '--queue', redis.url, '--cache-dir', join(work, `cq-${model === zs ? 'zs' : 'lda'}`), '--json'], work)).json();
      expect(queued.documents).toBe(1100);
      expect(queued.theta).toEqual(local.theta);
    }
    const bad = await topickd(['infer', '--model', lda, '--input', input, '--shard-size', '500', '--queue', redis.url], work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shard-size for infer must be a multiple of 512/);
    await stopAll();
  }, 300_000);

  it('experiment --queue with two workers, one SIGKILLed mid-job: the same runs and comparisons as the local experiment', async () => {
    const args = ['experiment', '--dataset', corpus, '--topics', '4,6', '--seeds', '0,1', '--epochs', '3', '--teacher-hidden', '30', '--student-hidden', '10', '--baselines', 'lda', '--cache-dir', join(work, 'exp-cache'), '--json'];
    const local = ok(await topickd([...args, '--jobs', '1', '--out', join(work, 'exp-local')], work)).json();
    const a = await startWorker(['--lock-duration', '4000']);
    await startWorker(['--lock-duration', '4000']);
    const run = topickd([...args, '--queue', redis.url, '--out', join(work, 'exp-queued')], work);
    // kill one worker once it is inside a job of the grid (a teacher or a seed), start another
    for (let i = 0; i < 1200 && !/started experiment-(teacher|seed)/.test(a.log()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(a.log()).toMatch(/started experiment-(teacher|seed)/);
    a.proc.kill('SIGKILL');
    await startWorker(['--lock-duration', '4000']);
    const r = ok(await run);
    const queued = r.json();
    const strip = (runs: { trainSeconds: number }[]) => runs.map(({ trainSeconds: _t, ...rest }) => rest);
    expect(queued.runs).toHaveLength(2 * 2 * 4); // K × seeds × (teacher, student, lda, distilled)
    expect(strip(queued.runs)).toEqual(strip(local.runs));
    expect(queued.comparisons).toEqual(local.comparisons);
    // the same folders as a local run: the teacher beside its first seed's students, a pointer elsewhere
    for (const dir of ['exp-queued', 'exp-local']) {
      expect(existsSync(join(work, dir, 'K4-seed0', 'teacher', 'manifest.json'))).toBe(true);
      expect(readFileSync(join(work, dir, 'K4-seed1', 'TEACHER.txt'), 'utf8')).toMatch(/\.\.\/K4-seed0\/teacher/);
      expect(existsSync(join(work, dir, 'K6-seed1', 'distilled', 'theta.npy'))).toBe(true);
      expect(existsSync(join(work, dir, 'report.html'))).toBe(true);
    }
    expect(existsSync(join(work, 'exp-queued', '.queue'))).toBe(false);
    expect(r.stderr).toMatch(/experiment exp-[0-9a-z]+-[0-9a-f]+: 6 jobs on redis:/);
    await stopAll();
  }, 600_000);

  it('experiment --queue: a job that fails every attempt is reported with its error; the rest of the grid completes and is written', async () => {
    // a baseline kind that cannot be built for seed 1 (and is ProdLDA for other seeds)
    const plugin = join(work, 'seed1-fails.mjs');
    writeFileSync(
      plugin,
      `import { ContainerModule, ContextualTopicModel, contextualWeightFloats, TopicModelFactory } from ${JSON.stringify(join(REPO, 'packages', 'core', 'dist', 'index.js'))};
export default new ContainerModule(({ bind }) => {
  bind(TopicModelFactory).toConstantValue({
    name: 'seedone', description: 'ProdLDA that refuses seed 1', needsBow: true, needsEmbeddings: false,
    create(config, seed) {
      if (seed === 1) throw new Error('seed 1 refused on purpose');
      return new ContextualTopicModel({ ...config, kind: 'seedone' }, seed, 'bow');
    },
    weightFloats: (config) => contextualWeightFloats(config, 'bow'),
  });
});
`,
    );
    await Promise.all([startWorker(['--plugins', plugin]), startWorker(['--plugins', plugin])]);
    const out = join(work, 'exp-fail');
    const r = await topickd(['experiment', '--dataset', corpus, '--topics', '4', '--seeds', '0,1', '--epochs', '2', '--teacher-hidden', '20', '--student-hidden', '10', '--baselines', 'seedone', '--plugins', plugin, '--cache-dir', join(work, 'exp-cache'), '--queue', redis.url, '--out', out, '--json'], work);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/1 of \d+ jobs? failed after every attempt .*seed-K4-s1: seed 1 refused on purpose/);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    // seed 0 is complete: teacher, student, the baseline, distilled; seed 1 is named as failed
    expect(res.runs.map((x: { seed: number; role: string }) => `${x.seed}:${x.role}`)).toEqual(['0:teacher', '0:student', '0:baseline', '0:distilled']);
    expect(res.failedJobs).toEqual([expect.objectContaining({ id: expect.stringMatching(/seed-K4-s1$/), error: expect.stringMatching(/seed 1 refused on purpose/) })]);
    await stopAll();
  }, 300_000);

  it('tune --queue with two workers: the same trials as tune in one process', async () => {
    const teacher = join(work, 'tune-teacher');
    const common = ['--cache-dir', join(work, 'tune-cache')];
    ok(await topickd(['fit', '--data', corpus, '--model', 'combined', '--topics', '4', '--hidden', '30', '--epochs', '5', '--out', teacher, ...common], work));
    const search = ['tune', '--data', corpus, '--teacher', teacher, '--hidden', '10', '--trials', '4', '--seeds', '0,1', '--epochs', '9', '--no-reference', ...common, '--json'];
    const local = ok(await topickd([...search, '--out', join(work, 'tune-local')], work)).json();
    await Promise.all([startWorker(), startWorker()]);
    const queued = ok(await topickd([...search, '--queue', redis.url, '--out', join(work, 'tune-queued')], work)).json();
    const strip = (trials: { seconds: number }[]) => trials.map(({ seconds: _s, ...t }) => t);
    expect(queued.trials).toHaveLength(10);
    expect(strip(queued.trials)).toEqual(strip(local.trials));
    expect(queued.best).toEqual(local.best);
    expect(queued.queue).toBe(redis.url);
    await stopAll();
  }, 300_000);

  it('Redis restarted mid-run: workers and the submitting command reconnect, and the output is unchanged', async () => {
    const persistent = await startRedis({ persistent: true });
    const saved = redis;
    redis = persistent;
    try {
      const w = await startWorker();
      const run = topickd(['embed', '--queue', persistent.url, '--input', corpus, '--out', join(work, 'after-restart.npy'), '--shard-size', '30', '--no-cache', '--json'], work);
      for (let i = 0; i < 600 && !/completed embed-shard/.test(w.log()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(w.log()).toMatch(/completed embed-shard/);
      await persistent.restart();
      const r = ok(await run).json();
      expect(r.shards).toBe(10);
      ok(await topickd(['embed', '--input', corpus, '--out', join(work, 'local-30.npy'), '--shard-size', '30', '--no-cache', '--threads', '1', '--json'], work));
      expect(readFileSync(join(work, 'after-restart.npy')).equals(readFileSync(join(work, 'local-30.npy')))).toBe(true);
      await stopAll();
    } finally {
      redis = saved;
      await persistent.stop();
    }
  }, 300_000);

  it('status and worker with an unreachable queue: a clear error, no hang', async () => {
    const r = await topickd(['status', '--queue', 'redis://127.0.0.1:1', '--json'], work, { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127.0.0.1:1 within 10 s/);
    const bad = await topickd(['status', '--queue', 'http://x'], work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--queue must be a redis:\/\/ or rediss:\/\/ \(TLS\) URL/);
  }, 120_000);
});
