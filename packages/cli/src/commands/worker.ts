import { ConfigError } from '@topickd/core';
import { signalsHandledByProgram } from '@topickd/core/node';
import { createRuntime, jobHandlers, queueModule } from 'topickd/app';
import { QUEUE_TIMEOUT_FLAG, defineCommand } from '../command.js';

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'run jobs of distributed runs (embed, infer, experiment --queue) from a Redis queue until stopped',
  example: 'topickd worker --queue redis://10.0.0.5:6379 --backend node',
  flags: {
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT or rediss://… (TLS) of the queue; "env" or none: the REDIS_URL environment variable (required one way or the other)' },
    concurrency: { type: 'integer', arg: 'N', description: 'jobs at once in this process (default 1)' },
    'lock-duration': { type: 'integer', arg: 'MS', description: "a job's lock without renewal: a dead worker's job is taken over after about this long (default 30000)" },
    'queue-timeout': QUEUE_TIMEOUT_FLAG,
    'stop-grace': { type: 'number', arg: 'S', description: 'on SIGTERM/SIGINT: seconds a running job may take to finish before it is handed back to the queue (default 30); a second signal exits at once' },
    plugins: { type: 'list', arg: 'MOD,MOD', description: 'third-party plugin modules to load: the same as the submitting command, for the model kinds and losses its jobs name' },
  },
  async run({ cfg, flags, progress, logger }) {
    const { startWorker, queueUrl, maskRedisUrl } = await queueModule(); // loaded only here: ~1 s of every command's start otherwise
    const url = queueUrl(flags.queue, true)!;
    const concurrency = flags.concurrency ?? 1;
    if (!(concurrency >= 1)) throw new ConfigError(`--concurrency must be at least 1, got ${concurrency}`, 'concurrency');
    const grace = flags.stopGrace ?? 30;
    if (!(grace >= 0) || !Number.isFinite(grace)) throw new ConfigError(`--stop-grace must be a number of seconds ≥ 0, got ${grace}`, 'stop-grace');
    signalsHandledByProgram(); // this command stops itself on SIGTERM/SIGINT (below)
    const rt = await createRuntime(cfg, logger);
    const jobs = jobHandlers(rt, cfg, progress);
    const log = (line: string) => progress.log(line);
    // a signal before the worker is up (Redis still away) ends the process at once
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      const code = signal === 'SIGINT' ? 130 : 143;
      if (stopping || !worker) {
        log(`${signal}${stopping ? ' again' : ''}: exiting now`);
        process.exit(code);
      }
      stopping = true;
      const w = worker;
      log(`${signal}: ${w.running ? `finishing the running job (at most ${grace} s, else it goes back to the queue), then stopping` : 'stopping'}`);
      void w.stop(grace * 1000).then((outcome) => {
        if (outcome === 'handed-back') log('the running job was handed back to the queue: another worker takes it once its lock lapses');
        log('worker stopped');
        process.exit(0); // a clean stop, as an orchestrator asked for it
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    worker = await startWorker(url, jobs.handlers, {
      concurrency,
      lockDurationMs: flags.lockDuration,
      queueTimeoutSeconds: cfg.queueTimeout,
      log,
      onEvent: (e) => log(`${e.type} ${e.name} ${e.id}${e.error ? `: ${e.error}` : ''}`),
    });
    log(`worker on ${maskRedisUrl(url)} (backend ${rt.backend.name}, ${concurrency} job${concurrency === 1 ? '' : 's'} at once); SIGTERM or Ctrl-C stops it, finishing or handing back its running job`);
    try {
      await Promise.race([worker.closed, worker.failed]);
    } catch (e) {
      await worker.stop(0); // Redis stayed away past --queue-timeout: the jobs stay queued for other workers
      throw e;
    } finally {
      await jobs.close();
    }
    if (!stopping) log('worker stopped');
  },
});
