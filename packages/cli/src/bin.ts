#!/usr/bin/env node
import { main } from './main.js';

// One thread for native math libraries on shared small machines (busy-waiting threads thrash there).
process.env.OPENBLAS_NUM_THREADS ??= '1';
process.env.OMP_WAIT_POLICY ??= 'PASSIVE';

// A command whose work never settles (a plugin import, an input that never ends) would
// otherwise let Node exit with status 0 and no output: say so and fail instead.
let finished = false;
process.on('exit', (code) => {
  if (!finished && code === 0) {
    process.stderr.write('topickd: error: the command stopped before it finished (something it waited for never completed; run with --debug)\n');
    process.exitCode = 1;
  }
});

main(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (e) => {
    finished = true;
    process.stderr.write(`topickd: error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
