import { ConfigError } from '@topickd/core';
import { signalsHandledByProgram } from '@topickd/core/node';
import { createRuntime, jobHandlers } from 'topickd';
import type { Command } from '../command.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run jobs of distributed runs (embed, infer, experiment --queue) from a Redis queue until stopped',
  usage: 'topickd worker --queue redis://HOST:PORT [--concurrency N] [--lock-duration MS] [--backend NAME] [--plugins MOD,MOD]',
  example: 'topickd worker --queue redis://10.0.0.5:6379 --backend node',
  flags: {
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT of the queue (required)' },
    concurrency: { type: 'integer', arg: 'N', description: 'jobs at once in this process (default 1)' },
    'lock-duration': { type: 'integer', arg: 'MS', description: "a job's lock without renewal: a dead worker's job is taken over after about this long (default 30000)" },
    plugins: { type: 'list', arg: 'MOD,MOD', description: 'third-party plugin modules to load: the same as the submitting command, for the model kinds and losses its jobs name' },
  },
  async run({ cfg, flags, progress, logger }) {
    const url = flags.queue as string | undefined;
    if (!url) throw new ConfigError('give the queue: --queue redis://HOST:PORT', 'queue');
    const concurrency = (flags.concurrency as number | undefined) ?? 1;
    if (!(concurrency >= 1)) throw new ConfigError(`--concurrency must be at least 1, got ${concurrency}`, 'concurrency');
    signalsHandledByProgram(); // the worker stops itself on SIGTERM/SIGINT, after its running job
    const rt = await createRuntime(cfg, logger);
    const jobs = jobHandlers(rt, cfg, progress);
    const { startWorker } = await import('@topickd/queue'); // loaded only here: ~1 s of every command's start otherwise
    const worker = await startWorker(url, jobs.handlers, {
      concurrency,
      lockDurationMs: flags.lockDuration as number | undefined,
      onEvent: (e) => progress.log(`${e.type} ${e.name} ${e.id}${e.error ? `: ${e.error}` : ''}`),
    });
    progress.log(`worker on ${url} (backend ${rt.backend.name}, ${concurrency} job${concurrency === 1 ? '' : 's'} at once); SIGTERM or Ctrl-C stops it after its running job`);
    const stop = (signal: string) => {
      progress.log(`${signal}: finishing the running job, then stopping`);
      void worker.close();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    await worker.closed;
    await jobs.close();
    progress.log('worker stopped');
  },
};
