/**
 * One rule for relative paths, as a user meets it: a flag's path is relative to the working
 * directory, a config file's to the file's folder — for what a command reads (--data) and what
 * it writes (--out) alike. Spawned commands; LDA (no encoder) keeps them fast.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok, RAW_CORPUS, scratchDir, topickd } from './helpers.js';

describe('relative paths', () => {
  it('flags against the working directory, config values against the config file', async () => {
    const work = scratchDir('relative-paths');
    mkdirSync(join(work, 'conf'));
    mkdirSync(join(work, 'here'));
    const titles = readFileSync(RAW_CORPUS, 'utf8');
    writeFileSync(join(work, 'conf', 'titles.jsonl'), titles); // next to the config
    writeFileSync(join(work, 'here', 'other.jsonl'), titles.trim().split('\n').slice(0, 150).join('\n') + '\n'); // next to the working directory
    writeFileSync(join(work, 'conf', 'topickd.config.json'), JSON.stringify({ data: 'titles.jsonl', out: 'model-from-config', model: 'lda', topics: 3 }));
    const cwd = join(work, 'here');
    // config: data and out relative to conf/
    const a = ok(await topickd(['fit', '--config', '../conf/topickd.config.json', '--json'], cwd)).json();
    expect(a.documents).toBe(300);
    expect(existsSync(join(work, 'conf', 'model-from-config', 'manifest.json'))).toBe(true);
    // flags: data and out relative to the working directory, even with the config
    const b = ok(await topickd(['fit', '--config', '../conf/topickd.config.json', '--data', 'other.jsonl', '--out', 'model-from-flags', '--json'], cwd)).json();
    expect(b.documents).toBe(150);
    expect(existsSync(join(cwd, 'model-from-flags', 'manifest.json'))).toBe(true);
    expect(existsSync(join(work, 'conf', 'model-from-flags'))).toBe(false);
  }, 120_000);
});
