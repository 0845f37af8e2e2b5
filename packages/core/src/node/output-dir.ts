import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
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

/**
 * Takes the output folder's lock (`DIR/.topickd.lock`, created exclusively, holding the
 * writer's pid). A second writer fails at once with a message naming the first; a lock
 * left by a process that no longer runs is taken over. Returns the release function
 * (also run at exit).
 */
export function lockOutputDir(dir: string, flag = 'out'): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new TopicKDError('IO', `cannot lock ${dir} (${(e as NodeJS.ErrnoException).code}); choose a writable --${flag}`, { cause: e });
      }
      let pid = NaN;
      try {
        if (lstatSync(file).isFile()) pid = Number(readFileSync(file, 'utf8').trim());
      } catch {
        /* vanished meanwhile: try again */
      }
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && pid !== process.pid) {
        throw new ConfigError(`--${flag} ${dir} is being written by another TopicKD process (pid ${pid}); wait for it to finish or choose another --${flag}`, flag);
      }
      rmSync(file, { force: true }); // stale: its writer is gone
    }
  }
  throw new ConfigError(`--${flag} ${dir}: could not take its lock; try again`, flag);
}
