/**
 * Runs the `topickd` command as a user types it: the launcher that `pnpm install` links
 * (packages/cli/bin/topickd.mjs → the built dist/bin.js), one new Node process per
 * command, nothing shared with the test process.
 */
import { expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runNode, type ProcessResult } from '../../../../test-support/child-process.js';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(REPO, 'packages', 'cli', 'bin', 'topickd.mjs');
export const RAW_CORPUS = fileURLToPath(new URL('./fixtures/m10-raw-300.jsonl', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** What a failing assertion shows. */
  toString(): string;
}

export function builtCliExists(): boolean {
  return existsSync(join(REPO, 'packages', 'cli', 'dist', 'bin.js'));
}

export function scratchDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `topickd-e2e-${name}-`));
}

function runOf(args: readonly string[], code: number | null, signal: string | null, stdout: string, stderr: string): Run {
  const out: Run = {
    code,
    stdout,
    stderr,
    json: () => {
      try {
        return JSON.parse(stdout);
      } catch (e) {
        throw new Error(`stdout of topickd ${args.join(' ')} is not one JSON object: ${(e as Error).message}\n${out}`);
      }
    },
    toString: () => `$ topickd ${args.join(' ')}\nexit ${code}${signal ? ` (${signal})` : ''}\n--- stdout\n${stdout.slice(-3000)}\n--- stderr\n${stderr.slice(-3000)}`,
  };
  return out;
}

/**
 * Spawns `topickd ARGS` in `cwd` and waits for it without blocking the test process
 * (vitest's worker must keep answering while a long command runs).
 */
export async function topickd(args: readonly string[], cwd: string, options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<Run> {
  const r = await runNode(BIN, args, { cwd, env: options.env, timeoutMs: options.timeoutMs });
  return runOf(args, r.status, r.signal, r.stdout, r.stderr);
}

/**
 * Runs a Node program (a user's script importing the packages) in `cwd`, without blocking the
 * test process as spawnSync would (vitest's worker must keep answering its RPC).
 */
export function nodeProgram(file: string, cwd: string, args: readonly string[] = [], timeoutMs = 300_000): Promise<ProcessResult> {
  return runNode(file, args, { cwd, timeoutMs });
}

/** The same, synchronously: for probes at collection time, before any test runs. */
export function topickdSync(args: readonly string[], cwd: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return runOf(args, r.status, r.signal, r.stdout ?? '', r.stderr ?? '');
}

/** A refusal: one line on stderr, `topickd: error: ...`, no stack trace; the exit code asked for. */
export function refused(r: Run, code: 1 | 2, pattern: RegExp): void {
  expect(r.code, String(r)).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, String(r)).toHaveLength(1);
  expect(lines[0]).toMatch(/^topickd: error: /);
  expect(lines[0]).toMatch(pattern);
}

/** Asserts exit 0 with a readable failure (the command line, its stderr and stdout). */
export function ok(r: Run): Run {
  if (r.code !== 0) throw new Error(`command failed:\n${r}`);
  return r;
}

/** A documented `sh` block → its command lines (continuations joined, comments dropped). */
export function commandLines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Flags whose value is a corpus: the documentation's `m10` (or a corpus file) becomes a small one in tests. */
export const DATA_FLAGS = new Set(['--data', '--corpus', '--input', '--dataset']);
const TRAINING = new Set(['fit', 'distill', 'experiment', 'demo', 'tune', 'update']);

/** A documented training command runs 1 epoch in tests (its own --epochs dropped); others as they are. */
export function oneEpoch(args: string[]): string[] {
  if (!TRAINING.has(args[0])) return args;
  const e = args.indexOf('--epochs');
  return [...(e >= 0 ? [...args.slice(0, e), ...args.slice(e + 2)] : args), '--epochs', '1'];
}

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Opens a local HTML file in headless Chromium, runs `check` on the page, expects no page error,
 * and keeps a full-page screenshot as test-artifacts/SCREENSHOT. Returns false (and runs nothing)
 * where Chromium is not installed.
 */
export async function inChromium(file: string, screenshot: string, check: (page: import('playwright-core').Page) => Promise<void>, viewport = { width: 1200, height: 1000 }): Promise<boolean> {
  if (!existsSync(CHROMIUM)) return false;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    await check(page);
    expect(errors).toEqual([]);
    const artifacts = join(REPO, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, screenshot), fullPage: true });
  } finally {
    await browser.close();
  }
  return true;
}
