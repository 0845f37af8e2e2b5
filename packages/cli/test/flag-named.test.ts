/**
 * The library names options in backquotes; the CLI's error printer names a command's flag there
 * instead (one check serves the API and the command line).
 */
import { describe, it, expect } from 'vitest';
import { flagNamed } from '../src/main.js';

describe('flagNamed', () => {
  const flags = { 'teacher-seed': {}, 'teacher-per': {}, tune: {}, alpha: {}, temperature: {} };
  it('turns a backquoted option that is a flag of the command into the flag', () => {
    expect(flagNamed('`teacherSeed` applies to a teacher shared per K; drop it or `teacherPer` seed', flags)).toBe('--teacher-seed applies to a teacher shared per K; drop it or --teacher-per seed');
    expect(flagNamed('`tune` searches α and T: drop `alpha`/`temperature`, or drop `tune`', flags)).toBe('--tune searches α and T: drop --alpha/--temperature, or drop --tune');
  });
  it('keeps what is not a flag of the command: other options, commands, code', () => {
    expect(flagNamed('`workDir` is needed', flags)).toBe('`workDir` is needed');
    expect(flagNamed('run `topickd tune --queue URL` first', flags)).toBe('run `topickd tune --queue URL` first');
    expect(flagNamed('no backquotes, teacherSeed stays', flags)).toBe('no backquotes, teacherSeed stays');
  });
});
