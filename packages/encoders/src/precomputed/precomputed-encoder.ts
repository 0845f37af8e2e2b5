import { readFileSync, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { assertFinite, DataError, EncoderUnavailableError, type EmbedOptions, type Encoder, type Float32Matrix } from '@topickd/core';
import { decodeNpy } from './npy.js';
import { maxInputBytes, readFileChecked } from '@topickd/core/node';

/**
 * Embeddings computed elsewhere, read from a file:
 *  - `.npy`: a 2-D float32 NumPy array, one row per document;
 *  - raw little-endian float32 (`.f32`, `.bin`) with `{ "rows": N, "dim": E }` in `FILE.json`;
 *  - `.jsonl`: one JSON array per line (or `{"embedding": [...]}`).
 * `embed(texts)` returns the rows in file order and checks their count against the texts.
 */
export class PrecomputedEncoder implements Encoder {
  private matrix: Float32Matrix | undefined;
  readonly id: string;

  constructor(readonly path: string) {
    if (!path) throw new EncoderUnavailableError('precomputed', 'no file given; use precomputed:FILE.npy');
    const size = existsSync(path) ? statSync(path).size : 0;
    this.id = `precomputed:${basename(path)}:${size}`;
  }

  get dim(): number {
    return this.matrix?.cols ?? 0;
  }

  async load(): Promise<void> {
    if (this.matrix) return;
    const p = this.path;
    if (!existsSync(p)) throw new EncoderUnavailableError('precomputed', `embedding file ${p} does not exist`);
    let m: Float32Matrix;
    if (p.endsWith('.npy')) m = decodeNpy(new Uint8Array(readFileChecked(p, 'embeddings file', Math.max(maxInputBytes(), 8 * 2 ** 30))), p);
    else if (p.endsWith('.jsonl')) m = readJsonl(p);
    else m = readRaw(p);
    assertFinite(m, p);
    this.matrix = m;
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Matrix> {
    await this.load();
    const m = this.matrix!;
    if (m.rows !== texts.length) {
      throw new DataError(`${this.path} has ${m.rows} embedding rows but the corpus has ${texts.length} documents; embeddings must be row-aligned with the documents kept after preprocessing`, 'DIMENSION_MISMATCH');
    }
    options.onProgress?.({ done: m.rows, total: m.rows });
    return m;
  }

  /** Selects rows (used when preprocessing drops documents). */
  async rows(indices: ArrayLike<number>): Promise<Float32Matrix> {
    await this.load();
    const m = this.matrix!;
    const out = new Float32Array(indices.length * m.cols);
    for (let i = 0; i < indices.length; i++) {
      if (indices[i] >= m.rows) throw new DataError(`${this.path} has ${m.rows} rows; document ${indices[i]} has none`, 'DIMENSION_MISMATCH');
      out.set(m.data.subarray(indices[i] * m.cols, (indices[i] + 1) * m.cols), i * m.cols);
    }
    return { rows: indices.length, cols: m.cols, data: out };
  }

  /** Number of rows in the file. */
  async size(): Promise<number> {
    await this.load();
    return this.matrix!.rows;
  }
}

function readRaw(p: string): Float32Matrix {
  const metaPath = p.replace(/\.(f32|bin|raw)$/, '') + '.json';
  const metaCandidates = [metaPath, `${p}.json`];
  const found = metaCandidates.find((c) => existsSync(c));
  if (!found) throw new DataError(`${p}: raw float32 embeddings need a ${metaPath} with {"rows": N, "dim": E}`);
  let meta: { rows?: unknown; dim?: unknown };
  try {
    meta = JSON.parse(readFileSync(found, 'utf8'));
  } catch (e) {
    throw new DataError(`${found}: not valid JSON (${(e as Error).message})`);
  }
  const rows = Number(meta.rows);
  const dim = Number(meta.dim);
  if (!Number.isInteger(rows) || !Number.isInteger(dim) || rows <= 0 || dim <= 0) throw new DataError(`${found}: "rows" and "dim" must be positive integers`);
  const bytes = readFileSync(p);
  if (bytes.byteLength !== rows * dim * 4) throw new DataError(`${p} has ${bytes.byteLength} bytes; ${rows}×${dim} float32 need ${rows * dim * 4}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = Float32Array.from({ length: rows * dim }, (_, i) => dv.getFloat32(i * 4, true));
  return { rows, cols: dim, data };
}

function readJsonl(p: string): Float32Matrix {
  const lines = readFileSync(p, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  let dim = -1;
  const rows: number[][] = lines.map((l, i) => {
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      throw new DataError(`${p}:${i + 1}: not valid JSON`);
    }
    const arr = Array.isArray(v) ? v : (v as { embedding?: unknown })?.embedding;
    if (!Array.isArray(arr) || arr.some((x) => typeof x !== 'number')) throw new DataError(`${p}:${i + 1}: expected an array of numbers or {"embedding": [...]}`);
    if (dim === -1) dim = arr.length;
    else if (arr.length !== dim) throw new DataError(`${p}:${i + 1}: ${arr.length} values, earlier rows have ${dim}`, 'DIMENSION_MISMATCH');
    return arr as number[];
  });
  if (rows.length === 0) throw new DataError(`${p} has no embeddings`);
  return { rows: rows.length, cols: dim, data: Float32Array.from(rows.flat()) };
}
