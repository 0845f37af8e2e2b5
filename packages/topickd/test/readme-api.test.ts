/**
 * The README's "Composing in code" block, run as written: written to a file and run as its
 * own Node process (through tsx, as a user runs a TypeScript script), importing the built
 * `topickd` package, on wasm and on cpu, with a small corpus and one epoch.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = fileURLToPath(new URL('../../cli/test/e2e/fixtures/m10-raw-300.jsonl', import.meta.url));
const block = /<!-- readme-api -->\s*```ts\n([\s\S]*?)```\s*<!-- \/readme-api -->/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1];
const work = mkdtempSync(join(tmpdir(), 'topickd-api-'));
// inside the repository, so that `import 'topickd'` resolves as in a project that installed it
const dir = join(root, 'packages', 'topickd', 'test', '.generated');
const script = join(dir, 'readme-api.ts');

// the cpu backend embeds at ~2 documents/s and the embedding cache never serves it another
// backend's rows: on cpu the program runs on the first 60 titles
const cpuCorpus = join(work, 'titles-60.jsonl');

function run(backend: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [script, backend === 'cpu' ? cpuCorpus : corpus], {
      cwd: work,
      env: { ...process.env, BACKEND: backend, EPOCHS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  expect(block, 'README has the <!-- readme-api --> block').toBeTruthy();
  mkdirSync(dir, { recursive: true });
  writeFileSync(script, block!);
  writeFileSync(cpuCorpus, readFileSync(corpus, 'utf8').trim().split('\n').slice(0, 60).join('\n') + '\n');
});

describe('README: the application API', () => {
  it('the block is a consumer program of at most 15 lines (fit → distill → evaluate → save → load → transform)', () => {
    const code = block!.split('\n').filter((l) => l.trim() && !l.trim().startsWith('//'));
    expect(code.length).toBeLessThanOrEqual(15);
    expect(block).toMatch(/from 'topickd'/);
  });

  it.each(['wasm', 'cpu'])('runs as written, as its own process, on %s', async (backend) => {
    const r = await run(backend);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 20).every((l) => l.split(' ').length === 10)).toBe(true); // 20 topics of 10 words
    expect(r.stdout).toMatch(/NPMI -?\d\.\d{4}, C_V \d\.\d{4}, \d+ parameters/);
    const theta = JSON.parse(lines.find((l) => l.startsWith('[['))!.replace(/\s/g, '')) as number[][];
    expect(theta).toHaveLength(1);
    expect(theta[0]).toHaveLength(20);
    expect(theta[0].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(existsSync(join(work, 'runs', 'api-student', 'manifest.json'))).toBe(true);
    expect(existsSync(join(work, 'runs', 'api-grid', 'results.json'))).toBe(true);
    const tuned = JSON.parse(readFileSync(join(work, 'runs', 'api-tune', 'tune.json'), 'utf8'));
    expect(tuned.trials).toHaveLength(3 + 1);
    expect(tuned.best.alpha).toBeGreaterThanOrEqual(0.1);
  }, 600_000);
});
