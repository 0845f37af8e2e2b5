/**
 * What the command line has, a program has too (the CLI's fit and distill are adapters over these
 * options): checkpoints and resume — a run stopped after its checkpoint and resumed from it ends
 * with the weights of the run that never stopped, and a checkpoint of another run is refused,
 * naming what differs — for `tkd.fit` and `tkd.distill`; a corpus file above `streamMb` streamed
 * from disk by `tkd.fit` (its embeddings precomputed) trains the model the in-memory read trains;
 * `model.run` reports the run; a distillation that gives no epochs trains the default student budget.
 */
import { describe, it, expect } from 'vitest';
import { runNode } from '../../../test-support/child-process.js';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISTILL_EPOCHS, encodeNpy } from '@topickd/core';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = fileURLToPath(new URL('../../cli/test/e2e/fixtures/m10-raw-300.jsonl', import.meta.url));
const dir = join(root, 'packages', 'topickd', 'test', '.generated');
const script = join(dir, 'api-run-options.mjs');

const program = `
import { createTopicKD } from 'topickd';
import { existsSync } from 'node:fs';
const [corpus, npy] = process.argv.slice(2);
const out = {};
let epochs = [];
const tkd = await createTopicKD({ backend: 'wasm', encoder: 'precomputed:' + npy, cacheDir: 'cache', onProgress: (e) => { if (e.type === 'training' && e.event.type === 'epoch') epochs.push(e.event.epoch); } });
const opts = { model: 'combined', topics: 4, epochs: 3, seed: 1, hidden: [16] };
// uninterrupted
const whole = await tkd.fit(corpus, opts);
await whole.save('whole');
out.run = whole.run;
// a checkpoint every epoch: checkpoint.tkdc holds the state after epoch 2 (none is written after the last)
const ck = await tkd.fit(corpus, { ...opts, checkpoint: { dir: 'ck', every: 1 } });
out.checkpointWritten = existsSync('ck/checkpoint.tkdc');
ck.dispose();
// resumed: epoch 3 again, from the checkpoint
epochs = [];
const resumed = await tkd.fit(corpus, { ...opts, resume: 'ck' });
await resumed.save('resumed');
out.resumedEpochs = [...epochs];
// a checkpoint of another run: refused, naming what differs
try { await tkd.fit(corpus, { ...opts, learningRate: 0.01, resume: 'ck' }); out.otherRun = 'accepted'; } catch (e) { out.otherRun = e.message; }
// the same for distill
const dopts = { model: 'zeroshot', epochs: 3, seed: 2, hidden: [8] };
const dwhole = await tkd.distill(whole, corpus, dopts);
await dwhole.save('dwhole');
(await tkd.distill(whole, corpus, { ...dopts, checkpoint: { dir: 'dck', every: 1 } })).dispose();
epochs = [];
await (await tkd.distill(whole, corpus, { ...dopts, resume: 'dck' })).save('dresumed');
out.dresumedEpochs = [...epochs];
try { await tkd.distill(whole, corpus, { ...dopts, alpha: 0.3, resume: 'dck' }); out.otherDistill = 'accepted'; } catch (e) { out.otherDistill = e.message; }
// θ of a corpus file, whole or block by block (a model that has no folder is inferred in this thread)
const inferred = await tkd.infer(whole, corpus, { shardSize: 512 });
out.infer = { rows: inferred.theta.rows, cols: inferred.theta.cols, documents: inferred.documents, threads: inferred.threads, sum: Array.from(inferred.theta.data.subarray(0, 4)).reduce((a, b) => a + b, 0) };
const blocks = [];
const none = await tkd.infer(whole, corpus, { onBlock: (b) => blocks.push([b.offset, b.theta.rows]) });
out.blocks = { blocks, kept: none.theta === undefined };
// streamed from disk: a corpus file above streamMb
const streaming = await createTopicKD({ backend: 'wasm', encoder: 'precomputed:' + npy, cacheDir: 'cache', streamMb: 0.001 });
const streamed = await streaming.fit(corpus, opts);
await streamed.save('streamed');
out.streamedRun = streamed.run;
// a distillation that gives no epochs: the default student budget (DISTILL_EPOCHS), the auto recipe's phase its first half
const dflt = await tkd.distill(whole, corpus, { model: 'zeroshot', seed: 2, hidden: [8] });
out.defaultDistill = { epochs: dflt.run.epochs, kdEpochs: dflt.training.kdEpochs, recipe: dflt.training.recipe };
// and a grid that gives none: every model of it trains DISTILL_EPOCHS
const grid = await tkd.experiment({ dataset: corpus, topics: [4], seeds: [0], out: 'grid', teacher: { hidden: [8] }, student: { hidden: [8] }, saveModels: false });
out.gridEpochs = { epochs: grid.epochs, kdEpochs: grid.runs.find((r) => r.role === 'distilled').kdEpochs };
console.log(JSON.stringify(out));
`;

const weights = (d: string) => readFileSync(join(d, readdirSync(d).find((f) => f.startsWith('weights-'))!));

describe('the API has what the command line has', () => {
  it('checkpoints and resume for fit and distill; a corpus streamed from disk; model.run', async () => {
    const work = mkdtempSync(join(tmpdir(), 'topickd-api-run-options-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(script, program);
    // precomputed embeddings, one row per line of the corpus
    const rows = 300;
    const cols = 8;
    const data = new Float32Array(rows * cols);
    let s = 12345;
    for (let i = 0; i < data.length; i++) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      data[i] = s / 2 ** 31 - 0.5;
    }
    const npy = join(work, 'emb.npy');
    writeFileSync(npy, encodeNpy({ rows, cols, data }));
    const r = await runNode(script, [corpus, npy], { cwd: work, timeoutMs: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.run).toMatchObject({ epochs: 3, documents: 300, droppedDocuments: 0, streamed: false });
    expect(out.run.vocabularySize).toBeGreaterThan(100);
    expect(out.checkpointWritten).toBe(true);
    expect(out.resumedEpochs).toEqual([3]);
    expect(out.dresumedEpochs).toEqual([3]);
    expect(weights(join(work, 'resumed')).equals(weights(join(work, 'whole')))).toBe(true);
    expect(out.otherRun).toMatch(/was written for other training options/);
    expect(weights(join(work, 'dresumed')).equals(weights(join(work, 'dwhole')))).toBe(true);
    expect(out.otherDistill).toMatch(/was written for other training options/);
    expect(out.infer.rows).toBe(300);
    expect(out.infer.cols).toBe(4);
    expect(out.infer.threads).toBe(1);
    expect(out.infer.sum).toBeCloseTo(1, 5);
    expect(out.blocks).toEqual({ blocks: [[0, 300]], kept: true });
    expect(out.streamedRun).toMatchObject({ streamed: true, documents: 300, vocabularySize: out.run.vocabularySize });
    expect(weights(join(work, 'streamed')).equals(weights(join(work, 'whole')))).toBe(true);
    expect(out.defaultDistill).toEqual({ epochs: DISTILL_EPOCHS, kdEpochs: DISTILL_EPOCHS / 2, recipe: 'auto' });
    expect(out.gridEpochs).toEqual({ epochs: DISTILL_EPOCHS, kdEpochs: DISTILL_EPOCHS / 2 });
    expect(DISTILL_EPOCHS).toBe(30);
  }, 300_000);
});
