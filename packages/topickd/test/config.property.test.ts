/**
 * Property-based tests (fast-check) of config files: any JSON or YAML text, and any object,
 * is either a valid run config (every key known, every value checked) or refused with a
 * ConfigError naming the key — never another exception or a stack overflow.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@topickd/core';
import { loadConfigFile, RUN_CONFIG_KEYS, runConfigJsonSchema, validateRunConfig } from '../src/app.js';

// ajv's draft 2020-12 build, loaded as CommonJS (its ESM default export differs across bundlers)
const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020').default as new (o: object) => { compile(s: object): ((v: unknown) => boolean) & { errors?: unknown } };

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

  it('topickd.config.schema.json is the schema that validates configs: the committed file is the generated one', () => {
    const committed = JSON.parse(readFileSync(new URL('../topickd.config.schema.json', import.meta.url), 'utf8'));
    expect(committed, 'run `pnpm run build && node scripts/write-config-schema.mjs`').toEqual(runConfigJsonSchema());
    expect(Object.keys(committed.properties).sort()).toEqual(['$schema', ...RUN_CONFIG_KEYS].sort());
    // a config file may name the schema (editors read it; TopicKD ignores it)
    const dir = mkdtempSync(join(tmpdir(), 'topickd-schema-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ $schema: './node_modules/topickd/topickd.config.schema.json', topics: 7 }));
    expect(loadConfigFile(join(dir, 'c.json')).topics).toBe(7);
    for (const [k, p] of Object.entries(committed.properties as Record<string, { description?: string }>)) expect(p.description, k).toMatch(/\w/);
  });

  it('the JSON Schema accepts exactly the configs the validator accepts (every key × 42 bounds, then 4,000 random configs)', () => {
    const check = new Ajv2020({ strict: false, allErrors: false }).compile(runConfigJsonSchema());
    // values near the bounds the checks draw: 0, 1, 2, fractions, 2³², limits, empty and nested shapes
    const near = fc.oneof(
      fc.constantFrom(0, 1, 2, 0.5, 0.999, -1, 1.5, 4294967295, 4294967296, 256, 257, 65536, 65537, 1e6, 1e6 + 1, 10000, 10001, '', 'x', 'int8', 'float16', 'auto', 'paper', 'combined', 'Combined', null, true),
      fc.array(fc.integer({ min: -1, max: 20000 }), { maxLength: 3 }),
      fc.record({ model: fc.constantFrom('lda', 'X', 1), hidden: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }) }, { requiredKeys: [] }),
      fc.dictionary(fc.constantFrom('lda', 'wasm'), fc.oneof(fc.dictionary(fc.constantFrom('passes', 'threads'), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)), { maxKeys: 2 }), fc.integer()), { maxKeys: 2 }),
      fc.array(fc.oneof(fc.constantFrom('w2', 'ce', '', 3), fc.record({ name: fc.constantFrom('ce', 'kl'), weight: fc.constantFrom(0, 0.5, -1, 'a'), options: fc.constantFrom({}, [], { a: 1 }), extra: fc.constant(1) }, { requiredKeys: ['name'] })), { maxLength: 2 }),
      fc.record({ type: fc.constantFrom('onnx', 2), modelDir: fc.constant('m') }, { requiredKeys: [] }),
      value,
    );
    // every key with every boundary value, one at a time (exhaustive), then random combinations
    const BOUNDS = [0, 1, 2, 0.5, 0.999, -1, 1.5, 4294967295, 4294967296, 256, 257, 65536, 65537, 1e6, 1e6 + 1, 10000, 10001, 2001, 100001, '', 'x', 'int8', 'float16', 'auto', 'paper', 'combined', 'Combined', null, true, [], [0], [100, 100], [1e6], {}, { type: 'onnx' }, { type: 2 }, { lda: {} }, { model: 'lda', hidden: [] }, { model: 'X' }, ['w2', { name: 'ce', weight: 0.5 }], [{ name: 'ce', extra: 1 }], [{ name: 'ce', options: [] }]];
    for (const k of [...RUN_CONFIG_KEYS]) {
      for (const v of BOUNDS) {
        const raw = { [k]: v };
        const byValidator = validOrConfigError(() => validateRunConfig(raw, 'gen')) !== undefined;
        expect(check(raw), `${JSON.stringify(raw)}: validator ${byValidator ? 'accepts' : 'refuses'}`).toBe(byValidator);
      }
    }
    const known = fc.constantFrom(...RUN_CONFIG_KEYS);
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(known, known, known, fc.constantFrom('baseDir', 'bogus')), near, { maxKeys: 3 }), (raw) => {
        const byValidator = validOrConfigError(() => validateRunConfig(raw, 'gen')) !== undefined;
        // baseDir is set by the loader (not written in files): the validator takes it, the file schema does not
        if ('baseDir' in raw) return;
        expect(check(raw), `${JSON.stringify(raw)}: validator ${byValidator ? 'accepts' : 'refuses'}`).toBe(byValidator);
      }),
      { numRuns: 4000 },
    );
  });
});

