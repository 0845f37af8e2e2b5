/**
 * Property-based tests (fast-check) of config files: any JSON or YAML text, and any object,
 * is either a valid run config (every key known, every value checked) or refused with a
 * ConfigError naming the key — never another exception or a stack overflow.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@topickd/core';
import { loadConfigFile, RUN_CONFIG_KEYS, validateRunConfig } from '../src/app.js';

function validOrConfigError(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw new Error(`not a ConfigError: ${(e as Error)?.stack ?? e}`);
    return undefined;
  }
}

const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -3, max: 2 ** 33 }), fc.constantFrom('wasm', 'use', 'm10', 'combined', 'auto', 'paper'), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 4 }));
const key = fc.oneof(fc.constantFrom(...RUN_CONFIG_KEYS), fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString'));

describe('config files', () => {
  it('any object: a valid config holds only known keys, else a ConfigError (2,000 cases)', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), (raw) => {
        const cfg = validOrConfigError(() => validateRunConfig(raw, 'gen'));
        if (cfg) for (const k of Object.keys(cfg)) expect(RUN_CONFIG_KEYS as readonly string[]).toContain(k);
      }),
      { numRuns: 2000 },
    );
  });

  it('any JSON or YAML text in a file: read or refused with a ConfigError (1,000 cases)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topickd-prop-cfg-'));
    let n = 0;
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.dictionary(key, value, { maxKeys: 3 }).map((o) => JSON.stringify(o)),
      fc.dictionary(key, value, { maxKeys: 3 }).map((o) => Object.entries(o).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n')),
      fc.integer({ min: 50, max: 5000 }).map((d) => `topics: ${'['.repeat(d)}${']'.repeat(d)}`),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (t, json) => {
        const file = join(dir, `c${n++}.${json ? 'json' : 'yaml'}`);
        writeFileSync(file, t);
        validOrConfigError(() => loadConfigFile(file));
      }),
      { numRuns: 1000 },
    );
  });
});
