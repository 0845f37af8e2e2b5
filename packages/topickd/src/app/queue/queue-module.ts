import { ConfigError } from '@topickd/core';

/**
 * @topickd/queue (BullMQ and ioredis), loaded only when a queue is used: it costs ~1 s of a
 * command's start, and it is an optional dependency (`npm i topickd --omit=optional` leaves it
 * out), so its absence is a usage error that says how to add it.
 */
export async function queueModule(): Promise<typeof import('@topickd/queue')> {
  try {
    return await import('@topickd/queue');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('@topickd/queue')) {
      throw new ConfigError('the queue (--queue, worker, status) needs the package @topickd/queue (BullMQ + ioredis), which this install left out: npm i @topickd/queue', 'queue');
    }
    throw e;
  }
}
