#!/usr/bin/env node
import { main } from './main.js';

// One thread for native math libraries on shared small machines (busy-waiting threads thrash there).
process.env.OPENBLAS_NUM_THREADS ??= '1';
process.env.OMP_WAIT_POLICY ??= 'PASSIVE';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`topickd: error: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
