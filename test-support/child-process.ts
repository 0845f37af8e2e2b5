/**
 * Child processes for tests, awaited without blocking the test process.
 *
 * vitest's worker answers its runner over an RPC with a 60 s timeout; a `spawnSync` that runs
 * longer (a training program, a build check under CI load) blocks the worker's event loop, the
 * timeout fires first when the loop wakes, and the run ends with "Timeout calling onTaskUpdate"
 * although every test passed. Every child that can run for more than a moment goes through here.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** Added to (not replacing) this process's environment. */
  env?: Record<string, string | undefined>;
  /** Killed with SIGKILL after this long (default 300 s). */
  timeoutMs?: number;
}

export function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** `node FILE ARGS…` with this test process's Node. */
export function runNode(file: string, args: readonly string[] = [], options: ProcessOptions = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [file, ...args], options);
}

/** The last line of a program's stdout, parsed (the programs print one JSON line at the end). */
export function lastJsonLine<T = any>(r: ProcessResult): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch (e) {
    throw new Error(`the program's last line is not JSON (${(e as Error).message}); exit ${r.status}\n--- stdout\n${r.stdout.slice(-2000)}\n--- stderr\n${r.stderr.slice(-2000)}`);
  }
}
