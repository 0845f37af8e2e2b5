import { describe, it, expect, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ContextualTopicModel, resolveModelConfig, trainModel, distill, CsrBuilder, Random } from '@topickd/core';
import { loadConfigFile, createRuntime } from '@topickd/cli';

describe('a third-party loss plugin loaded by naming it in a config file', () => {
  it('is registered, listed, and called during distillation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topickd-jsd-'));
    const pluginDir = fileURLToPath(new URL('..', import.meta.url));
    const cfgFile = join(dir, 'topickd.yaml');
    writeFileSync(cfgFile, `backend: wasm\nplugins:\n  - ${pluginDir}\nlosses:\n  - w2\n  - name: jsd\n    weight: 0.5\n`);
    const cfg = loadConfigFile(cfgFile);
    const rt = await createRuntime(cfg, { warn: () => undefined });
    expect(rt.registry.lossNames()).toContain('jsd');
    const weighted = rt.registry.weightedLosses();
    expect(weighted.map((w) => [w.loss.name, w.weight])).toEqual([['w2', 1], ['jsd', 0.5]]);
    const jsd = rt.registry.loss('jsd');
    const spy = vi.spyOn(jsd, 'compute');

    const rng = new Random(1);
    const V = 20;
    const b = new CsrBuilder(V);
    for (let i = 0; i < 100; i++) b.addRow(new Map([[Math.floor(rng.next() * V), 2], [Math.floor(rng.next() * V), 1]]));
    const bow = b.build();
    const embeddings = { rows: 100, cols: 8, data: rng.uniformArray(800, -1, 1) };
    const teacher = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: 3, vocabSize: V, embeddingDim: 8 }), 0);
    await trainModel(teacher, { bow, embeddings }, { epochs: 1 });
    const student = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 3, vocabSize: V, embeddingDim: 8, hiddenSizes: [10] }), 0);
    await distill(teacher, student, { student: { bow, embeddings }, teacherEmbeddings: embeddings }, weighted, { epochs: 2, alpha: 0.5, temperature: 2 });
    expect(spy).toHaveBeenCalledTimes(2 * Math.ceil(100 / 64));
    const [t, s] = spy.mock.calls[0];
    expect(t.wordLogits.shape).toEqual([64, V]);
    expect(s.mu.shape).toEqual([64, 3]);
    teacher.dispose();
    student.dispose();
  });
});
