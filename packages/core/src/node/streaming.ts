import { closeSync, existsSync, fstatSync, openSync, readSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CsrBuilder, type CsrMatrix } from '../data/csr-matrix.js';
import { DataError } from '../errors.js';
import { buildVocabularyFromCounts, countTerms, wordCounts, documentTokens, stopwordSet, validatePreprocessOptions, type PreprocessOptions } from '../text/preprocess.js';
import type { RowSource } from '../util/matrix.js';
import { parseJsonlLine } from './corpus-files.js';
import { NPY_PREAMBLE_BYTES, npyHeaderLength, parseNpyHeader } from '../io/npy.js';

/**
 * Corpora and embeddings too large to hold as text or as dense rows: the corpus file is
 * read twice as a stream (document frequencies, then the sparse bag of words) and
 * embeddings are read row by row from disk when a batch needs them. Memory grows with
 * the vocabulary and the bag of words' non-zeros, not with the text or documents × E.
 */

export interface StreamCorpusOptions extends PreprocessOptions {
  /** `text`: one document per line (default); `jsonl`: one JSON object per line. */
  format?: 'text' | 'jsonl';
  /** JSONL field holding the text (default "text"). */
  textField?: string;
  /** Called every 100,000 documents with the pass (1: counting, 2: bag of words) and the count. */
  onProgress?: (pass: 1 | 2, documents: number) => void;
}

export interface StreamedCorpus {
  vocabulary: string[];
  /** Bag of words of the kept documents, rows aligned with `kept`. */
  bow: CsrMatrix;
  /** For each kept row, the index of its document (line) in the file. */
  kept: Int32Array;
  /** Documents left out (empty after preprocessing or shorter than minDocLength). */
  dropped: number;
  /** Documents read. */
  documents: number;
}

async function* documentsOf(path: string, o: StreamCorpusOptions): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  for await (let line of lines) {
    n++;
    if (n === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (o.format === 'jsonl') {
      if (line.trim() === '') continue;
      yield parseJsonlLine(path, n, line, o.textField ?? 'text').text;
    } else yield line;
  }
}

/** Streams a corpus file into a vocabulary and a sparse bag of words (two passes; the text is never held). */
export async function preprocessFile(path: string, options: StreamCorpusOptions = {}): Promise<StreamedCorpus> {
  validatePreprocessOptions(options);
  if (!existsSync(path)) throw new DataError(`corpus ${path} does not exist`, 'IO');
  const stop = stopwordSet(options);
  let vocabulary: string[];
  if (options.vocabulary) vocabulary = [...options.vocabulary];
  else {
    const df = new Map<string, number>();
    const tf = new Map<string, number>();
    let n = 0;
    for await (const text of documentsOf(path, options)) {
      countTerms(documentTokens(text, options, stop), df, tf);
      if (++n % 100_000 === 0) options.onProgress?.(1, n);
    }
    if (n === 0) throw new DataError(`the corpus ${path} is empty: give at least one document`, 'EMPTY_CORPUS');
    vocabulary = buildVocabularyFromCounts(df, tf, n, options);
  }
  if (vocabulary.length < 2) {
    throw new DataError(`the vocabulary has ${vocabulary.length} word(s); a topic model needs at least 2 — add documents, lower minDf, or turn off stopword removal`, 'EMPTY_CORPUS');
  }
  const index = new Map(vocabulary.map((w, i) => [w, i] as const));
  const minLen = options.minDocLength ?? 1;
  const builder = new CsrBuilder(vocabulary.length);
  let kept = new Int32Array(1024);
  let rows = 0;
  let n = 0;
  for await (const text of documentsOf(path, options)) {
    const { counts, length: len } = wordCounts(documentTokens(text, options, stop), index);
    if (len > 0 && len >= minLen) {
      builder.addRow(counts);
      if (rows === kept.length) {
        const k2 = new Int32Array(kept.length * 2);
        k2.set(kept);
        kept = k2;
      }
      kept[rows++] = n;
    }
    if (++n % 100_000 === 0) options.onProgress?.(2, n);
  }
  if (rows === 0) throw new DataError(`all ${n} documents of ${path} are empty after preprocessing; check the language, the stopword list and minDocLength`, 'EMPTY_CORPUS');
  return { vocabulary, bow: builder.build(), kept: kept.slice(0, rows), dropped: n - rows, documents: n };
}

/** Embedding rows read from a file on demand; close it when done. */
export interface EmbeddingRowFile extends RowSource {
  readonly path: string;
  close(): void;
  /** The same rows, restricted to (and renumbered as) `rows` of the file — e.g. a corpus' `kept` rows. */
  select(rows: Int32Array): RowSource;
}

/** Reads and parses a .npy file's header: only float32 rows can be streamed. */
function npyHeader(fd: number, path: string): { offset: number; rows: number; cols: number } {
  const preamble = new Uint8Array(NPY_PREAMBLE_BYTES);
  readSync(fd, preamble, 0, NPY_PREAMBLE_BYTES, 0);
  const header = new Uint8Array(npyHeaderLength(preamble, path));
  if (readSync(fd, header, 0, header.length, 0) < header.length) throw new DataError(`${path}: the .npy file ends inside its header`);
  const { descr, rows, cols, dataStart } = parseNpyHeader(header, path);
  if (descr !== '<f4') throw new DataError(`${path}: only little-endian float32 (<f4) .npy files can be streamed`);
  return { offset: dataStart, rows, cols };
}

/**
 * Opens float32 embeddings for row-by-row reading: a 2-D `.npy`, or raw little-endian
 * float32 rows with `cols` given. Contiguous rows are read with one system call.
 */
export function openEmbeddingRows(path: string, opts: { cols?: number } = {}): EmbeddingRowFile {
  if (!existsSync(path)) throw new DataError(`embeddings ${path} do not exist`, 'IO');
  const fd = openSync(path, 'r');
  try {
    let offset = 0;
    let rows: number;
    let cols: number;
    const size = fstatSync(fd).size;
    if (path.endsWith('.npy')) ({ offset, rows, cols } = npyHeader(fd, path));
    else {
      if (!opts.cols) throw new DataError(`${path}: give the embedding dimension of a raw float32 file`);
      cols = opts.cols;
      rows = Math.floor(size / (4 * cols));
    }
    if (!Number.isSafeInteger(rows * cols) || offset + rows * cols * 4 > size) throw new DataError(`${path} is truncated: ${size} bytes for ${rows}×${cols} float32 values`);
    const rowBytes = cols * 4;
    const read = (indices: ArrayLike<number>, out: Float32Array) => {
      const bytes = new Uint8Array(out.buffer, out.byteOffset, indices.length * rowBytes);
      for (let i = 0; i < indices.length; ) {
        let j = i + 1;
        while (j < indices.length && indices[j] === indices[j - 1] + 1) j++;
        const r = indices[i];
        if (r < 0 || indices[j - 1] >= rows) throw new DataError(`row ${r} is outside the ${rows} rows of ${path}`);
        readSync(fd, bytes, i * rowBytes, (j - i) * rowBytes, offset + r * rowBytes);
        i = j;
      }
    };
    return {
      path,
      rows,
      cols,
      readRows: read,
      close: () => closeSync(fd),
      select(sel: Int32Array): RowSource {
        return {
          rows: sel.length,
          cols,
          readRows: (indices, out) => read(Array.from(indices, (i) => sel[i]), out),
        };
      },
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
