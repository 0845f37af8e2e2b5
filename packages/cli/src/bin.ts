#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { redactSecrets } from './redact.js';

// `infer` streams its input one block at a time: with V8's young generation kept at its initial
// size (instead of doubling under the allocation rate of tokenizing), each block's garbage is
// collected in a small space rather than held. Set before anything is loaded — later it would
// find the young generation already grown. Peak RSS of 10,000 20NG posts through a
// static-encoder student: 134–159 MB without, about 120 MB with (BENCHMARKS.md).
if (process.argv[2] === 'infer') {
  try {
    setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // a runtime without V8's flags: nothing to tune
  }
}

// One thread for native math libraries on shared small machines (busy-waiting threads thrash there).
process.env.OPENBLAS_NUM_THREADS ??= '1';
process.env.OMP_WAIT_POLICY ??= 'PASSIVE';

// No credential in any output: the passwords of Redis URLs given on the command line or in
// REDIS_URL are replaced by *** in everything this process writes (the messages mask them
// already; this also covers what a library prints).
redactSecrets([...process.argv.slice(2), process.env.REDIS_URL ?? '']);

// A command whose work never settles (a plugin import, an input that never ends) would
// otherwise let Node exit with status 0 and no output: say so and fail instead.
let finished = false;
process.on('exit', (code) => {
  if (!finished && code === 0) {
    process.stderr.write('topickd: error: the command stopped before it finished (something it waited for never completed; run with --debug)\n');
    process.exitCode = 1;
  }
});

// A command that has finished exits: if something it used leaves a handle open (a plugin's timer,
// a Redis client still reconnecting after its queue gave up), the process would otherwise never
// end. Unref'd: it only fires when something else keeps the process alive.
const EXIT_GRACE_MS = 5000;
const exitSoon = () => setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();

import('./main.js').then(({ main }) => main(process.argv.slice(2))).then(
  (code) => {
    finished = true;
    process.exitCode = code;
    exitSoon();
  },
  (e) => {
    finished = true;
    process.stderr.write(`topickd: error: ${String(e)}\n`);
    process.exitCode = 1;
    exitSoon();
  },
);
