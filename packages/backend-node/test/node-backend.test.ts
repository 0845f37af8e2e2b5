import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBackendConformance, maxAbsDiff, adamReference } from '@topickd/core/testing';
import { createContainer, registryOf, BackendUnavailableError, tf, inferTheta, ContextualTopicModel, resolveModelConfig, Random, AdamOptimizer, CsrBuilder, trainStep, vaeStepLoss, ContainerModule, Backend, type BackendKernels } from '@topickd/core/plugin';
import { NodeBackend, loadOpenBlasAddon, openBlasStats, addonPath, pinnedOpenBlasCore } from '@topickd/backend-node';
import wasmModule, { WasmBackend } from '@topickd/backend-wasm';
import { runNode } from '../../../test-support/child-process.js';

const probe = await new NodeBackend().probe();
const engine = (await new NodeBackend().engine()).engine;
const noAddon = () => ({ addon: null, reason: 'the OpenBLAS engine is not built (test)' }) as const;
const withoutEngines = () => new NodeBackend(undefined, { loadAddon: noAddon });
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

// The conformance suite runs on whichever engine loads here (tfjs-node, or the OpenBLAS engine);
// where none does it is reported as skipped, with the reason.
runBackendConformance({ describe, it, expect } as never, new NodeBackend(), probe.available ? {} : { skipReason: probe.reason?.split(';')[0] ?? 'unavailable' });

describe('node backend without tfjs-node and without the OpenBLAS engine', () => {
  it('activate throws BackendUnavailableError naming both and how to get either', async () => {
    const err = await new NodeBackend(async () => {
      throw Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
    }, { loadAddon: noAddon }).activate().catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err.message).toMatch(/@tensorflow\/tfjs-node is not installed; and the OpenBLAS engine is not built/);
    expect(err.message).toMatch(/pnpm add @tensorflow\/tfjs-node/);
    expect(err.message).toMatch(/libopenblas-dev/);
    expect(err.message).toMatch(/fallback/);
  });

  it('a failing import is reported with the reason', async () => {
    const backend = new NodeBackend(async () => {
      throw new Error('libtensorflow.so.2: cannot open shared object file');
    }, { loadAddon: noAddon });
    const err = await backend.activate().catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err.message).toMatch(/failed to load \(libtensorflow\.so\.2/);
    expect(await backend.engine()).toMatchObject({ engine: null });
  });

  it.skipIf(engine === 'tfjs-node')('with fallback: "wasm" the pipeline continues on wasm and logs a warning', async () => {
    const warnings: string[] = [];
    const mod = new ContainerModule(({ bind }) => {
      bind(Backend).toConstantValue(withoutEngines());
    });
    const c = await createContainer({ backend: 'node', fallback: 'wasm' }, { modules: [mod, wasmModule], logger: { warn: (m) => warnings.push(m) } });
    const info = await registryOf(c).activateBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('topickd-wasm');
    expect(warnings.join('\n')).toMatch(/backend "node" is unavailable.*falling back to "wasm"/);
  });

  it.skipIf(engine === 'tfjs-node')('without fallback the error propagates', async () => {
    const mod = new ContainerModule(({ bind }) => {
      bind(Backend).toConstantValue(withoutEngines());
    });
    const c = await createContainer({ backend: 'node' }, { modules: [mod, wasmModule], logger: { warn: () => undefined } });
    await expect(registryOf(c).activateBackend()).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('the install step skips the engine without failing where no compiler or no OpenBLAS headers exist', async () => {
    const script = fileURLToPath(new URL('../scripts/build-native.mjs', import.meta.url));
    const before = existsSync(addonPath()) ? statSync(addonPath()).mtimeMs : null;
    for (const env of [{ TOPICKD_NATIVE_CXX: '/nonexistent/c++' }, { TOPICKD_CBLAS_INCLUDE: '/nonexistent' }]) {
      const r = await runNode(script, [], { cwd: pkgDir, env });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/the OpenBLAS engine was not built \((no C\+\+ compiler|no cblas\.h)/);
    }
    // an engine built earlier is left alone
    expect(existsSync(addonPath()) ? statSync(addonPath()).mtimeMs : null).toBe(before);
  });
});

const addon = loadOpenBlasAddon().addon;

/** N documents of `words` random words from V, and random E-dimensional embeddings. */
function syntheticDocuments(V: number, E: number, N: number, words: number, seed: number) {
  const rng = new Random(seed);
  const b = new CsrBuilder(V);
  for (let i = 0; i < N; i++) {
    const m = new Map<number, number>();
    for (let j = 0; j < words; j++) {
      const w = Math.floor(rng.next() * V);
      m.set(w, (m.get(w) ?? 0) + 1);
    }
    b.addRow(m);
  }
  return { bow: b.build(), embeddings: { rows: N, cols: E, data: rng.uniformArray(N * E, -0.1, 0.1) } };
}

describe.skipIf(!addon)('the OpenBLAS engine', () => {
  it('sgemm: every transpose combination and a broadcast batch against a hand loop', () => {
    const r = new Random(4);
    const M = 5, N = 4, K = 3, batch = 2;
    const A = r.uniformArray(batch * M * K, -1, 1);
    const B = r.uniformArray(K * N, -1, 1);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const C = new Float32Array(batch * M * N);
      addon!.sgemm(ta, tb, M, N, K, A, B, C, batch, M * K, 0, M * N);
      for (let b = 0; b < batch; b++)
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let s = 0;
            for (let k = 0; k < K; k++) s += A[b * M * K + (ta ? k * M + i : i * K + k)] * B[tb ? j * K + k : k * N + j];
            expect(C[b * M * N + i * N + j]).toBeCloseTo(s, 5);
          }
    }
    expect(() => addon!.sgemm(false, false, M, N, K, A, B, new Float32Array(3), 1, 0, 0, M * N)).toThrow(/C is shorter/);
    expect(() => addon!.sgemm(false, false, M, N, K, A, [1, 2] as never, new Float32Array(M * N), 1, 0, 0, M * N)).toThrow(/B must be a Float32Array/);
  });

  it('adam: PyTorch\'s update, against the same formula in float64', () => {
    const r = new Random(5);
    const n = 1001;
    const p = r.uniformArray(n, -1, 1), g = r.uniformArray(n, -1, 1), m = r.uniformArray(n, -0.1, 0.1), v = r.uniformArray(n, 0, 0.1);
    const [p0, m0, v0] = [p.slice(), m.slice(), v.slice()];
    addon!.adam(p, g, m, v, 2e-3, 1.3, 0.99, 0.99, 1e-8);
    const want = adamReference(p0, g, m0, v0, { stepSize: 2e-3, invSqrtBc2: 1.3, beta1: 0.99, beta2: 0.99, eps: 1e-8 });
    // toBeCloseTo(x, 6): |difference| < 5e-7, element by element
    expect(maxAbsDiff(m, want.m)).toBeLessThan(5e-7);
    expect(maxAbsDiff(v, want.v)).toBeLessThan(5e-7);
    expect(maxAbsDiff(p, want.p)).toBeLessThan(5e-7);
  });

  it('threads: every product shape split over 2 threads equals one thread\'s within 1e-5, Adam exactly', () => {
    const r = new Random(8);
    // wide outputs (split by columns: the E→V adapter and its gradients), tall ones (by rows),
    // a batch with a broadcast operand, and a product too small to split
    const cases = [
      { M: 64, N: 2000, K: 512, batch: 1 },
      { M: 512, N: 2000, K: 64, batch: 1 },
      { M: 700, N: 40, K: 300, batch: 1 },
      { M: 48, N: 300, K: 257, batch: 3 },
      { M: 5, N: 4, K: 3, batch: 2 },
    ];
    const products = (threads: number) => {
      expect(addon!.setPoolThreads!(threads)).toBe(threads);
      const out: Float32Array[] = [];
      for (const { M, N, K, batch } of cases) {
        const A = new Random(M + N).uniformArray(batch * M * K, -1, 1);
        const B = new Random(K).uniformArray(K * N, -1, 1);
        for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
          const C = new Float32Array(batch * M * N).fill(Number.NaN);
          addon!.sgemm(ta, tb, M, N, K, A, B, C, batch, M * K, 0, M * N);
          out.push(C);
        }
      }
      return out;
    };
    const one = products(1);
    const two = products(2);
    // within 1e-5 of the products' size: OpenBLAS blocks a narrower product's k loop
    // differently, so sums of 512 terms of size ~1 differ in their last bits (seen: 1.5e-5 on
    // values up to ~30, 2⁻¹⁶ in absolute terms)
    one.forEach((c, i) => {
      expect(c.every(Number.isFinite), `case ${i}`).toBe(true);
      const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      expect(maxAbsDiff(two[i], c) / scale, `case ${i}`).toBeLessThan(1e-5);
    });
    // Adam: 300,000 parameters, element-wise: the same floats in every part
    const n = 300_000;
    const start = [r.uniformArray(n, -1, 1), r.uniformArray(n, -1, 1), r.uniformArray(n, -0.1, 0.1), r.uniformArray(n, 0, 0.1)];
    const adam = (threads: number) => {
      addon!.setPoolThreads!(threads);
      const [p, g, m, v] = start.map((a) => a.slice());
      for (let s = 0; s < 3; s++) addon!.adam(p, g, m, v, 2e-3, 1.3, 0.99, 0.99, 1e-8);
      return [p, m, v];
    };
    const [a1, a2] = [adam(1), adam(2)];
    a2.forEach((x, i) => expect(x).toEqual(a1[i]));
    addon!.setPoolThreads!(1);
  });

  it('threads: idle threads sleep (no busy-wait), and 2,000 back-to-back products of mixed sizes finish with the right results', async () => {
    addon!.setPoolThreads!(2);
    try {
      const A = new Random(9).uniformArray(64 * 512, -1, 1);
      const B = new Random(10).uniformArray(512 * 2000, -1, 1);
      const big = new Float32Array(64 * 2000);
      addon!.sgemm(false, false, 64, 2000, 512, A, B, big, 1, 0, 0, 0 + 64 * 2000);
      const want = big.slice();
      const small = new Float32Array(4 * 4);
      for (let i = 0; i < 2000; i++) {
        if (i % 2) addon!.sgemm(false, false, 64, 2000, 512, A, B, big, 1, 0, 0, 64 * 2000);
        else addon!.sgemm(false, false, 4, 4, 4, A, B, small, 1, 0, 0, 16);
      }
      expect(big).toEqual(want);
      // the pool's thread waits on a condition variable between jobs: half a second idle
      // costs (next to) no CPU time; a spinning thread would use ~0.5 s
      const before = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 500));
      const used = process.cpuUsage(before);
      expect((used.user + used.system) / 1000).toBeLessThan(100);
    } finally {
      addon!.setPoolThreads!(1);
    }
  });

  it('threads: 20 training steps with the engine on 2 threads give one thread\'s losses within 1e-5', async () => {
    const V = 2000, E = 512, K = 50, B = 64, N = 256;
    const inputs = syntheticDocuments(V, E, N, 40, 11);
    const run = async (threads: number) => {
      const active = (await new NodeBackend(undefined, { engines: ['openblas'], threads }).activate()) as { kernels: BackendKernels; threads?: number; detail?: string };
      expect(active.threads).toBe(threads);
      expect(active.detail).toMatch(new RegExp(`; ${threads} threads?\\)$`));
      const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [100, 100] }), 0);
      const vars = model.trainableVariables();
      const opt = new AdamOptimizer(vars, { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 }, active.kernels);
      const r = new Random(12);
      const losses: number[] = [];
      let weights = new Map<string, Float32Array>();
      for (let s = 0; s < 20; s++) {
        losses.push(trainStep(model, opt, inputs, Int32Array.from({ length: B }, (_, i) => (s * B + i) % N), 0, r, vaeStepLoss, 'manual', active.kernels));
        if (s === 4) weights = new Map(vars.map((v) => [v.name.replace(/_\d+$/, ''), v.dataSync().slice() as Float32Array] as const));
      }
      model.dispose();
      opt.dispose();
      return { losses, weights };
    };
    const one = await run(1);
    const two = await run(2);
    try {
      two.losses.forEach((l, i) => expect(Math.abs(l - one.losses[i]) / Math.abs(one.losses[i])).toBeLessThan(1e-5));
      // weights after 5 steps, as against the wasm backend below (a split product sums its k
      // blocks in another order: float rounding, which Adam's lr·g/(|g| + ε) turns into full
      // steps for the zero-gradient biases under batch norm and the prior mean, and into parts
      // of a step for the few weights whose gradient is near 0): all but a few within 1e-5
      for (const [name, w] of two.weights) {
        if (['mu.bias', 'logvar.bias', 'prior.mean'].includes(name)) continue;
        const o = one.weights.get(name)!;
        let far = 0;
        for (let i = 0; i < w.length; i++) if (Math.abs(w[i] - o[i]) > 1e-5) far++;
        // seen: 5 of adapt.weight's 1,024,000 and 1 of hidden0.weight's 400,000 (at most 1.2e-4)
        expect(far / w.length, name).toBeLessThan(1e-4);
        expect(maxAbsDiff(w, o), name).toBeLessThan(2e-3); // less than one step (the learning rate)
      }
    } finally {
      addon!.setPoolThreads!(1);
    }
  });

  it('matrix products, θ inference and 20 training steps\' losses equal the wasm backend within 1e-5; products run natively', async () => {
    const V = 300, E = 64, K = 10, B = 32, N = 96;
    const inputs = syntheticDocuments(V, E, N, 12, 1);
    const run = async (backend: { activate(): Promise<unknown> }) => {
      const { kernels } = (await backend.activate()) as { kernels: BackendKernels };
      const products = tf.tidy(() => {
        const x = tf.tensor3d(new Random(2).uniformArray(3 * 7 * 5, -1, 1), [3, 7, 5]);
        const w = tf.tensor2d(new Random(3).uniformArray(5 * 6, -1, 1), [5, 6]);
        return [tf.matMul(x, w), tf.matMul(x, x, false, true), tf.matMul(tf.reshape(x, [21, 5]), w, false, false)].map((t) => t.dataSync().slice());
      });
      const model = new ContextualTopicModel(resolveModelConfig({ kind: 'combined', numTopics: K, vocabSize: V, embeddingDim: E, hiddenSizes: [50, 50] }), 0);
      // inference (θ, 20 samples) of the untrained model
      const theta = inferTheta(model, { bow: inputs.bow, embeddings: inputs.embeddings }, { samples: 20, seed: 1 }).data;
      const vars = model.trainableVariables();
      const opt = new AdamOptimizer(vars, { learningRate: 2e-3, beta1: 0.99, beta2: 0.99 }, kernels);
      const r = new Random(7);
      const losses: number[] = [];
      let weights = new Map<string, Float32Array>();
      for (let s = 0; s < 20; s++) {
        losses.push(trainStep(model, opt, inputs, Int32Array.from({ length: B }, (_, i) => (s * B + i) % N), 0, r, vaeStepLoss, 'manual', kernels));
        // weights after 5 steps: Adam divides by √v, so later on float rounding differences grow (as between any two BLAS)
        if (s === 4) weights = new Map(vars.map((v) => [v.name.replace(/_\d+$/, ''), v.dataSync().slice() as Float32Array] as const));
      }
      model.dispose();
      return { products, weights, losses, theta };
    };
    const w = await run(new WasmBackend());
    const before = openBlasStats.native;
    const o = await run(new NodeBackend(undefined, { engines: ['openblas'] }));
    expect(tf.getBackend()).toBe('openblas');
    expect(openBlasStats.native - before).toBeGreaterThan(20 * 10);
    o.products.forEach((p, i) => expect(maxAbsDiff(p, w.products[i])).toBeLessThan(1e-5));
    o.losses.forEach((l, i) => expect(Math.abs(l - w.losses[i]) / Math.abs(w.losses[i])).toBeLessThan(1e-5));
    expect(maxAbsDiff(o.theta, w.theta)).toBeLessThan(1e-5);
    // The biases under batch norm (μ, log σ²) and the prior mean have an exact gradient of
    // zero at the start (batch norm removes shifts; the normalised μ has batch mean 0):
    // each backend computes it as float32 noise, which Adam scales to full-size steps, as
    // PyTorch does. They change no training loss (the losses above agree), though through the
    // running batch-norm statistics they do move inference outputs a little. Every other weight
    // agrees within 1e-4: Adam's first step is lr·g/(|g| + ε), so a gradient near 0 moves its
    // weight by an amount set by its rounding noise (seen: 1.6e-5 on a few embedding weights).
    for (const [name, p] of o.weights) {
      if (['mu.bias', 'logvar.bias', 'prior.mean'].includes(name)) continue;
      expect(maxAbsDiff(p, w.weights.get(name)!), name).toBeLessThan(1e-4);
    }
  });
});

describe('OpenBLAS kernels pinned', () => {
  // the machine image here sets OPENBLAS_CORETYPE=Haswell, whose SGEMM sums rows 6–11 of each tile
  // of 12 differently (bench/openblas-kernels.mjs): a row's bytes depended on its place in a batch
  const flags = process.platform === 'linux' && process.arch === 'x64' && existsSync('/proc/cpuinfo') ? new Set((/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/)) : new Set<string>();
  const family = pinnedOpenBlasCore(flags);
  it('the family follows the CPU: Sandybridge with AVX (with AVX-512 too), none without', () => {
    expect(pinnedOpenBlasCore(new Set(['avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512dq', 'avx512vl']))).toBe('Sandybridge');
    expect(pinnedOpenBlasCore(new Set(['avx', 'avx2', 'fma']))).toBe('Sandybridge');
    expect(pinnedOpenBlasCore(new Set(['sse4_2']))).toBeUndefined();
  });
  it.skipIf(engine !== 'openblas' || !family)('pinned here: a row of a product has the same bytes at any place in the batch and any batch size; the numerics name the family', async () => {
    const active = await new NodeBackend(undefined, { engines: ['openblas'] }).activate();
    expect(process.env.OPENBLAS_CORETYPE).toBe(family);
    expect(active.numerics).toMatch(new RegExp(`^openblas-${family!.toLowerCase()}\\+`));
    const rnd = new Random(3);
    const K = 512;
    const rows = Array.from({ length: 31 }, () => rnd.uniformArray(K, -1, 1));
    const w = tf.tensor2d(rnd.uniformArray(K * 256, -1, 1), [K, 256]);
    const productRow = (order: number[], at: number) => {
      const a = tf.tensor2d(order.map((r) => Array.from(rows[r])), [order.length, K]);
      const c = tf.matMul(a, w);
      const row = c.dataSync().slice(at * 256, (at + 1) * 256);
      a.dispose();
      c.dispose();
      return row;
    };
    const reference = productRow([0], 0);
    for (const [size, at] of [[12, 7], [12, 11], [24, 18], [29, 9], [5, 4], [30, 0], [4, 3]]) {
      const order = Array.from({ length: size }, (_, i) => i + 1);
      order[at] = 0;
      expect(Array.from(productRow(order, at)), `row 0 at place ${at} of ${size}`).toEqual(Array.from(reference));
    }
    w.dispose();
  });
});
