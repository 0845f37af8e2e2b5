import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { removeStaleTemporaries, writeFileAtomic } from '@topickd/core/node';
import { AbortError, type EmbedOptions, type Encoder, type Float32Matrix, type Logger } from '@topickd/core';

const MAGIC = 0x43444b54; // "TKDC"
const VERSION = 1;
const HEADER = 16 + 32; // magic, version, dim, count + sha256 of the payload
const KEY_BYTES = 16;

function textKey(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, KEY_BYTES * 2);
}

function safeName(id: string): string {
  return id.replace(/[^\w.@-]+/g, '_');
}

/**
 * On-disk embedding cache for one encoder, keyed by the encoder id and a SHA-256 of
 * each text: a second run over the same corpus embeds nothing. The file is checked
 * (magic, version, size, SHA-256 of its records) on load; a corrupt file is discarded
 * with a warning and rebuilt. Writes are atomic.
 */
/** A lock held by a process is taken over after this long without release (a killed process's). */
const STALE_LOCK_MS = 30_000;

/**
 * A lock across processes: a directory created atomically (`mkdir` fails if it exists), as
 * proper-lockfile does, taken synchronously with retries; one left by a killed process is
 * taken over once stale. Returns the release function.
 */
function lockPath(path: string, timeoutMs = 120_000): () => void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const t0 = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(path);
      return () => rmSync(path, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS) rmSync(path, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`the cache lock ${path} has been held for ${Math.round(timeoutMs / 1000)} s`);
      Atomics.wait(sleeper, 0, 0, Math.min(50, 5 + attempt * 5));
    }
  }
}

export class EmbeddingCache {
  readonly file: string;
  private entries = new Map<string, Float32Array>();
  private loaded = false;
  /** Texts embedded between two saves of the cache file. */
  chunkSize = 512;

  constructor(
    dir: string,
    private readonly encoderId: string,
    private readonly dim: number,
    private readonly logger: Pick<Logger, 'warn'> = { warn: (m) => console.warn(`topickd: warning: ${m}`) },
    /**
     * What else changes the bytes, kept apart: e.g. the tensor backend that computes them (wasm
     * and the native engine differ in the last digits). Default: none — entries are shared by
     * every backend (see docs/reference/data-formats.md, the embedding cache).
     */
    variant?: string,
  ) {
    this.file = join(dir, `${safeName(encoderId)}${variant ? `@${safeName(variant)}` : ''}.embcache`);
  }

  get size(): number {
    this.load();
    return this.entries.size;
  }

  /** Entries dropped at load because they held NaN or Inf. */
  private repaired = 0;
  /** Set when the cache folder cannot be written: the run goes on without saving. */
  private readOnly = false;

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    if (!existsSync(this.file)) return;
    let problem: string | null;
    try {
      problem = this.read();
    } catch (e) {
      this.logger.warn(`embedding cache ${this.file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); embedding without it`);
      this.readOnly = true;
      return;
    }
    if (this.repaired) this.logger.warn(`embedding cache ${this.file}: ${this.repaired} entr${this.repaired === 1 ? 'y holds' : 'ies hold'} NaN or Inf; recomputing ${this.repaired === 1 ? 'it' : 'them'}`);
    if (problem) {
      this.logger.warn(`embedding cache ${this.file} is corrupt (${problem}); discarding it and recomputing`);
      this.entries.clear();
      rmSync(this.file, { force: true });
    }
  }

  /** Size and modification time of the file as this process last read or wrote it. */
  private seen: { size: number; mtimeMs: number } | null = null;

  private stamp(): { size: number; mtimeMs: number } | null {
    try {
      const st = statSync(this.file);
      return { size: st.size, mtimeMs: st.mtimeMs };
    } catch {
      return null;
    }
  }

  private read(into: Map<string, Float32Array> = this.entries): string | null {
    const buf = readFileSync(this.file);
    this.seen = this.stamp();
    if (buf.byteLength < HEADER) return 'too short';
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (dv.getUint32(0, true) !== MAGIC) return 'bad magic';
    if (dv.getUint32(4, true) !== VERSION) return `version ${dv.getUint32(4, true)}`;
    const dim = dv.getUint32(8, true);
    const count = dv.getUint32(12, true);
    if (dim !== this.dim) return `dimension ${dim}, encoder has ${this.dim}`;
    const rec = KEY_BYTES + dim * 4;
    if (buf.byteLength !== HEADER + count * rec) return `size ${buf.byteLength}, expected ${HEADER + count * rec}`;
    const payload = buf.subarray(HEADER);
    const sha = createHash('sha256').update(payload).digest();
    if (!sha.equals(buf.subarray(16, 48))) return 'checksum mismatch';
    for (let i = 0; i < count; i++) {
      const o = HEADER + i * rec;
      const key = buf.subarray(o, o + KEY_BYTES).toString('hex');
      const v = new Float32Array(dim);
      let finite = true;
      for (let j = 0; j < dim; j++) {
        v[j] = dv.getFloat32(o + KEY_BYTES + j * 4, true);
        if (!Number.isFinite(v[j])) finite = false;
      }
      // a non-finite entry is dropped (and so recomputed), never handed to training
      if (finite) {
        if (!into.has(key)) into.set(key, v);
      } else this.repaired++;
    }
    return null;
  }

  /**
   * Writes the cache. Several processes may share the folder (workers of a distributed run):
   * under a lock, entries another process wrote since this one last read the file are merged
   * in first, so no process's entries are lost.
   */
  private save(): void {
    if (this.readOnly) return;
    let release: (() => void) | undefined;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      release = lockPath(`${this.file}.lock`);
      const now = this.stamp();
      if (now && (!this.seen || now.size !== this.seen.size || now.mtimeMs !== this.seen.mtimeMs)) {
        const theirs = new Map<string, Float32Array>();
        const problem = this.read(theirs);
        if (!problem) for (const [k, v] of theirs) if (!this.entries.has(k)) this.entries.set(k, v);
      }
      this.write();
      this.seen = this.stamp();
    } catch (e) {
      this.readOnly = true;
      this.logger.warn(`cannot write the embedding cache ${this.file} (${(e as Error).message.split(';')[0]}); going on without saving it (--cache-dir DIR picks another folder)`);
    } finally {
      release?.();
    }
  }

  private write(): void {
    const dim = this.dim;
    const rec = KEY_BYTES + dim * 4;
    const buf = Buffer.alloc(HEADER + this.entries.size * rec);
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    dv.setUint32(0, MAGIC, true);
    dv.setUint32(4, VERSION, true);
    dv.setUint32(8, dim, true);
    dv.setUint32(12, this.entries.size, true);
    let i = 0;
    for (const [key, v] of this.entries) {
      const o = HEADER + i * rec;
      buf.write(key, o, 'hex');
      for (let j = 0; j < dim; j++) dv.setFloat32(o + KEY_BYTES + j * 4, v[j], true);
      i++;
    }
    createHash('sha256').update(buf.subarray(HEADER)).digest().copy(buf, 16);
    // a read-only or full cache folder costs the cache, never the run (save() catches)
    removeStaleTemporaries(dirname(this.file));
    writeFileAtomic(this.file, buf);
  }

  /** Embeds `texts`, computing only those not cached. Returns the number computed in `computed`. */
  async embed(encoder: Encoder, texts: readonly string[], options: CachedEmbedOptions = {}): Promise<Float32Matrix & { computed: number }> {
    this.load();
    const keys = texts.map(textKey);
    const missing: number[] = [];
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      if (!this.entries.has(k) && !seen.has(k)) {
        missing.push(i);
        seen.add(k);
      }
    });
    if (missing.length) {
      // Embed in chunks and save after each, so an interrupted run keeps what it computed.
      // With `parallel`, chunks go to workers, `parallel.threads` at a time: each chunk is
      // embedded exactly as here, so the rows are identical to one thread's.
      const chunk = Math.max(1, this.chunkSize);
      const chunks: number[][] = [];
      for (let s = 0; s < missing.length; s += chunk) chunks.push(missing.slice(s, s + chunk));
      let done = 0;
      const store = (part: number[], m: Float32Matrix) => {
        part.forEach((docIndex, r) => this.entries.set(keys[docIndex], m.data.slice(r * m.cols, (r + 1) * m.cols)));
        this.save();
        done += part.length;
      };
      const parallel = options.parallel && (options.parallel.always || (options.parallel.threads > 1 && chunks.length > 1)) ? options.parallel : undefined;
      if (parallel) {
        let next = 0;
        const lane = async () => {
          while (next < chunks.length) {
            if (options.signal?.aborted) throw new AbortError('embedding');
            const part = chunks[next++];
            store(part, await parallel.embed(part.map((i) => texts[i])));
            options.onProgress?.({ done, total: missing.length });
          }
        };
        await Promise.all(Array.from({ length: Math.min(parallel.threads, chunks.length) }, lane));
      } else {
        for (const part of chunks) {
          const s = done;
          const m = await encoder.embed(part.map((i) => texts[i]), {
            ...options,
            onProgress: options.onProgress && ((p) => options.onProgress!({ done: s + p.done, total: missing.length })),
          });
          store(part, m);
        }
      }
    } else options.onProgress?.({ done: texts.length, total: texts.length });
    const out = new Float32Array(texts.length * this.dim);
    keys.forEach((k, i) => out.set(this.entries.get(k)!, i * this.dim));
    return { rows: texts.length, cols: this.dim, data: out, computed: missing.length };
  }
}

/** Embedding options of the cache: the encoder's, plus chunks embedded in parallel elsewhere (worker threads). */
export interface CachedEmbedOptions extends EmbedOptions {
  /** The cache's variant: entries of one variant are never read for another (default: one cache for every backend). */
  variant?: string;
  parallel?: {
    /** Chunks embedded at once. */
    threads: number;
    /** Every chunk goes to `embed`, even one at a time (keeps the calling thread free). */
    always?: boolean;
    /** Embeds one chunk of texts exactly as `encoder.embed` would (in a worker). */
    embed(texts: string[]): Promise<Float32Matrix>;
  };
}

/** Embeds through a cache in `cacheDir` (no cache when `cacheDir` is undefined, or for an encoder that is not `cacheable`). */
export async function embedWithCache(
  encoder: Encoder,
  texts: readonly string[],
  cacheDir: string | undefined,
  options: CachedEmbedOptions & { logger?: Pick<Logger, 'warn'> } = {},
): Promise<Float32Matrix & { computed: number }> {
  // worker threads embed what the cache lacks: this thread need not load the encoder's weights
  // (USE: ~190 MiB of a demo's peak) when it already knows what the cache is keyed by — an encoder
  // that knows its `dim` before load() has its final `id` (the Encoder contract); one embedded
  // here loads itself in `embed`
  if (!(options.parallel && encoder.dim > 0)) await encoder.load();
  // an encoder faster than its cache (static) and precomputed rows skip it
  if (!cacheDir || encoder.id.startsWith('precomputed:') || encoder.cacheable === false) {
    const m = await encoder.embed(texts, options);
    return { ...m, computed: encoder.id.startsWith('precomputed:') ? 0 : texts.length };
  }
  const variant = [encoder.revision, options.variant].filter(Boolean).join('@') || undefined;
  return new EmbeddingCache(cacheDir, encoder.id, encoder.dim, options.logger, variant).embed(encoder, texts, options);
}
