import { readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, ModelFileError } from '../errors.js';
import { loadModelFrom, MANIFEST_FILE, serializeModel, type LoadModelOptions, type ModelStore, type SavedModel } from '../io/model-format.js';
import { ensureDir, removeStaleTemporaries, writeFileAtomic } from './atomic-write.js';
import { maxInputBytes, readFileChecked, readTextChecked } from './read-file.js';
import { decodeNpy, encodeNpy } from '../io/npy.js';
import type { Float32Matrix } from '../util/matrix.js';

/** The largest manifest.json read (a million-word vocabulary fits in a fraction of it). */
export const MANIFEST_MAX_BYTES = 64 * 2 ** 20;
export const THETA_FILE = 'theta.npy';
export const THETA_INDEX_FILE = 'theta.json';

/**
 * Writes the topic proportions of the training documents beside a saved model, as the
 * CTM library's `get_doc_topic_distribution` gives them: `theta.npy` (float32, one row
 * per kept document, in corpus order) and `theta.json` with `documents`, the index in
 * the training corpus of each row (documents left empty by preprocessing have no row).
 */
export function saveTheta(dir: string, theta: Float32Matrix, kept: ArrayLike<number>, info: { corpusDocuments: number; samples: number; seed: number }): void {
  if (kept.length !== theta.rows) throw new DataError(`theta has ${theta.rows} rows but ${kept.length} kept documents`, 'DIMENSION_MISMATCH');
  ensureDir(dir);
  writeFileAtomic(join(dir, THETA_FILE), encodeNpy(theta));
  const index = { rows: theta.rows, topics: theta.cols, corpusDocuments: info.corpusDocuments, samples: info.samples, seed: info.seed, documents: Array.from(kept) };
  writeFileAtomic(join(dir, THETA_INDEX_FILE), JSON.stringify(index) + '\n');
}

/** θ of the training documents as `saveTheta` wrote it beside a model, or undefined where there is none. */
export function loadTheta(dir: string): { theta: Float32Matrix; documents: number[]; corpusDocuments: number; samples: number } | undefined {
  const npy = join(dir, THETA_FILE);
  const indexFile = join(dir, THETA_INDEX_FILE);
  if (!existsSync(npy) || !existsSync(indexFile)) return undefined;
  const theta = decodeNpy(new Uint8Array(readFileChecked(npy, 'θ of the training documents')), npy);
  let index: { documents?: unknown; corpusDocuments?: unknown; samples?: unknown };
  try {
    index = JSON.parse(readTextChecked(indexFile, 'θ index', 64 * 2 ** 20));
  } catch (e) {
    throw new DataError(`${indexFile} is not valid JSON (${(e as Error).message}); write θ again (topickd infer) or remove theta.npy and ${THETA_INDEX_FILE}`);
  }
  if (!Array.isArray(index.documents) || index.documents.length !== theta.rows || !index.documents.every((d) => Number.isInteger(d))) {
    throw new DataError(`${indexFile} does not list one document per row of ${THETA_FILE} (${theta.rows} rows); the files do not belong together`);
  }
  return { theta, documents: index.documents as number[], corpusDocuments: typeof index.corpusDocuments === 'number' ? index.corpusDocuments : theta.rows, samples: typeof index.samples === 'number' ? index.samples : 20 };
}

/** A model directory on disk. */
export function dirStore(dir: string): ModelStore {
  return {
    location: dir,
    async read(name: string) {
      const path = join(dir, name);
      // a missing file is reported by the loader, which knows what the file is for
      if (!existsSync(path)) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      // a manifest is JSON of at most a million-word vocabulary: 64 MiB; weights up to 4 GiB
      if (name === MANIFEST_FILE) return new Uint8Array(readFileChecked(path, 'model manifest', MANIFEST_MAX_BYTES));
      return new Uint8Array(readFileChecked(path, 'model file', Math.max(maxInputBytes(), 4 * 2 ** 30)));
    },
  };
}

/**
 * Saves a model directory without ever leaving it half-written: the weights go to a
 * new content-addressed file first, then manifest.json is replaced atomically (the
 * commit point), then weights files no longer referenced are removed. Interrupted at
 * any moment, the directory holds the old model or the new one, both loadable.
 */
export async function saveModel(dir: string, saved: SavedModel): Promise<string> {
  ensureDir(dir);
  // the weights file of the model this folder held before (written by an earlier save):
  // the only file removed after the new manifest is in place, never one we did not write
  let previous: string | undefined;
  try {
    const old = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as { weights?: { file?: unknown } };
    if (typeof old.weights?.file === 'string' && /^weights-[0-9a-f]+\.bin$/.test(old.weights.file)) previous = old.weights.file;
  } catch {
    /* no earlier model here */
  }
  removeStaleTemporaries(dir);
  const { manifest, files } = await serializeModel(saved);
  for (const f of files) writeFileAtomic(join(dir, f.name), f.bytes);
  if (previous && previous !== manifest.weights.file) rmSync(join(dir, previous), { force: true });
  return join(dir, MANIFEST_FILE);
}

export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<Awaited<ReturnType<typeof loadModelFrom>>> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ModelFileError(dir, 'is not a model directory; give the folder that `topickd fit` or `distill` wrote (--out)');
  }
  return loadModelFrom(dirStore(dir), options);
}

import { parseCheckpoint, serializeCheckpoint, type CheckpointMeta } from '../io/checkpoint-format.js';
import type { TrainerState } from '../train/trainer.js';

export const CHECKPOINT_FILE = 'checkpoint.tkdc';

/** Writes a checkpoint atomically (a kill at any moment leaves the previous one intact). */
export async function saveCheckpoint(path: string, meta: CheckpointMeta, state: TrainerState): Promise<void> {
  writeFileAtomic(path, await serializeCheckpoint(meta, state));
}

/** Reads a checkpoint file, or `DIR/checkpoint.tkdc`. */
export async function loadCheckpoint(pathOrDir: string): Promise<{ meta: CheckpointMeta; state: TrainerState; path: string }> {
  const path = existsSync(pathOrDir) && statSync(pathOrDir).isDirectory() ? join(pathOrDir, CHECKPOINT_FILE) : pathOrDir;
  if (!existsSync(path)) throw new ModelFileError(path, 'no checkpoint here; --checkpoint-every N writes OUT/checkpoint.tkdc');
  return { ...(await parseCheckpoint(new Uint8Array(readFileChecked(path, 'checkpoint', Math.max(maxInputBytes(), 4 * 2 ** 30))), path)), path };
}
