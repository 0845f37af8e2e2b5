/**
 * The README's command lines, run as written (each a new process), so the README cannot
 * drift from the CLI. Only what would take minutes changes: the bundled `m10` becomes a
 * 300-title raw corpus, training runs 1 epoch, and the embedding cache is a scratch folder.
 * The flags, the commands and their order are the README's.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLines, DATA_FLAGS, ok, oneEpoch, RAW_CORPUS, REPO, scratchDir, topickd } from './helpers.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

/** The `sh` block between `<!-- NAME -->` and `<!-- /NAME -->`, as command lines (continuations joined, comments dropped). */
export function commandBlock(name: string): string[] {
  const m = new RegExp(`<!-- ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- /${name} -->`).exec(README);
  if (!m) throw new Error(`README has no <!-- ${name} --> block`);
  return commandLines(m[1]);
}

/** A README line → the argument list the test runs: `pnpm [-s|exec] topickd ARGS` or `pnpm demo`. */
export function testArgs(line: string, corpus: string, cache: string): string[] {
  const words = line.split(/\s+/);
  let args: string[];
  if (words[0] === 'pnpm' && words[1] === 'demo') args = ['demo', ...words.slice(2), '--data', corpus];
  else {
    const at = words.indexOf('topickd');
    if (words[0] !== 'pnpm' || at < 0) throw new Error(`not a topickd command line: ${line}`);
    args = words.slice(at + 1);
  }
  args = args.map((a, i) => (i > 0 && DATA_FLAGS.has(args[i - 1]) && a === 'm10' ? corpus : a));
  return [...oneEpoch(args), '--cache-dir', cache];
}

describe('the README, run as written (one process per command)', () => {
  const work = scratchDir('readme');
  const corpus = join(work, 'titles.jsonl');
  const cache = join(work, 'cache');

  beforeAll(async () => {
    writeFileSync(corpus, readFileSync(RAW_CORPUS, 'utf8'));
    writeFileSync(join(work, 'my-texts.txt'), 'Gene expression in plant cells\nA neural network for image classification\n');
    ok(await topickd(['embed', '--input', corpus, '--out', join(work, 'warm.npy'), '--cache-dir', cache], work));
  }, 300_000);

  it('"What it does": every command line succeeds, in order, and writes what it says', async () => {
    const lines = commandBlock('readme-commands');
    const commands = lines.map((l) => testArgs(l, corpus, cache)[0]);
    // the block covers every command a user has
    for (const c of ['fit', 'distill', 'evaluate', 'infer', 'topics', 'experiment', 'report', 'export', 'embed', 'info']) expect(commands).toContain(c);
    for (const line of lines) {
      const r = ok(await topickd(testArgs(line, corpus, cache), work));
      if (line.includes('--json')) expect(() => r.json(), line).not.toThrow();
      const out = /--out (\S+)/.exec(line)?.[1];
      if (out) expect(existsSync(join(work, out)), `${line} writes ${out}`).toBe(true);
    }
  });

  it('"Quick start": pnpm demo, and the linked bin answers pnpm exec topickd', async () => {
    const quick = commandBlock('quick-start');
    expect(quick.some((l) => /\bpnpm demo\b/.test(l))).toBe(true);
    expect(quick).toContain('pnpm test');
    const demo = ok(await topickd(testArgs('pnpm demo', corpus, cache), work));
    expect(demo.stdout).toMatch(/distilled student, NPMI/);
    expect(existsSync(join(work, 'runs', 'demo', 'report.html'))).toBe(true);
    // `pnpm install` links the bin at the repository root
    expect(existsSync(join(REPO, 'node_modules', '.bin', 'topickd'))).toBe(true);
  });
});
