import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { ConfigError, TopicKDError } from '../errors.js';
import { processAlive } from './atomic-write.js';

/** Pseudo-filesystems where nothing TopicKD writes can live (and where Node's recursive mkdir can loop). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

function insidePseudoFs(path: string): string | undefined {
  return PSEUDO_ROOTS.find((r) => path === r || path.startsWith(`${r}/`));
}

/**
 * Creates `dir` and its missing parents one level at a time (at most 64 levels), so it
 * always ends: Node's recursive mkdir can spin forever where a pseudo-filesystem answers
 * ENOENT. Throws a usage error naming the folder and why.
 */
export function makeDirBounded(dir: string, flag = 'out'): void {
  const abs = resolve(dir);
  const fs = insidePseudoFs(abs);
  if (fs) throw new ConfigError(`--${flag} ${dir} is inside ${fs}, a pseudo-filesystem; choose a folder on disk`, flag);
  const missing: string[] = [];
  let p = abs;
  for (let i = 0; !existsSync(p); i++) {
    if (i >= 64) throw new ConfigError(`--${flag} ${dir} is more than 64 missing folders deep; create part of it first`, flag);
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (existsSync(p) && !statSync(p).isDirectory()) throw new ConfigError(`--${flag} ${dir}: ${p} is a file, not a folder; choose another location`, flag);
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
      createdDirs.push(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw new ConfigError(`--${flag} ${dir}: cannot create ${m} (${code ?? (e as Error).message}); choose a writable location`, flag);
    }
  }
}

/**
 * Checks, before any work, that an output folder can be written: not a file, not in a
 * pseudo-filesystem, creatable, writable (a probe file is written and removed).
 */
export function prepareOutputDir(dir: string, flag = 'out'): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ConfigError(`--${flag} ${dir} is a file; give a folder (it is created if missing)`, flag);
  makeDirBounded(dir, flag);
  const probe = join(dir, `.topickd-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (e) {
    throw new ConfigError(`--${flag} ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose a writable location`, flag);
  }
}

/** Checks that the folder an output file goes into can be written (see prepareOutputDir). */
export function prepareOutputFile(file: string, flag = 'out'): void {
  if (existsSync(file) && statSync(file).isDirectory()) throw new ConfigError(`--${flag} ${file} is a folder; give a file name`, flag);
  prepareOutputDir(dirname(resolve(file)), flag);
}

function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    // not there yet: resolve the deepest existing parent
    const up = dirname(abs);
    return up === abs ? abs : join(canonical(up), parse(abs).base);
  }
}

/** Whether `path` is `other` or lies inside it (after resolving links). */
export function isWithin(path: string, other: string): boolean {
  const rel = relative(canonical(other), canonical(path));
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/** Refuses an output that is (or holds, or lies inside) one of the run's inputs. */
export function refuseOutputOverInput(out: string, inputs: Record<string, string | undefined>, flag = 'out'): void {
  for (const [name, input] of Object.entries(inputs)) {
    if (!input) continue;
    if (isWithin(out, input) || isWithin(input, out)) {
      throw new ConfigError(`--${flag} ${out} would overwrite --${name} ${input}, an input of this run; choose another --${flag}`, flag);
    }
  }
}

export const LOCK_FILE = '.topickd.lock';

/** The folders this process created for its outputs (parents included), in creation order. */
const createdDirs: string[] = [];
/** The locks this process holds: file → release. */
const heldLocks = new Map<string, () => void>();

/**
 * When a run fails or is stopped: releases this process's output locks and removes the
 * output folders it created that are still empty, deepest first — nothing is left behind
 * by a run that wrote nothing. Folders that hold anything are kept.
 */
export function discardCreatedOutputDirs(): void {
  for (const release of [...heldLocks.values()]) release();
  for (const dir of [...createdDirs].reverse()) {
    try {
      if (readdirSync(dir).length === 0) rmdirSync(dir);
    } catch {
      /* gone, or not ours to remove */
    }
  }
  createdDirs.length = 0;
}

/** Forgets the folders created so far (the run succeeded: they are its results). */
export function keepCreatedOutputDirs(): void {
  createdDirs.length = 0;
}

/** Start time of a process, as the kernel counts it (Linux: clock ticks since boot); undefined where unknown. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22, starttime
  } catch {
    return undefined;
  }
}

/** What a lock file says of its owner. */
export interface LockOwner {
  pid: number;
  host?: string;
  start?: string;
}

function readLockOwner(file: string): LockOwner | undefined {
  try {
    if (!lstatSync(file).isFile()) return undefined;
    const text = readFileSync(file, 'utf8').slice(0, 4096);
    const [pidLine, ...rest] = text.trim().split('\n');
    const pid = Number(pidLine);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const owner: LockOwner = { pid };
    for (const line of rest) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const [k, v] = [line.slice(0, eq), line.slice(eq + 1)];
      if (k === 'host') owner.host = v;
      if (k === 'start') owner.start = v;
    }
    return owner;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner still runs: same host, the pid alive, and (where known) the same process start time. */
export function lockOwnerAlive(owner: LockOwner): boolean | 'other-host' {
  if (owner.host !== undefined && owner.host !== hostname()) return 'other-host';
  if (!processAlive(owner.pid)) return false;
  if (owner.start !== undefined) {
    const now = processStartTime(owner.pid);
    if (now !== undefined && now !== owner.start) return false; // the pid now belongs to another process
  }
  return true;
}

let signalsHooked = false;
let signalsOwnedElsewhere = false;

/**
 * Says that this program stops itself on SIGINT/SIGTERM (a queue worker finishing its job):
 * output locks then do not end the process on a signal; they are released at exit.
 */
export function signalsHandledByProgram(): void {
  signalsOwnedElsewhere = true;
}

/** On SIGINT/SIGTERM: drop this process's locks and empty output folders, then end as the signal would. */
function hookSignals(): void {
  if (signalsHooked || signalsOwnedElsewhere) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (signalsOwnedElsewhere) return;
      discardCreatedOutputDirs();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Takes the output folder's lock (`DIR/.topickd.lock`, created exclusively, holding the
 * writer's pid, host and process start time). A second writer fails at once with a message
 * naming the first; a lock whose writer no longer runs (its pid gone, or reused by another
 * process) is taken over; a lock from another host is refused with how to clear it. The
 * lock is released at exit, on SIGINT/SIGTERM, and by the returned function.
 */
export function lockOutputDir(dir: string, flag = 'out'): () => void {
  const file = join(dir, LOCK_FILE);
  hookSignals();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      const start = processStartTime(process.pid);
      writeSync(fd, `${process.pid}\nhost=${hostname()}\n${start !== undefined ? `start=${start}\n` : ''}`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldLocks.delete(file);
        try {
          if (readLockOwner(file)?.pid === process.pid) rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      heldLocks.set(file, release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new TopicKDError('IO', `cannot lock ${dir} (${(e as NodeJS.ErrnoException).code}); choose a writable --${flag}`, { cause: e });
      }
      const owner = readLockOwner(file);
      if (owner && owner.pid !== process.pid) {
        const alive = lockOwnerAlive(owner);
        if (alive === 'other-host') {
          throw new ConfigError(
            `--${flag} ${dir} is locked by pid ${owner.pid} on host ${owner.host}, which this machine cannot check; if no TopicKD process there is writing it, delete ${file} and run again`,
            flag,
          );
        }
        if (alive) throw new ConfigError(`--${flag} ${dir} is being written by another TopicKD process (pid ${owner.pid}); wait for it to finish or choose another --${flag}`, flag);
      }
      rmSync(file, { force: true }); // stale: its writer is gone
    }
  }
  throw new ConfigError(`--${flag} ${dir}: could not take its lock; if no TopicKD process is writing it, delete ${file} and run again`, flag);
}
