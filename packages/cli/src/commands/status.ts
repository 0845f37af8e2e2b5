import { defineCommand } from '../command.js';
import { queueModule } from 'topickd/app';

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'progress of the distributed runs on a Redis queue: jobs waiting, active, done, failed; docs/s; ETA',
  example: 'topickd status --queue redis://127.0.0.1:6379 --json',
  flags: {
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT or rediss://… (TLS) of the queue; "env" or none: the REDIS_URL environment variable (required one way or the other)' },
  },
  async run({ flags, print, json }) {
    const { JobQueue, queueUrl, maskRedisUrl } = await queueModule(); // loaded only here: ~1 s of every command's start otherwise
    const url = queueUrl(flags.queue, true)!;
    const shown = maskRedisUrl(url);
    const queue = await JobQueue.open(url);
    try {
      const s = await queue.status();
      if (json) print(JSON.stringify({ queue: shown, ...s }));
      else {
        print(`${shown}: ${s.waiting} waiting, ${s.active} active, ${s.completed} done, ${s.failed} failed${s.delayed ? `, ${s.delayed} retrying later` : ''}`);
        if (s.itemsPerSecond !== null) print(`${s.itemsPerSecond.toFixed(1)} docs/s${s.etaSeconds !== null ? `, ETA ${Math.ceil(s.etaSeconds)} s` : ''}`);
      }
    } finally {
      await queue.close();
    }
  },
});
