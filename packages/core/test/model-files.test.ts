import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContextualTopicModel, resolveModelConfig, CpuBackend, ModelFileError, inferTheta, MODEL_FORMAT_VERSION } from '@topickd/core';
import { saveModel, loadModel } from '@topickd/core/node';
import { WasmBackend } from '@topickd/backend-wasm';

const vocab = Array.from({ length: 12 }, (_, i) => `w${i}`);
const embeddings = { rows: 3, cols: 4, data: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)) };

async function savedDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'topickd-model-'));
  const model = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: 12, embeddingDim: 4 }), 5);
  model.running.get('mu')!.mean.fill(0.25); // non-default BN statistics must survive the round trip
  await saveModel(dir, { model, vocabulary: vocab, encoder: { id: 'test-encoder', dim: 4 }, training: { note: 'test' } });
  model.dispose();
  return dir;
}
const weightsFile = (dir: string) => readdirSync(dir).find((f) => f.startsWith('weights-'))!;

describe('model folders', () => {
  beforeAll(async () => {
    await new CpuBackend().activate();
  });

  it('round-trip: same weights, BN statistics and θ, on another backend too', async () => {
    const dir = await savedDir();
    const a = await loadModel(dir);
    expect(a.vocabulary).toEqual(vocab);
    expect(a.encoder.id).toBe('test-encoder');
    expect(a.model.running.get('mu')!.mean[0]).toBe(0.25);
    const thetaCpu = Array.from(inferTheta(a.model, { embeddings }).data);
    await new WasmBackend().activate();
    const b = await loadModel(dir);
    const thetaWasm = Array.from(inferTheta(b.model, { embeddings }).data);
    thetaCpu.forEach((v, i) => expect(Math.abs(v - thetaWasm[i])).toBeLessThan(1e-5));
    await new CpuBackend().activate();
    a.model.dispose();
  });

  it('refuses a missing manifest, a missing or truncated weights file, a checksum mismatch, a newer format', async () => {
    let dir = await savedDir();
    rmSync(join(dir, 'manifest.json'));
    await expect(loadModel(dir)).rejects.toThrow(/manifest\.json: missing/);

    dir = await savedDir();
    rmSync(join(dir, weightsFile(dir)));
    await expect(loadModel(dir)).rejects.toThrow(/weights-[0-9a-f]+\.bin: missing/);

    dir = await savedDir();
    const w = join(dir, weightsFile(dir));
    writeFileSync(w, readFileSync(w).subarray(0, 100));
    await expect(loadModel(dir)).rejects.toThrow(/is truncated or replaced/);

    dir = await savedDir();
    const w2 = join(dir, weightsFile(dir));
    const bytes = readFileSync(w2);
    bytes[20] ^= 0x55;
    writeFileSync(w2, bytes);
    const err = await loadModel(dir).catch((e) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err.message).toMatch(/checksum mismatch/);
    expect(err.file).toBe(w2);

    dir = await savedDir();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.formatVersion = MODEL_FORMAT_VERSION + 1;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(loadModel(dir)).rejects.toThrow(/newer than this TopicKD reads.*upgrade TopicKD/);

    dir = await savedDir();
    writeFileSync(join(dir, 'manifest.json'), '{"format": "topickd-model", "formatVersion": 1, "weights": {"file": "../../etc/passwd"}, "vocabulary": [], "config": {}}');
    await expect(loadModel(dir)).rejects.toBeInstanceOf(ModelFileError);
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(/is not a model directory/);
  });

  it('saving over a model replaces it whole and leaves no stale weights', async () => {
    const dir = await savedDir();
    const m = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: 12, embeddingDim: 4 }), 99);
    await saveModel(dir, { model: m, vocabulary: vocab, encoder: { id: 'x', dim: 4 }, training: {} });
    expect(readdirSync(dir).filter((f) => f.startsWith('weights-'))).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toHaveLength(0);
    const back = await loadModel(dir);
    expect(Array.from(back.model.beta().data)).toEqual(Array.from(m.beta().data));
    m.dispose();
  });
});
