/**
 * Fuzz test of the model loader and the checkpoint reader: random single-byte edits of a
 * saved manifest, weights file and checkpoint header. Each edited file must either be
 * refused with a TopicKD error, or give exactly what the unedited file gives (an edit of
 * white space in the JSON). None may load silently different.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import {
  CpuBackend,
  CsrBuilder,
  ContextualTopicModel,
  inferTheta,
  isTopicKDError,
  loadModelFrom,
  parseCheckpoint,
  resolveModelConfig,
  serializeCheckpoint,
  serializeModel,
  snapshotModel,
  Random,
  MANIFEST_FILE,
  type ModelStore,
  type TrainerState,
} from '@topickd/core/plugin';
import { canonicalJson } from '@topickd/core/plugin';

const V = 30;
const E = 6;
let files: Map<string, Uint8Array>;
let reference: { theta: Float32Array; meta: string };
let checkpoint: Uint8Array;
let checkpointReference: string;

const store = (f: Map<string, Uint8Array>): ModelStore => ({
  location: 'memory',
  async read(name) {
    const b = f.get(name);
    if (!b) throw new Error(`no file ${name}`);
    return b;
  },
});

const bow = (() => {
  const b = new CsrBuilder(V);
  b.addRow(new Map([[1, 2], [5, 1]]));
  b.addRow(new Map([[7, 3]]));
  b.addRow(new Map([[0, 1], [29, 4]]));
  return b.build();
})();
const embeddings = { rows: 3, cols: E, data: new Random(4).uniformArray(3 * E, -1, 1) };

async function outputOf(f: Map<string, Uint8Array>): Promise<{ theta: Float32Array; meta: string }> {
  const saved = await loadModelFrom(store(f));
  try {
    const theta = inferTheta(saved.model, { bow, embeddings }, { samples: 4, seed: 0 }).data;
    const meta = canonicalJson({ vocabulary: saved.vocabulary, encoder: saved.encoder, training: saved.training, preprocessing: saved.preprocessing ?? null, config: saved.model.config, kind: saved.model.kind });
    return { theta: Float32Array.from(theta), meta };
  } finally {
    saved.model.dispose();
  }
}

function stateJson(s: Awaited<ReturnType<typeof parseCheckpoint>>): string {
  const arrays = (snap: TrainerState['model']) => ({ params: Object.fromEntries(Object.entries(snap.params).map(([k, v]) => [k, Array.from(v)])), running: Object.fromEntries(Object.entries(snap.running).map(([k, r]) => [k, [Array.from(r.mean), Array.from(r.variance)]])) });
  const st = s.state;
  return canonicalJson({ meta: s.meta, epoch: st.epoch, rng: st.rngState, loss: st.lossHistory, val: st.valHistory, seconds: st.seconds, model: arrays(st.model), step: st.optimizer.step, m: st.optimizer.m.map((a) => Array.from(a)), v: st.optimizer.v.map((a) => Array.from(a)) });
}

function mutate(bytes: Uint8Array, r: Random, from = 0, to = bytes.length): Uint8Array {
  const out = bytes.slice();
  const i = from + Math.floor(r.next() * (to - from));
  let b = out[i];
  while (b === out[i]) b = Math.floor(r.next() * 256);
  out[i] = b;
  return out;
}

beforeAll(async () => {
  await new CpuBackend().activate();
  const config = resolveModelConfig({ kind: 'combined', numTopics: 4, vocabSize: V, embeddingDim: E, hiddenSizes: [8] });
  const model = new ContextualTopicModel(config, 1);
  const vocabulary = Array.from({ length: V }, (_, i) => `w${i}`);
  const { files: written } = await serializeModel({ model, vocabulary, encoder: { id: 'test-encoder', dim: E, type: 'precomputed' }, training: { epochs: 3, seed: 1 } });
  files = new Map(written.map((f) => [f.name, f.bytes]));
  reference = await outputOf(files);
  const snap = snapshotModel(model);
  const r = new Random(9);
  const state: TrainerState = {
    epoch: 3,
    rngState: 12345,
    model: snap,
    optimizer: { step: 30, m: [r.uniformArray(10, -1, 1)], v: [r.uniformArray(10, 0, 1)] },
    lossHistory: [50.5, 49.25, 48.125],
    valHistory: [],
    seconds: 1.5,
  };
  checkpoint = await serializeCheckpoint({ config, vocabulary, encoder: { id: 'test-encoder', dim: E }, options: { seed: 1, batchSize: 64 } }, state);
  checkpointReference = stateJson(await parseCheckpoint(checkpoint, 'memory'));
  model.dispose();
});

describe('model files and checkpoints under random byte edits', () => {
  it('1,300 single-byte edits: each refused with a TopicKD error or bit-identical', async () => {
    const r = new Random(2026);
    const weightsName = [...files.keys()].find((n) => n !== MANIFEST_FILE)!;
    const counts = { refused: 0, identical: 0 };
    const check = async (kind: string, attempt: () => Promise<boolean>) => {
      try {
        const same = await attempt();
        if (!same) throw new Error(`a ${kind} edit loaded with a different result`);
        counts.identical++;
      } catch (e) {
        if (!isTopicKDError(e)) throw new Error(`a ${kind} edit failed with a raw ${(e as Error).name}: ${(e as Error).message}`);
        counts.refused++;
      }
    };
    for (let i = 0; i < 700; i++) {
      const edited = new Map(files);
      edited.set(MANIFEST_FILE, mutate(files.get(MANIFEST_FILE)!, r));
      await check('manifest', async () => {
        const out = await outputOf(edited);
        return out.meta === reference.meta && Buffer.from(out.theta.buffer).equals(Buffer.from(reference.theta.buffer));
      });
    }
    for (let i = 0; i < 300; i++) {
      const edited = new Map(files);
      edited.set(weightsName, mutate(files.get(weightsName)!, r));
      await check('weights', async () => {
        const out = await outputOf(edited);
        return out.meta === reference.meta && Buffer.from(out.theta.buffer).equals(Buffer.from(reference.theta.buffer));
      });
    }
    const headerEnd = 12 + new DataView(checkpoint.buffer, checkpoint.byteOffset).getUint32(8, true);
    for (let i = 0; i < 300; i++) {
      const edited = mutate(checkpoint, r, 0, headerEnd);
      await check('checkpoint header', async () => stateJson(await parseCheckpoint(edited, 'memory')) === checkpointReference);
    }
    expect(counts.refused + counts.identical).toBe(1300);
    expect(counts.refused).toBeGreaterThan(1000);
    console.log(`fuzz: ${counts.refused} edits refused, ${counts.identical} bit-identical (white space)`);
  });

  it('NaN weights are refused even with a matching checksum; a tampered manifest with a recomputed weights hash is refused by its digest', async () => {
    const { serializeModel: ser } = await import('@topickd/core');
    const config = resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: 10, embeddingDim: 4 });
    const model = new ContextualTopicModel(config, 2);
    const first = [...model.params.values()][0];
    const { tf } = await import('@topickd/core');
    first.assign(tf.fill(first.shape, NaN));
    const { files: nan } = await ser({ model, vocabulary: Array.from({ length: 10 }, (_, i) => `v${i}`), encoder: { id: 'e', dim: 4 }, training: {} });
    model.dispose();
    await expect(loadModelFrom(store(new Map(nan.map((f) => [f.name, f.bytes]))))).rejects.toThrow(/non-finite value \(NaN\)/);
    const manifest = JSON.parse(new TextDecoder().decode(files.get(MANIFEST_FILE)!));
    manifest.vocabulary[3] = 'swapped';
    const tampered = new Map(files);
    tampered.set(MANIFEST_FILE, new TextEncoder().encode(JSON.stringify(manifest)));
    await expect(loadModelFrom(store(tampered))).rejects.toThrow(/manifest digest mismatch/);
  });
});
