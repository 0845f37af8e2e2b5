/**
 * Every code block of the documentation runs: README.md and every page under docs/ (not the
 * generated API reference). A block is one of
 *   - output or a usage synopsis: a fence without a language, or `text` — not code;
 *   - run by a test of its own: the block sits between `<!-- NAME -->` and `<!-- /NAME -->`
 *     and NAMED_BLOCKS says which test file runs it (that file must name the marker);
 *   - not runnable here, with the reason: `<!-- not-run: REASON -->` just above it (listed
 *     in this test's output);
 *   - run here, in page order, one scratch folder per page:
 *       sh/bash — each `topickd …` line (also `pnpm topickd`, `pnpm -s|exec topickd`, `npx topickd`)
 *         as its own process; a line ending in `&` runs in the background until the page ends;
 *       ts — written to a file and run with tsx; a module that exports a loss class is also
 *         loaded as a plugin by `createTopicKD` and used in a distillation;
 *       yaml/json — a config file: `topickd info --config FILE --json` must accept it.
 * What only takes minutes changes, as in readme-commands.test.ts: the bundled corpora and any
 * corpus file a page names become a 300-title corpus (a dated 300-entry slice for the Debian
 * changelogs), training runs 1 epoch, the embedding cache is a scratch folder, and a Redis URL
 * becomes a real redis-server started here. A page may state what it assumes exists with
 * `<!-- assumes: topickd … -->` (run before its first block); a block marked `<!-- file: NAME -->`
 * is a file the page's later commands read (written as NAME in their folder; JSON must parse).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runProcess } from '../../../../test-support/child-process.js';
import { BIN, commandLines, DATA_FLAGS, ok, oneEpoch, RAW_CORPUS, REPO, topickd } from './helpers.js';
import { redisServerAvailable, startRedis, type RedisServer } from './redis-server.js';

/** Blocks run by a test of their own (marker name → the test file that runs it). */
const NAMED_BLOCKS: Record<string, string> = {
  'quick-start': 'packages/cli/test/e2e/readme-commands.test.ts',
  'readme-commands': 'packages/cli/test/e2e/readme-commands.test.ts',
  'readme-api': 'packages/topickd/test/readme-api.test.ts',
  'pipeline-example': 'packages/cli/test/pipeline-example.test.ts',
  'browser-consumer': 'scripts/check-packages.mjs',
};

export interface Block {
  page: string;
  line: number;
  lang: string;
  code: string;
  named?: string;
  notRun?: string;
  /** `<!-- file: NAME -->` above it: a file the page's commands read, written where they run. */
  file?: string;
}

function pages(): string[] {
  const out = ['README.md'];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && rel !== join('docs', 'api')) walk(rel);
      } else if (e.name.endsWith('.md')) out.push(rel);
    }
  };
  walk('docs');
  return out;
}

export function blocksOf(page: string): Block[] {
  const lines = readFileSync(join(REPO, page), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    const above = lines.slice(Math.max(0, i - 3), i).reverse().find((l) => l.trim() !== '') ?? '';
    const named = /^<!-- ([a-z-]+) -->$/.exec(above.trim())?.[1];
    const notRun = /^<!-- not-run: (.+) -->$/.exec(above.trim())?.[1];
    const file = /^<!-- file: ([\w.-]+) -->$/.exec(above.trim())?.[1];
    blocks.push({ page, line: i + 1, lang: open[1], code: lines.slice(i + 1, end).join('\n'), named, notRun, ...(file ? { file } : {}) });
    i = end;
  }
  return blocks;
}

const OUTPUT = new Set(['', 'text']);
const isRunHere = (b: Block) => !OUTPUT.has(b.lang) && !b.named && !b.notRun;

const BUNDLED = new Set(['m10', '20ng']);

interface PageRun {
  work: string;
  cache: string;
  corpus: string;
  redis?: RedisServer;
  background: ChildProcess[];
}

/** The small corpus a page's corpus file becomes: a 300-line slice (the real file's, if the repository has it). */
function provideCorpus(run: PageRun, path: string): void {
  const target = join(run.work, path);
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  const inRepo = join(REPO, path);
  const source = existsSync(inRepo) && statSync(inRepo).isFile() ? inRepo : RAW_CORPUS;
  writeFileSync(target, readFileSync(source, 'utf8').split('\n').filter(Boolean).slice(0, 300).join('\n') + '\n');
}

/** A documented `topickd` line → the arguments this test runs. */
export function docArgs(line: string, run: Pick<PageRun, 'corpus' | 'cache'> & { redisUrl?: string }, provide: (path: string) => void = () => undefined): string[] {
  const words = line.replace(/\s*&$/, '').split(/\s+/);
  const at = words.indexOf('topickd');
  const prefix = words.slice(0, at).join(' ');
  if (at < 0 || !['', 'pnpm', 'pnpm -s', 'pnpm exec', 'npx'].includes(prefix)) throw new Error(`not a topickd command line: ${line}`);
  let args = words.slice(at + 1);
  args = args.map((a, i) => {
    const flag = args[i - 1];
    if (i > 0 && DATA_FLAGS.has(flag)) {
      if (BUNDLED.has(a)) return run.corpus;
      if (/\.(jsonl|txt)$/.test(a) && !(flag === '--input' && args[0] === 'embed' && a === run.corpus)) provide(a);
    }
    if (/^redis:\/\//.test(a)) {
      if (!run.redisUrl) throw new Error(`${line}: needs Redis`);
      return run.redisUrl;
    }
    if (a.startsWith('/shared/')) return a.slice(1);
    return a;
  });
  if (args[0] === 'worker' || args[0] === 'status') return args;
  return [...oneEpoch(args), '--cache-dir', run.cache];
}

/** A program that uses a documented plugin block as a user would, or undefined if the block is no plugin. */
function pluginUse(code: string, file: string, run: PageRun): string | undefined {
  const common = `import { createTopicKD } from 'topickd';\nconst corpus = ${JSON.stringify(run.corpus)};\nconst plugins = [${JSON.stringify(file)}];\nconst cacheDir = ${JSON.stringify(run.cache)};\n`;
  if (/implements DistillationLoss/.test(code)) {
    const name = /readonly name = '([^']+)'/.exec(code)?.[1];
    return `${common}const tkd = await createTopicKD({ plugins, cacheDir });
const teacher = await tkd.fit(corpus, { model: 'combined', topics: 5, epochs: 1 });
const student = await tkd.distill(teacher, corpus, { model: 'zeroshot', topics: 5, epochs: 1, losses: [${JSON.stringify(name)}] });
console.log(JSON.stringify({ topics: student.topics(5).length }));\n`;
  }
  if (/bind\(EncoderFactory\)/.test(code)) {
    const name = /name: '([^']+)'/.exec(code)?.[1];
    return `${common}const tkd = await createTopicKD({ plugins, cacheDir, encoder: { type: ${JSON.stringify(name)}, dim: 32 } });
const model = await tkd.fit(corpus, { model: 'zeroshot', topics: 5, epochs: 1 });
await model.save('runs/encoder-plugin-model');
const again = await (await createTopicKD({ plugins, cacheDir })).load('runs/encoder-plugin-model');
const [theta] = await again.transform(['gene expression in plant cells']);
console.log(JSON.stringify({ topics: again.topics(5).length, theta }));\n`;
  }
  return undefined;
}

const ALL = pages().flatMap(blocksOf);
const needsRedis = (page: string) => ALL.some((b) => b.page === page && isRunHere(b) && /redis:\/\//.test(b.code));

describe('the documentation: links', () => {
  it("every relative link of the README and the pages names a file of the repository", () => {
    const broken: string[] = [];
    for (const page of pages()) {
      const text = readFileSync(join(REPO, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1].split('#')[0];
        if (!target || /^[a-z]+:/.test(target)) continue;
        const file = target.startsWith('/') ? join(REPO, 'docs', target) : join(REPO, dirname(page), target);
        // the site's own paths: /api/… is generated by `pnpm run docs`; clean URLs may omit .md
        if (target.startsWith('/api/') || target.startsWith('./api/') || existsSync(file) || existsSync(`${file}.md`)) continue;
        broken.push(`${page}: ${m[1]}`);
      }
      for (const m of text.matchAll(/<!--@include: ([^#\s]+)(#[\w-]+)?-->/g)) {
        const file = join(REPO, dirname(page), m[1]);
        if (!existsSync(file)) broken.push(`${page}: include ${m[1]}`);
        else if (m[2] && !readFileSync(file, 'utf8').includes(`<!-- #region ${m[2].slice(1)} -->`)) broken.push(`${page}: include ${m[1]}${m[2]} (no such region)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the documentation: every code block runs', () => {
  it('each block is output, run by a named test, run here, or says why it cannot run', () => {
    const code = ALL.filter((b) => !OUTPUT.has(b.lang));
    expect(code.length).toBeGreaterThan(10);
    for (const b of code) {
      if (b.named) {
        const test = NAMED_BLOCKS[b.named];
        expect(test, `${b.page}:${b.line}: <!-- ${b.named} --> names no test (add it to NAMED_BLOCKS)`).toBeTruthy();
        expect(readFileSync(join(REPO, test), 'utf8'), `${test} runs <!-- ${b.named} -->`).toContain(b.named);
      } else if (!b.notRun) {
        expect(['sh', 'bash', 'ts', 'yaml', 'json'], `${b.page}:${b.line}: a \`${b.lang}\` block cannot be run; mark it <!-- not-run: REASON -->`).toContain(b.lang);
      }
    }
    const skipped = code.filter((b) => b.notRun);
    console.log(`docs code blocks: ${code.length} (${code.filter(isRunHere).length} run here, ${code.filter((b) => b.named).length} by named tests, ${skipped.length} not run: ${skipped.map((b) => `${b.page}:${b.line} (${b.notRun})`).join('; ')})`);
  });

  it('every TypeScript block type-checks (tsc --strict against the built packages)', async () => {
    // what tsx and vitest run is not type-checked; a user's editor is. The browser guide's program
    // is checked by the package check with the browser settings; a not-run block is a fragment.
    const dir = join(REPO, 'packages', 'cli', 'test', '.generated', 'docs', 'typecheck');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const b of ALL.filter((x) => x.lang === 'ts' && !x.notRun && x.named !== 'browser-consumer')) {
      const file = `${b.page.replace(/[/.]/g, '-')}-${b.line}.ts`;
      writeFileSync(join(dir, file), `${b.code}\nexport {};\n`);
      files.push(file);
    }
    expect(files.length).toBeGreaterThanOrEqual(3);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true, skipLibCheck: true, lib: ['es2022', 'dom'], types: ['node'] }, files }));
    const r = await runProcess(join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, timeoutMs: 300_000 });
    expect(r.stdout + r.stderr, files.join(', ')).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);

  const byPage = new Map<string, Block[]>();
  for (const b of ALL.filter(isRunHere)) byPage.set(b.page, [...(byPage.get(b.page) ?? []), b]);

  for (const [page, blocks] of byPage) {
    describe(page, () => {
      const work = join(REPO, 'packages', 'cli', 'test', '.generated', 'docs', page.replace(/[/.]/g, '-'));
      const run: PageRun = { work, cache: join(work, 'cache'), corpus: join(work, 'titles.jsonl'), background: [] };
      const skipRedis = needsRedis(page) && !redisServerAvailable;

      beforeAll(async () => {
        rmSync(work, { recursive: true, force: true });
        mkdirSync(work, { recursive: true });
        writeFileSync(run.corpus, readFileSync(RAW_CORPUS, 'utf8'));
        if (needsRedis(page) && redisServerAvailable) run.redis = await startRedis();
        const text = readFileSync(join(REPO, page), 'utf8');
        for (const m of text.matchAll(/<!-- assumes: (.+?) -->/g)) {
          ok(await topickd(docArgs(m[1], { ...run, redisUrl: run.redis?.url }, (p) => provideCorpus(run, p)), work, { timeoutMs: 300_000 }));
        }
      }, 300_000);

      afterAll(async () => {
        for (const p of run.background) p.kill('SIGTERM');
        await Promise.all(run.background.map((p) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once('exit', r)))));
        await run.redis?.stop();
      }, 60_000);

      for (const b of blocks) {
        it.skipIf(skipRedis)(`${b.lang} block at line ${b.line}`, async () => {
          const where = `${page}:${b.line}`;
          if (b.lang === 'sh' || b.lang === 'bash') {
            for (const line of commandLines(b.code)) {
              const args = docArgs(line, { ...run, redisUrl: run.redis?.url }, (p) => provideCorpus(run, p));
              if (line.endsWith('&')) {
                const child = spawn(process.execPath, [BIN, ...args], { cwd: work, stdio: 'ignore' });
                run.background.push(child);
                continue;
              }
              const r = await topickd(args, work, { timeoutMs: 400_000 });
              expect(r.code, `${where}: ${line}\n${r}`).toBe(0);
              if (args.includes('--json')) expect(() => r.json(), `${where}: ${line}`).not.toThrow();
              const out = /--out (\S+)/.exec(line)?.[1];
              if (out) expect(existsSync(join(work, out.replace(/^\/shared\//, 'shared/'))), `${where}: ${line} writes ${out}`).toBe(true);
            }
          } else if (b.lang === 'ts') {
            const dir = join(work, 'programs');
            mkdirSync(dir, { recursive: true });
            const file = join(dir, `block-${b.line}.ts`);
            writeFileSync(file, b.code);
            const r = await runProcess(join(REPO, 'node_modules', '.bin', 'tsx'), [file], { cwd: work, env: { EPOCHS: '1' }, timeoutMs: 300_000 });
            expect(r.status, `${where}\n${r.stderr}`).toBe(0);
            // a plugin: load it as a user would and use it (a loss: in a distillation; an encoder:
            // fit, save, load in a fresh instance, transform)
            const use = pluginUse(b.code, file, run);
            if (use) {
              const harness = join(dir, `use-block-${b.line}.ts`);
              writeFileSync(harness, use);
              const u = await runProcess(join(REPO, 'node_modules', '.bin', 'tsx'), [harness], { cwd: work, timeoutMs: 300_000 });
              expect(u.status, `${where} (used as a plugin)\n${u.stderr}`).toBe(0);
              const out = JSON.parse(u.stdout.trim().split('\n').pop()!);
              expect(out.topics, where).toBe(5);
              if (out.theta) expect(out.theta.reduce((a: number, x: number) => a + x, 0)).toBeCloseTo(1, 4);
            }
          } else if (b.file) {
            // a file the page's commands read (<!-- file: NAME -->): written where they run; JSON must parse
            if (b.lang === 'json') expect(() => JSON.parse(b.code), where).not.toThrow();
            writeFileSync(join(work, b.file), b.code + '\n');
          } else {
            const file = join(work, `config-${b.line}.${b.lang}`);
            writeFileSync(file, b.code);
            const r = await topickd(['info', '--config', file, '--json'], work);
            expect(r.code, `${where}: the config is refused\n${r}`).toBe(0);
          }
        }, 900_000);
      }
    });
  }
});
