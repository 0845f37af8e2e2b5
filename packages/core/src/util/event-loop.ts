/**
 * Lets the event loop turn: timers, I/O and messages run before the returned promise resolves.
 *
 * tfjs's `data()` on the cpu and wasm backends resolves as a microtask, so a loop that awaits it
 * batch after batch never gives the event loop a turn: a server stops answering, a job's lock is
 * not renewed, an IPC channel's timer fires late (vitest's worker RPC gave up after 60 s of one
 * encoder test). Long loops (training steps, encoder batches) call this between steps.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
