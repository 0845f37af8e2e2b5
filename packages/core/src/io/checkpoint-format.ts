import { ModelFileError } from '../errors.js';
import { MAX_NESTING, nestingDepth } from '../util/nesting.js';
import type { TopicModelConfig } from '../model/contextual-topic-model.js';
import type { TrainerState } from '../train/trainer.js';
import type { ModelSnapshot } from '../train/snapshot.js';
import { sha256Hex } from './sha256.js';
import { canonicalDigest } from './canonical-digest.js';

export const CHECKPOINT_FORMAT = 'topickd-checkpoint';
/** 2: the JSON header carries `headerDigest`, so epochs, RNG state and array order are checked too. */
export const CHECKPOINT_FORMAT_VERSION = 2;
const MAGIC = new TextEncoder().encode('TKDCKPT1');

/** What a checkpoint holds besides the trainer state: enough to rebuild the model and check the data. */
export interface CheckpointMeta {
  config: TopicModelConfig;
  vocabulary: string[];
  encoder: { id: string; dim: number; type?: string };
  /** Training options that must match on resume (seed, batch size, ...). */
  options: Record<string, unknown>;
  /** SHA-256 of each input of the run (documents, embeddings, model config, teacher, ...): a resume must match every one. */
  fingerprint?: Record<string, string>;
}

interface Header {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  meta: CheckpointMeta;
  state: Omit<TrainerState, 'model' | 'optimizer' | 'best'> & { optimizerStep: number; bestEpoch?: number; bestValLoss?: number };
  arrays: { name: string; length: number }[];
  sha256: string;
  /** SHA-256 of the header's canonical JSON without this field. */
  headerDigest?: string;
}

function flattenSnapshot(prefix: string, s: ModelSnapshot, out: [string, Float32Array][]): void {
  for (const [k, v] of Object.entries(s.params)) out.push([`${prefix}param:${k}`, v]);
  for (const [k, r] of Object.entries(s.running)) out.push([`${prefix}bn:${k}:mean`, r.mean], [`${prefix}bn:${k}:variance`, r.variance]);
}

function unflattenSnapshot(prefix: string, arrays: Map<string, Float32Array>): ModelSnapshot {
  const snap: ModelSnapshot = { params: {}, running: {} };
  for (const [name, a] of arrays) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (rest.startsWith('param:')) snap.params[rest.slice(6)] = a;
    else if (rest.startsWith('bn:')) {
      const [, k, which] = rest.split(':');
      snap.running[k] ??= { mean: new Float32Array(0), variance: new Float32Array(0) };
      snap.running[k][which as 'mean' | 'variance'] = a;
    }
  }
  return snap;
}

/** One self-checking binary file: magic, header length, JSON header (with SHA-256 of the payload), float32 payload. */
export async function serializeCheckpoint(meta: CheckpointMeta, state: TrainerState): Promise<Uint8Array> {
  const arrays: [string, Float32Array][] = [];
  flattenSnapshot('model/', state.model, arrays);
  state.optimizer.m.forEach((a, i) => arrays.push([`adam/m/${i}`, a]));
  state.optimizer.v.forEach((a, i) => arrays.push([`adam/v/${i}`, a]));
  if (state.best) flattenSnapshot('best/', state.best.model, arrays);
  const total = arrays.reduce((s, [, a]) => s + a.length, 0);
  const payload = new Float32Array(total);
  let off = 0;
  for (const [, a] of arrays) {
    payload.set(a, off);
    off += a.length;
  }
  const payloadBytes = new Uint8Array(payload.buffer);
  const header: Header = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    meta,
    state: {
      epoch: state.epoch,
      rngState: state.rngState,
      lossHistory: state.lossHistory,
      valHistory: state.valHistory,
      seconds: state.seconds,
      optimizerStep: state.optimizer.step,
      bestEpoch: state.best?.epoch,
      bestValLoss: state.best?.valLoss,
    },
    arrays: arrays.map(([name, a]) => ({ name, length: a.length })),
    sha256: await sha256Hex(payloadBytes),
  };
  header.headerDigest = await canonicalDigest(header as unknown as Record<string, unknown>, 'headerDigest');
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const pad = (4 - ((MAGIC.length + 4 + headerBytes.length) % 4)) % 4;
  const out = new Uint8Array(MAGIC.length + 4 + headerBytes.length + pad + payloadBytes.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length + pad, true);
  out.set(headerBytes, MAGIC.length + 4);
  out.fill(0x20, MAGIC.length + 4 + headerBytes.length, MAGIC.length + 4 + headerBytes.length + pad);
  out.set(payloadBytes, MAGIC.length + 4 + headerBytes.length + pad);
  return out;
}

export async function parseCheckpoint(bytes: Uint8Array, where: string): Promise<{ meta: CheckpointMeta; state: TrainerState }> {
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ModelFileError(where, 'not a TopicKD checkpoint (bad magic); point --resume to a checkpoint.tkdc written by --checkpoint-every');
  }
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  let header: Header;
  try {
    const text = new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + hlen));
    if (nestingDepth(text, MAX_NESTING) > MAX_NESTING) throw new Error(`brackets nested deeper than ${MAX_NESTING} levels`);
    header = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(where, 'checkpoint header is damaged; use an earlier checkpoint or train from scratch', e);
  }
  if (!header || typeof header !== 'object' || header.format !== CHECKPOINT_FORMAT || header.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new ModelFileError(
      where,
      `checkpoint format ${JSON.stringify(header?.format)} v${JSON.stringify(header?.formatVersion)} is not this TopicKD's (${CHECKPOINT_FORMAT} v${CHECKPOINT_FORMAT_VERSION}); resume with the TopicKD that wrote it, or train again without --resume`,
    );
  }
  if (typeof header.headerDigest !== 'string' || (await canonicalDigest(header as unknown as Record<string, unknown>, 'headerDigest')) !== header.headerDigest) {
    throw new ModelFileError(where, 'checkpoint header digest mismatch: the header was altered or is damaged; use an earlier checkpoint or train again without --resume');
  }
  if (!Array.isArray(header.arrays) || header.arrays.some((a) => !a || typeof a.name !== 'string' || !Number.isInteger(a.length) || a.length < 0)) {
    throw new ModelFileError(where, 'checkpoint header field "arrays" is damaged');
  }
  const payloadBytes = bytes.slice(MAGIC.length + 4 + hlen);
  const expected = header.arrays.reduce((s, a) => s + a.length, 0) * 4;
  if (payloadBytes.length !== expected) throw new ModelFileError(where, `checkpoint is truncated (${payloadBytes.length} of ${expected} payload bytes)`);
  if ((await sha256Hex(payloadBytes)) !== header.sha256) throw new ModelFileError(where, 'checkpoint checksum mismatch: the file is corrupt');
  const payload = new Float32Array(payloadBytes.buffer);
  const arrays = new Map<string, Float32Array>();
  let off = 0;
  for (const a of header.arrays) {
    arrays.set(a.name, payload.slice(off, off + a.length));
    off += a.length;
  }
  const count = header.arrays.filter((a) => a.name.startsWith('adam/m/')).length;
  const st = header.state;
  const state: TrainerState = {
    epoch: st.epoch,
    rngState: st.rngState,
    lossHistory: st.lossHistory,
    valHistory: st.valHistory,
    seconds: st.seconds,
    model: unflattenSnapshot('model/', arrays),
    optimizer: {
      step: st.optimizerStep,
      m: Array.from({ length: count }, (_, i) => arrays.get(`adam/m/${i}`)!),
      v: Array.from({ length: count }, (_, i) => arrays.get(`adam/v/${i}`)!),
    },
    best: st.bestEpoch !== undefined ? { epoch: st.bestEpoch, valLoss: st.bestValLoss!, model: unflattenSnapshot('best/', arrays) } : undefined,
  };
  return { meta: header.meta, state };
}
