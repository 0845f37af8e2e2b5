import { describe, it, expect, beforeAll } from 'vitest';
import { runProcess } from '../../../test-support/child-process.js';
import { fileURLToPath } from 'node:url';
import { tf, Random, ContextualTopicModel, resolveModelConfig, AdamOptimizer, CsrBuilder, trainStep, vaeStepLoss, type BackendKernels } from '@topickd/core/plugin';
import { WasmBackend, GemmPool, gemmPoolStats, POOL_MIN_FLOPS } from '@topickd/backend-wasm';

// TopicKD's product split over threads sharing one WebAssembly memory (gemm/gemm-pool.ts):
// every part is whole register blocks, so the result must be the one-thread result bit for bit.

const active: Record<number, { tfjsBackend: string; kernels: BackendKernels; threads?: number; detail?: string }> = {};

function product(threads: number, a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): { values: Float32Array; pooled: number } {
  const ours = tf.getBackend();
  tf.setBackend(active[threads].tfjsBackend);
  try {
    const before = gemmPoolStats.products;
    const values = tf.tidy(() => tf.matMul(a, b, ta, tb).dataSync().slice() as Float32Array);
    return { values, pooled: gemmPoolStats.products - before };
  } finally {
    tf.setBackend(ours);
  }
}

function firstDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return -2;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}

describe('the wasm backend\'s product on threads (products ≥ POOL_MIN_FLOPS)', () => {
  beforeAll(async () => {
    for (const threads of [1, 2, 3]) active[threads] = await new WasmBackend({ threads }).activate();
    await new WasmBackend().activate();
  });

  it('says how many threads its products run on', () => {
    expect(active[1].threads).toBe(1);
    expect(active[2].threads).toBe(2);
    expect(active[2].detail).toMatch(/large ones on 2 threads$/);
    expect(active[2].tfjsBackend).toBe('topickd-wasm-t2');
  });

  it('every transpose combination, outputs split by columns and by rows, edges off the register blocks: 2 and 3 threads give one thread\'s bits', () => {
    const r = new Random(7);
    // [M, K, N]: wide (split by columns) and tall (by rows) outputs, sizes off the 8/4/2 blocks
    const shapes: Array<[number, number, number]> = [
      [64, 512, 600],
      [700, 96, 130],
      [61, 509, 1003],
      [997, 131, 67],
      [130, 300, 129],
    ];
    for (const [M, K, N] of shapes)
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const a = tf.tensor(r.uniformArray(M * K, -1, 1), ta ? [K, M] : [M, K]);
          const b = tf.tensor(r.uniformArray(K * N, -1, 1), tb ? [N, K] : [K, N]);
          const one = product(1, a, b, ta, tb);
          expect(one.pooled).toBe(0);
          for (const threads of [2, 3]) {
            const many = product(threads, a, b, ta, tb);
            expect(many.pooled, `${M}×${K}×${N} ${ta} ${tb} on the pool`).toBe(1);
            expect(firstDifference(many.values, one.values), `${M}×${K}×${N} transposeA ${ta} transposeB ${tb}, ${threads} threads`).toBe(-1);
          }
          a.dispose();
          b.dispose();
        }
  });

  it('small and batched products stay on the calling thread', () => {
    const a = tf.ones([8, 16]);
    const b = tf.ones([16, 8]);
    expect(2 * 8 * 8 * 16).toBeLessThan(POOL_MIN_FLOPS);
    expect(product(2, a, b, false, false).pooled).toBe(0);
    const a3 = tf.ones([3, 64, 512]);
    const b3 = tf.ones([3, 512, 200]);
    const batched = product(2, a3, b3, false, false);
    expect(batched.pooled).toBe(0);
    expect(batched.values[0]).toBe(512);
    tf.dispose([a, b, a3, b3]);
  });

  it('1,000 back-to-back products of changing sizes on 2 threads are right (no part lost to the next job), then an idle pool uses no CPU', async () => {
    const r = new Random(3);
    // small outputs (reading a large output back dominates otherwise), split by columns and by rows
    const sizes: Array<[number, number, number]> = [[64, 4000, 64], [130, 1024, 64], [32, 8192, 40], [100, 700, 90]];
    const ops = sizes.map(([M, K, N]) => {
      const a = tf.tensor(r.uniformArray(M * K, -1, 1), [M, K]);
      const b = tf.tensor(r.uniformArray(K * N, -1, 1), [K, N]);
      return { a, b, want: product(1, a, b, false, false).values };
    });
    tf.setBackend(active[2].tfjsBackend);
    const before = gemmPoolStats.products;
    let wrong = 0;
    for (let i = 0; i < 1000; i++) {
      const op = ops[(i * 7) % ops.length];
      const got = tf.tidy(() => tf.matMul(op.a, op.b).dataSync() as Float32Array);
      if (firstDifference(got, op.want) !== -1) wrong++;
    }
    tf.setBackend('topickd-wasm');
    expect(gemmPoolStats.products - before).toBe(1000);
    expect(wrong).toBe(0);
    // the workers sleep in Atomics.wait between jobs: half a second idle costs (next to) no
    // CPU time; one spinning worker would use ~0.5 s
    const t0 = process.cpuUsage();
    await new Promise((res) => setTimeout(res, 500));
    const used = process.cpuUsage(t0);
    expect((used.user + used.system) / 1000).toBeLessThan(100);
    for (const op of ops) tf.dispose([op.a, op.b]);
  });

  it('20 training steps on 2 threads give one thread\'s losses and weights, bit for bit', async () => {
    const V = 2000, E = 512, K = 50, B = 64, N = 256;
    const rng = new Random(11);
    const bow = new CsrBuilder(V);
    for (let d = 0; d < N; d++) {
      const counts = new Map<number, number>();
      for (let j = 0; j < 40; j++) {
        const w = Math.floor(rng.next() * V);
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      bow.addRow(counts);
    }
    const inputs = { bow: bow.build(), embeddings: { rows: N, cols: E, data: rng.uniformArray(N * E, -0.05, 0.05) } };
    const run = (threads: number) => {
      tf.setBackend(active[threads].tfjsBackend);
      const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
      const vars = model.trainableVariables();
      const opt = new AdamOptimizer(vars, { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 }, active[threads].kernels);
      const r = new Random(12);
      const before = gemmPoolStats.products;
      const losses: number[] = [];
      for (let s = 0; s < 20; s++) losses.push(trainStep(model, opt, inputs, Int32Array.from({ length: B }, (_, i) => (s * B + i) % N), 0, r, vaeStepLoss, 'manual', active[threads].kernels));
      const weights = vars.map((v) => v.dataSync().slice() as Float32Array);
      const pooled = gemmPoolStats.products - before;
      model.dispose();
      opt.dispose();
      tf.setBackend('topickd-wasm');
      return { losses, weights, pooled };
    };
    const one = run(1);
    const two = run(2);
    expect(one.pooled).toBe(0);
    // the adapt layer's forward and weight gradient, the first hidden layer's: ≥ 4 per step
    expect(two.pooled).toBeGreaterThanOrEqual(80);
    expect(two.losses).toEqual(one.losses);
    two.weights.forEach((w, i) => expect(firstDifference(w, one.weights[i]), `variable ${i}`).toBe(-1));
  });

  it('a part that traps (reads outside the memory) makes the product fall back to the caller: no wait forever, the pool retired', async () => {
    const pool = GemmPool.create(2, false)!;
    expect(pool).not.toBeNull();
    const heap = new Uint8Array(64 * 64 * 4 * 3);
    // lda of 2^26 floats: rows of A far past the end of the pool's memory
    expect(pool.run(0, heap, 0, 64 * 64 * 4, 1 << 26, 0, 64 * 64 * 4, 64, 64 * 64 * 8, 64, 64, 64, 64)).toBe(false);
    // retired: later products go to the caller as well
    expect(pool.run(0, heap, 0, 64 * 64 * 4, 64, 0, 64 * 64 * 4, 64, 64 * 64 * 8, 64, 64, 64, 64)).toBe(false);
    await pool.close();
  });

  it('a process with a pool ends by itself when its work is done', async () => {
    const index = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      const { tf } = await import('@topickd/core');
      const { WasmBackend, gemmPoolStats } = await import(${JSON.stringify(index)});
      await new WasmBackend({ threads: 2 }).activate();
      const y = tf.matMul(tf.ones([64, 512]), tf.ones([512, 2000]));
      console.log(JSON.stringify({ pooled: gemmPoolStats.products, value: y.dataSync()[0] }));`;
    const t0 = Date.now();
    const r = await runProcess(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 30_000, cwd: fileURLToPath(new URL('..', import.meta.url)) });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ pooled: 1, value: 512 });
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
