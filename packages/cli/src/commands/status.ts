import { ConfigError } from '@topickd/core';
import type { Command } from '../command.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'progress of the distributed runs on a Redis queue: jobs waiting, active, done, failed; docs/s; ETA',
  usage: 'topickd status --queue redis://HOST:PORT [--json]',
  example: 'topickd status --queue redis://127.0.0.1:6379 --json',
  flags: {
    queue: { type: 'string', arg: 'URL', description: 'redis://HOST:PORT of the queue (required)' },
  },
  async run({ flags, print, json }) {
    const url = flags.queue as string | undefined;
    if (!url) throw new ConfigError('give the queue: --queue redis://HOST:PORT', 'queue');
    const { JobQueue } = await import('@topickd/queue'); // loaded only here: ~1 s of every command's start otherwise
    const queue = await JobQueue.open(url);
    try {
      const s = await queue.status();
      if (json) print(JSON.stringify({ queue: url, ...s }));
      else {
        print(`${url}: ${s.waiting} waiting, ${s.active} active, ${s.completed} done, ${s.failed} failed${s.delayed ? `, ${s.delayed} retrying later` : ''}`);
        if (s.itemsPerSecond !== null) print(`${s.itemsPerSecond.toFixed(1)} docs/s${s.etaSeconds !== null ? `, ETA ${Math.ceil(s.etaSeconds)} s` : ''}`);
      }
    } finally {
      await queue.close();
    }
  },
};
