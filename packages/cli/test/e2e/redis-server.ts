/**
 * A real Redis for the distributed runs' tests: Debian's `redis-server` on a free port of
 * 127.0.0.1, no persistence, stopped after the tests. Tests that need it are skipped (with
 * the reason) where the binary is missing; `.ci/run` installs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const redisServerAvailable = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number, password?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => c.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`));
    let got = '';
    c.on('data', (d) => {
      got += d.toString();
      if (got.includes('+PONG') || got.includes('-')) {
        c.destroy();
        resolve(got.includes('+PONG'));
      }
    });
    c.once('error', () => resolve(false));
  });
}

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port (empty unless `persistent`). */
  restart(): Promise<void>;
  /** Kills it (SIGKILL: no shutdown, no last write) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again after stop or kill, on the same port and folder. */
  start(): Promise<void>;
}

/** `persistent`: an append-only file, so the queue survives a restart (as a production Redis should be run). */
export async function startRedis(options: { persistent?: boolean; password?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'topickd-redis-'));
  let proc: ChildProcess;
  const launch = async () => {
    const auth = options.password ? ['--requirepass', options.password] : [];
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', options.persistent ? 'yes' : 'no', '--appendfsync', 'always', '--dir', dir, ...auth], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await ping(port, options.password)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  const kill = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  await launch();
  const auth = options.password ? `default:${encodeURIComponent(options.password)}@` : '';
  return { url: `redis://${auth}127.0.0.1:${port}`, port, stop, restart: async () => (await stop(), await launch()), kill, start: launch };
}
