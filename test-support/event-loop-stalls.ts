/**
 * vitest setup file: reports a test that blocks its worker's event loop for long.
 *
 * vitest's worker talks to its runner over an RPC whose calls time out after 60 s; a test that
 * keeps the loop busy that long (spawnSync of a training run, a long synchronous tensor loop)
 * makes the whole run fail with "Timeout calling onTaskUpdate" although every test passed — and
 * the message names no test. This names it: any stall over STALL_MS is printed with the test
 * that was running, so a CI log points at the culprit before the RPC gives up.
 */
import { afterAll, afterEach, beforeEach, expect } from 'vitest';

const TICK_MS = 500;
const STALL_MS = 15_000;

let current = '(between tests)';
let last = performance.now();
let worst = { ms: 0, test: '' };
const timer = setInterval(() => {
  const now = performance.now();
  const stall = now - last - TICK_MS;
  last = now;
  if (stall > worst.ms) worst = { ms: stall, test: current };
  if (stall > STALL_MS) {
    process.stderr.write(`[event-loop stall] ${(stall / 1000).toFixed(1)} s without a turn of the event loop during "${current}" (vitest's RPC gives up at 60 s)\n`);
  }
}, TICK_MS);
timer.unref();

beforeEach(() => {
  current = expect.getState().currentTestName ?? '(unnamed test)';
});
afterEach(() => {
  current = `(hooks after "${current}")`;
});

afterAll(() => {
  if (process.env.TOPICKD_STALL_REPORT) {
    process.stderr.write(`[event-loop stall] longest in ${expect.getState().testPath}: ${(worst.ms / 1000).toFixed(1)} s during "${worst.test}"\n`);
  }
});
