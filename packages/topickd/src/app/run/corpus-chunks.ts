import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { extname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataError, type Corpus } from '@topickd/core';
import { parseJsonlLine } from '@topickd/core/node';

// Reading a corpus file block by block, for `topickd infer` (which streams its input): each block
// is the Corpus loadCorpus would give for those lines; nothing holds the whole file.

/** The refusal of a file that is not UTF-8 (as loadCorpus's). */
function notUtf8(path: string): DataError {
  return new DataError(`${path} is not valid UTF-8; convert it to UTF-8, e.g. iconv -f latin1 -t utf-8`);
}

/** The refusal of a file without a document (as loadCorpus's). */
function noDocuments(path: string, jsonl: boolean): DataError {
  return new DataError(jsonl ? `${path} has no documents` : `${path} has no documents; put one document per line`, 'EMPTY_CORPUS');
}

/**
 * Lines of a UTF-8 file as a stream: CRLF and LF both accepted, a BOM stripped, a final empty
 * line ignored (the lines `readLines` returns), invalid UTF-8 refused naming the file — without
 * holding the file.
 */
export async function* linesOf(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let first = true;
  const decode = (bytes: Uint8Array | undefined, stream: boolean) => {
    try {
      return bytes ? decoder.decode(bytes, { stream }) : decoder.decode();
    } catch {
      throw notUtf8(path);
    }
  };
  for await (const chunk of createReadStream(path)) {
    let text = rest + decode(chunk as Buffer, true);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decode(undefined, false);
  if (rest !== '') yield rest; // a final line without a newline keeps a trailing CR, as readLines does
}

/** Options of `corpusChunks`. */
export interface CorpusChunkOptions {
  /** Documents per chunk (the last may be shorter). */
  size: number;
  /** JSONL: the field holding the text (default "text"). */
  textField?: string;
  /** For `.txt`: documents are already tokenized (space-separated). */
  pretokenized?: boolean;
}

/** Whether `corpusChunks` can stream this input: a .txt or .jsonl file (an OCTIS folder or .tsv is loaded whole). */
export function canStreamCorpus(path: string): boolean {
  if (!existsSync(path) || statSync(path).isDirectory()) return false;
  return extname(path).toLowerCase() !== '.tsv';
}

/**
 * A .txt (one document per line) or .jsonl corpus file read as a stream, `size` documents at a
 * time: each chunk is the `Corpus` `loadCorpus` would give for those lines, so work done chunk by
 * chunk equals work done on the whole file while memory holds one chunk. Refuses what
 * `loadCorpus` refuses (no documents, malformed JSONL lines with their line number).
 */
export async function* corpusChunks(path: string, options: CorpusChunkOptions): AsyncGenerator<Corpus> {
  if (!Number.isInteger(options.size) || options.size < 1) throw new DataError(`chunk size must be a positive integer, got ${options.size}`);
  if (!existsSync(path)) throw new DataError(`corpus ${path} does not exist; give an OCTIS folder, a .tsv, a .jsonl or a .txt file`, 'IO');
  const ext = extname(path).toLowerCase();
  const jsonl = ext === '.jsonl' || ext === '.ndjson';
  const field = options.textField ?? 'text';
  let documents: string[] = [];
  let labels: string[] = [];
  let lineNo = 0;
  let any = false;
  const chunk = (): Corpus =>
    jsonl
      ? { source: path, documents, labels: labels.some((l) => l) ? labels : undefined, pretokenized: false }
      : { source: path, documents, pretokenized: options.pretokenized ?? false };
  for await (const line of linesOf(path)) {
    lineNo++;
    if (jsonl) {
      if (line.trim() === '') continue;
      const { text, label } = parseJsonlLine(path, lineNo, line, field);
      documents.push(text);
      labels.push(label);
    } else {
      documents.push(line);
    }
    if (line.trim() !== '') any = true;
    // nothing is yielded before a document with text is seen: a file of blank lines is refused whole
    while (any && documents.length >= options.size) {
      const rest = { documents: documents.slice(options.size), labels: labels.slice(options.size) };
      documents = documents.slice(0, options.size);
      labels = labels.slice(0, options.size);
      yield chunk();
      ({ documents, labels } = rest);
    }
  }
  if (!any) throw noDocuments(path, jsonl);
  if (documents.length > 0) yield chunk();
}

/**
 * Reads a corpus file through `corpusChunks` once without keeping it: the number of documents,
 * or the error a later pass would meet — so a streamed run can refuse bad input before it writes.
 */
export async function countCorpusDocuments(path: string, options: Omit<CorpusChunkOptions, 'size'> = {}): Promise<number> {
  if (!existsSync(path)) throw new DataError(`corpus ${path} does not exist; give an OCTIS folder, a .tsv, a .jsonl or a .txt file`, 'IO');
  const ext = extname(path).toLowerCase();
  const jsonl = ext === '.jsonl' || ext === '.ndjson';
  if (!jsonl) return countTextLines(path);
  let n = 0;
  let lineNo = 0;
  let any = false;
  // line by line, nothing kept: each line's strings die young (an array of them would be promoted and grow the heap)
  for await (const line of linesOf(path)) {
    lineNo++;
    const blank = line.trim() === '';
    if (jsonl) {
      if (blank) continue;
      parseJsonlLine(path, lineNo, line, options.textField ?? 'text');
    }
    n++;
    if (!blank) any = true;
  }
  if (!any) throw noDocuments(path, jsonl);
  return n;
}

/**
 * Lines of a text file counted on its bytes (no strings made: a 12 MB file read as strings grows
 * the heap by ~20 MB), checking it is UTF-8 and has a line with text — the lines `linesOf` yields.
 */
function countTextLines(path: string): number {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.alloc(1 << 16);
    let held = 0; // bytes of an unfinished line carried at the start of buf
    let lines = 0;
    let pending = false; // bytes after the last newline
    let any = false;
    let first = true;
    for (;;) {
      if (held === buf.length) {
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger, 0, 0, held);
        buf = bigger;
      }
      const got = readSync(fd, buf, held, buf.length - held, null);
      const end = held + got;
      // a newline byte is never inside a multi-byte UTF-8 sequence: whole lines are checked
      const last = got === 0 ? end - 1 : buf.lastIndexOf(10, end - 1);
      const upto = got === 0 ? end : last + 1;
      if (upto > 0) {
        const part = buf.subarray(0, upto);
        if (!isUtf8(part)) throw notUtf8(path);
        for (let i = part.indexOf(10); i >= 0; i = part.indexOf(10, i + 1)) lines++;
        const bom = first && part.length >= 3 && part[0] === 0xef && part[1] === 0xbb && part[2] === 0xbf ? 3 : 0;
        first = false;
        for (let i = bom; i < part.length && !any; i++) any = !isAsciiSpaceByte(part[i]);
        pending = part[part.length - 1] !== 10;
      }
      if (got === 0) break;
      buf.copy(buf, 0, upto, end);
      held = end - upto;
    }
    if (pending) lines++;
    if (!any) throw noDocuments(path, false);
    return lines;
  } finally {
    closeSync(fd);
  }
}

/** Space, tab, CR, LF, VT, FF: the ASCII bytes `trim` removes. */
function isAsciiSpaceByte(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

let gcFunction: (() => void) | null | undefined;

/**
 * A full garbage collection, where the runtime allows it (Node: `--expose-gc` turned on from
 * here, as the expose-gc package does; nothing elsewhere). Streamed work calls it between
 * blocks: V8 grows its heap lazily, so without it a run that makes garbage block after block
 * holds far more memory than it uses.
 */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    gcFunction = (globalThis as { gc?: () => void }).gc ?? null;
    if (!gcFunction) {
      try {
        setFlagsFromString('--expose_gc');
        gcFunction = runInNewContext('gc') as () => void;
      } catch {
        gcFunction = null;
      }
    }
  }
  gcFunction?.();
}
