import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { DataError } from '../errors.js';

/** Default size limit for a file TopicKD reads whole (MiB); raise it with TOPICKD_MAX_INPUT_MB. */
export const DEFAULT_MAX_INPUT_MB = 256;

const mib = (bytes: number) => {
  const m = bytes / 2 ** 20;
  return m < 10 ? m.toFixed(2) : m.toFixed(0);
};

export function maxInputBytes(): number {
  const env = Number(process.env.TOPICKD_MAX_INPUT_MB);
  return (Number.isFinite(env) && env > 0 ? env : DEFAULT_MAX_INPUT_MB) * 2 ** 20;
}

/**
 * Reads a whole file, but only a regular file (a FIFO, a device such as /dev/zero, or a
 * link to one is refused before a byte is read) and only up to a size limit that the
 * message says how to raise; `what` names the file's role in messages.
 */
export function readFileChecked(path: string, what = 'input', limit = maxInputBytes()): Uint8Array {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new DataError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; check the path`, 'IO');
  }
  if (!st.isFile()) throw new DataError(`${what} ${path} is not a regular file (${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a pipe' : 'a device or socket'}); give a file`, 'IO');
  if (st.size > limit) {
    throw new DataError(
      `${what} ${path} is ${mib(st.size)} MiB, above the ${mib(limit)} MiB TopicKD reads whole; ` +
        'set TOPICKD_MAX_INPUT_MB to raise the limit (corpora larger than memory: preprocessFile from @topickd/core/node streams them)',
      'IO',
    );
  }
  const fd = openSync(path, 'r');
  try {
    // read what was checked, from the same open file (it may not grow past the limit meanwhile)
    const size = fstatSync(fd).size;
    if (!fstatSync(fd).isFile() || size > limit) throw new DataError(`${what} ${path} changed while it was read; try again`, 'IO');
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** readFileChecked, as UTF-8 text (a BOM kept, invalid bytes as U+FFFD: what Buffer#toString gives). */
export function readTextChecked(path: string, what = 'input', limit = maxInputBytes()): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(readFileChecked(path, what, limit));
}
