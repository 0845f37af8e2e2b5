import { MAX_NESTING, nestingDepth } from '../util/nesting.js';
import { statSync, existsSync } from 'node:fs';
import { readFileChecked } from './read-file.js';
import { basename, dirname, extname, join } from 'node:path';
import type { Corpus } from '../data/corpus.js';
import { DataError } from '../errors.js';

/** Reads a UTF-8 text file: strips a BOM, refuses invalid UTF-8 naming the file. */
export function readUtf8(path: string): string {
  const bytes = readFileChecked(path, 'corpus file');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let bad = 0;
    const s = new TextDecoder('utf-8').decode(bytes);
    bad = s.indexOf('\uFFFD');
    throw new DataError(`${path} is not valid UTF-8 (first bad byte near character ${bad}); convert it to UTF-8, e.g. iconv -f latin1 -t utf-8`);
  }
}

/** Lines of a text file; CRLF and LF both accepted; a final empty line ignored. */
export function readLines(path: string): string[] {
  const lines = readUtf8(path).split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface LoadCorpusOptions {
  /** JSONL: the field holding the text (default "text"). */
  textField?: string;
  /** For `.txt`: documents are already tokenized (space-separated). */
  pretokenized?: boolean;
}

/**
 * Loads an OCTIS folder (corpus.tsv + vocabulary.txt), an OCTIS corpus.tsv, a JSONL
 * file (`{"text": ...}` per line) or a plain text file (one document per line).
 */
export function loadCorpus(path: string, options: LoadCorpusOptions = {}): Corpus {
  if (!existsSync(path)) throw new DataError(`corpus ${path} does not exist; give an OCTIS folder, a .tsv, a .jsonl or a .txt file`, 'IO');
  if (statSync(path).isDirectory()) return loadOctis(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.tsv') return loadOctis(path);
  if (ext === '.jsonl' || ext === '.ndjson') return loadJsonl(path, options.textField ?? 'text');
  return loadText(path, options.pretokenized ?? false);
}

export function loadOctis(pathOrDir: string): Corpus {
  const isDir = statSync(pathOrDir).isDirectory();
  const dir = isDir ? pathOrDir : dirname(pathOrDir);
  const tsv = isDir ? join(dir, 'corpus.tsv') : pathOrDir;
  if (!existsSync(tsv)) throw new DataError(`${dir} has no corpus.tsv; an OCTIS folder holds corpus.tsv (text<TAB>partition<TAB>label) and vocabulary.txt`, 'IO');
  const lines = readLines(tsv);
  const documents: string[] = [];
  const partitions: string[] = [];
  const labels: string[] = [];
  lines.forEach((line, i) => {
    const cols = line.split('\t');
    if (cols.length < 2 || cols.length > 3) {
      throw new DataError(
        `${tsv}:${i + 1}: expected 2 or 3 tab-separated columns (text, partition[, label]), found ${cols.length}; ` +
          'remove stray tabs inside the text or add the partition column',
      );
    }
    const part = cols[1].trim();
    if (part !== 'train' && part !== 'val' && part !== 'test') {
      throw new DataError(`${tsv}:${i + 1}: partition must be train, val or test, found ${JSON.stringify(cols[1].slice(0, 40))}`);
    }
    documents.push(cols[0].trim());
    partitions.push(part);
    labels.push(cols[2]?.trim() ?? '');
  });
  if (documents.length === 0) throw new DataError(`${tsv} has no documents`, 'EMPTY_CORPUS');
  const vocabFile = join(dir, 'vocabulary.txt');
  const vocabulary = existsSync(vocabFile) ? readLines(vocabFile).map((w) => w.trim()).filter(Boolean) : undefined;
  // CTM embeds the unpreprocessed text when the dataset has it, line-aligned with corpus.tsv.
  const rawFile = join(dir, 'unpreprocessed.txt');
  let encoderTexts: string[] | undefined;
  if (existsSync(rawFile)) {
    const raw = readLines(rawFile);
    if (raw.length !== documents.length) {
      throw new DataError(`${rawFile} has ${raw.length} lines but corpus.tsv has ${documents.length}; they must be line-aligned (or remove unpreprocessed.txt)`);
    }
    encoderTexts = raw.map((t, i) => (t.trim() === '' ? documents[i] : t));
  }
  return {
    source: isDir ? dir : tsv,
    documents,
    encoderTexts,
    partitions,
    labels: labels.some((l) => l !== '') ? labels : undefined,
    pretokenized: true,
    vocabulary,
  };
}

/** One JSONL line → its text (field `field`) and label; a typed error naming file and line otherwise. */
export function parseJsonlLine(path: string, lineNo: number, line: string, field: string): { text: string; label: string } {
  let obj: unknown;
  try {
    if (nestingDepth(line, MAX_NESTING) > MAX_NESTING) throw new Error(`brackets nested deeper than ${MAX_NESTING} levels`);
    obj = JSON.parse(line);
  } catch (e) {
    throw new DataError(`${path}:${lineNo}: not valid JSON (${(e as Error).message}); each line must be one JSON object`);
  }
  const text = (obj as Record<string, unknown> | null)?.[field];
  if (typeof text !== 'string') {
    throw new DataError(`${path}:${lineNo}: field "${field}" is missing or not a string; set the text field name (--text-field) to the one your file uses`);
  }
  const label = (obj as Record<string, unknown>).label;
  return { text, label: label === undefined ? '' : String(label) };
}

export function loadJsonl(path: string, field = 'text'): Corpus {
  const documents: string[] = [];
  const labels: string[] = [];
  readLines(path).forEach((line, i) => {
    if (line.trim() === '') return;
    const { text, label } = parseJsonlLine(path, i + 1, line, field);
    documents.push(text);
    labels.push(label);
  });
  if (documents.length === 0) throw new DataError(`${path} has no documents`, 'EMPTY_CORPUS');
  return { source: path, documents, labels: labels.some((l) => l) ? labels : undefined, pretokenized: false };
}

export function loadText(path: string, pretokenized = false): Corpus {
  const documents = readLines(path);
  if (documents.length === 0 || documents.every((d) => d.trim() === '')) {
    throw new DataError(`${path} has no documents; put one document per line`, 'EMPTY_CORPUS');
  }
  return { source: path, documents, pretokenized };
}

export function corpusName(path: string): string {
  return basename(path.replace(/\/+$/, ''));
}
