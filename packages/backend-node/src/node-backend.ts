import { tf, ConfigError, type ActiveBackend, type Backend } from '@topickd/core/plugin';
import { nodeUnavailable } from './errors.js';
import { WasmBackend, type WasmBackendOptions } from '@topickd/backend-wasm';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { loadOpenBlasAddon, type AddonLoad } from './openblas/addon.js';
import { OPENBLAS_TFJS_BACKEND, PINNED_TFJS_WASM_VERSION, registerOpenBlasEngine } from './openblas/engine.js';

/** The npm package that provides native TensorFlow for tfjs. */
export const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

export const TFJS_NODE_INSTALL_HINT =
  `install it with \`pnpm add ${TFJS_NODE_PACKAGE}@4.22.0\` (or npm i) on a machine whose install step can download libtensorflow, ` +
  'or install a C++ compiler and libopenblas-dev and reinstall @topickd/backend-node to build its OpenBLAS engine, ' +
  'or choose --backend wasm, or set `fallback: "wasm"` in the config to continue on wasm when it is missing';

/** The native engine behind the `node` backend. */
export type NodeEngine = 'tfjs-node' | 'openblas';

type Importer = (specifier: string) => Promise<unknown>;

/** Imports a module by a computed name, so bundlers leave the optional dependency alone. */
const dynamicImport: Importer = (specifier) => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

export interface NodeBackendOptions {
  /** Engines to try, in order (default: tfjs-node, then openblas). */
  engines?: NodeEngine[];
  /**
   * Threads of the OpenBLAS engine (default 1): products and the Adam update are split over
   * them, idle threads sleep (no busy-wait). `--threads` passes its count here for training.
   * OpenBLAS's own threads stay at 1 (they busy-wait) unless OPENBLAS_NUM_THREADS is set.
   */
  threads?: number;
  /** Options of the wasm backend the OpenBLAS engine runs its tensors on (the config's `backendOptions.wasm`). */
  wasm?: WasmBackendOptions;
  /** Loads the OpenBLAS addon (tests replace it to simulate a machine without it). */
  loadAddon?: () => AddonLoad;
}

interface Resolved {
  engine: NodeEngine;
  version?: string;
  addon?: Extract<AddonLoad, { addon: object }>['addon'];
}

/**
 * The `node` backend: native code for Node.js, never on the default path.
 *  1. `tfjs-node` — TensorFlow's C++ kernels through @tensorflow/tfjs-node, an optional
 *     peer dependency imported lazily (it cannot install without network access to
 *     TensorFlow's binaries);
 *  2. `openblas` — the OpenBLAS engine: the wasm backend's tensors, with matrix products
 *     and the Adam update computed by a native addon on the wasm heap (built at install
 *     where a C++ compiler and libopenblas-dev exist).
 * Where neither loads, `activate` throws a BackendUnavailableError that says how to get
 * one or fall back.
 */
export class NodeBackend implements Backend {
  readonly name = 'node';
  readonly priority = 3;
  readonly description = 'native code: @tensorflow/tfjs-node when installed, else the OpenBLAS engine (wasm tensors + native sgemm)';
  private loaded: Promise<Resolved> | undefined;
  private readonly options: NodeBackendOptions;

  constructor(
    private readonly importer: Importer = dynamicImport,
    options: NodeBackendOptions = {},
  ) {
    this.options = options;
  }

  private async tryTfjsNode(): Promise<Resolved | string> {
    let mod: { version?: { 'tfjs-node'?: string } };
    try {
      mod = (await this.importer(TFJS_NODE_PACKAGE)) as typeof mod;
    } catch (e) {
      const msg = String((e as Error).message);
      const notFound = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not resolve|Failed to resolve/.test(msg);
      return notFound ? `${TFJS_NODE_PACKAGE} is not installed` : `${TFJS_NODE_PACKAGE} failed to load (${msg.split('\n')[0]})`;
    }
    if (tf.findBackendFactory('tensorflow') == null) {
      return `${TFJS_NODE_PACKAGE} loaded but registered no "tensorflow" backend with this tfjs-core; install ${TFJS_NODE_PACKAGE} at the version of @tensorflow/tfjs-core (4.22.0)`;
    }
    return { engine: 'tfjs-node', version: mod.version?.['tfjs-node'] };
  }

  private async tryOpenBlas(): Promise<Resolved | string> {
    const wasmVersion: string = version_wasm;
    const loaded = (this.options.loadAddon ?? loadOpenBlasAddon)();
    if (!loaded.addon) return loaded.reason;
    if (wasmVersion !== PINNED_TFJS_WASM_VERSION) {
      return `the OpenBLAS engine reads internals of @tensorflow/tfjs-backend-wasm ${PINNED_TFJS_WASM_VERSION}, and ${wasmVersion} is installed`;
    }
    return { engine: 'openblas', addon: loaded.addon };
  }

  private load(): Promise<Resolved> {
    this.loaded ??= (async () => {
      if (typeof process === 'undefined' || !process.versions?.node) {
        throw nodeUnavailable('the node backend runs only in Node.js; use wasm in a browser');
      }
      const reasons: string[] = [];
      for (const engine of this.options.engines ?? ['tfjs-node', 'openblas']) {
        const r = engine === 'tfjs-node' ? await this.tryTfjsNode() : await this.tryOpenBlas();
        if (typeof r !== 'string') return r;
        reasons.push(r);
      }
      throw nodeUnavailable(`backend "node" is unavailable: ${reasons.join('; and ')}; ${TFJS_NODE_INSTALL_HINT}`);
    })();
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  /** Which engine `activate` would use, or null and why (for `topickd info`). */
  async engine(): Promise<{ engine: NodeEngine | null; reason?: string }> {
    try {
      return { engine: (await this.load()).engine };
    } catch (e) {
      return { engine: null, reason: (e as Error).message };
    }
  }

  async probe(): Promise<{ available: boolean; reason?: string }> {
    const e = await this.engine();
    return e.engine ? { available: true } : { available: false, reason: e.reason };
  }

  async activate(): Promise<ActiveBackend> {
    const r = await this.load();
    if (r.engine === 'tfjs-node') {
      const ok = await tf.setBackend('tensorflow');
      if (!ok) throw nodeUnavailable(`${TFJS_NODE_PACKAGE} is installed but its backend failed to initialise; ${TFJS_NODE_INSTALL_HINT}`);
      await tf.ready();
      // TensorFlow's own kernels: transposed products are native; tensors live in TensorFlow's memory
      return { name: this.name, tfjsBackend: tf.getBackend(), canTrain: true, workerThreads: false, numerics: 'tfjs-node', detail: `tfjs-node ${r.version ?? ''}`.trim(), kernels: { fastTransposedMatMul: true } };
    }
    const addon = r.addon!;
    // OpenBLAS's own threads busy-wait: one, unless the user's OPENBLAS_NUM_THREADS says otherwise;
    // `threads` are the engine's own (sleeping when idle)
    addon.setThreads(Number(process.env.OPENBLAS_NUM_THREADS) || 1);
    const asked = this.options.threads ?? 1;
    if (asked > 1 && !addon.setPoolThreads) throw nodeUnavailable(`the OpenBLAS engine was built before it had threads; rebuild it (\`node scripts/build-native.mjs\` in @topickd/backend-node) or use one thread`);
    const threads = addon.setPoolThreads ? addon.setPoolThreads(asked) : 1;
    const wasm = await new WasmBackend(this.options.wasm).activate();
    const kernels = registerOpenBlasEngine(addon, wasm.tfjsBackend);
    const ok = await tf.setBackend(OPENBLAS_TFJS_BACKEND);
    if (!ok) throw nodeUnavailable('the OpenBLAS engine failed to initialise on the wasm backend; choose --backend wasm');
    await tf.ready();
    const config = addon.config().trim();
    // numerics name the thread count: the engine cuts a product into one part per block of
    // columns (or rows) when it has threads, and OpenBLAS picks its kernel by a part's size,
    // so the last bits differ between thread counts (2.4e-7 on the sentence encoder)
    // and the kernel family (OPENBLAS_CORETYPE, pinned when the addon loads): each rounds its sums its own way
    const core = process.env.OPENBLAS_CORETYPE?.toLowerCase();
    const numerics = `openblas${core ? `-${core}` : ''}${threads > 1 ? `-t${threads}` : ''}+${wasm.numerics ?? wasm.tfjsBackend}`;
    const stableBatch = { rows: Math.max(4, wasm.stableBatch?.rows ?? 4), tokens: Math.max(256, wasm.stableBatch?.tokens ?? 256) };
    return { name: this.name, tfjsBackend: tf.getBackend(), simd: wasm.simd, threads, canTrain: true, workerThreads: false, numerics, stableBatch, detail: `OpenBLAS engine (${config}${core ? `, ${core} kernels` : ''}; ${threads} thread${threads === 1 ? '' : 's'})`, kernels };
  }
}

/** Checks the `node` backend's options from a config file (`backendOptions.node`), naming a wrong key. */
export function validateNodeBackendOptions(o: Record<string, unknown>, where = 'backendOptions.node'): Omit<NodeBackendOptions, 'loadAddon' | 'wasm'> {
  for (const [k, v] of Object.entries(o)) {
    if (k === 'threads') {
      if (!(Number.isInteger(v) && (v as number) > 0)) throw new ConfigError(`option "${where}.threads" must be a positive integer, got ${JSON.stringify(v)}`, `${where}.threads`);
    } else if (k === 'engines') {
      if (!Array.isArray(v) || v.length === 0 || v.some((e) => e !== 'tfjs-node' && e !== 'openblas')) {
        throw new ConfigError(`option "${where}.engines" must be a non-empty list of "tfjs-node" and "openblas", got ${JSON.stringify(v)}`, `${where}.engines`);
      }
    } else throw new ConfigError(`unknown option "${where}.${k}"; the node backend's options are threads, engines (its wasm tensors take backendOptions.wasm)`, `${where}.${k}`);
  }
  return o as Omit<NodeBackendOptions, 'loadAddon' | 'wasm'>;
}
