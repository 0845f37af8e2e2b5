import { tf, BackendUnavailableError, type Backend, type BackendInfo } from '@topickd/core';

/** The npm package that provides native TensorFlow for tfjs. */
export const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

export const TFJS_NODE_INSTALL_HINT =
  `install it with \`pnpm add ${TFJS_NODE_PACKAGE}@4.22.0\` (or npm i) on a machine whose install step can download libtensorflow, ` +
  'or choose --backend wasm, or set `fallback: "wasm"` in the config to continue on wasm when it is missing';

type Importer = (specifier: string) => Promise<unknown>;

/** Imports a module by a computed name, so bundlers leave the optional dependency alone. */
const dynamicImport: Importer = (specifier) => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

/**
 * Native TensorFlow through @tensorflow/tfjs-node (libtensorflow, multi-threaded C++
 * kernels). It is an optional peer dependency, imported lazily on first use: nothing
 * on the default path needs it. Where it is missing (it cannot install without
 * network access to TensorFlow's binaries), `activate` throws a
 * BackendUnavailableError that says how to install it or fall back.
 */
export class NodeBackend implements Backend {
  readonly name = 'node';
  readonly priority = 3;
  readonly description = 'native TensorFlow via @tensorflow/tfjs-node (optional peer dependency, loaded lazily)';
  private loaded: Promise<{ version?: string }> | undefined;

  constructor(private readonly importer: Importer = dynamicImport) {}

  private load(): Promise<{ version?: string }> {
    this.loaded ??= (async () => {
      if (typeof process === 'undefined' || !process.versions?.node) {
        throw new BackendUnavailableError('node', 'the node backend runs only in Node.js; use wasm in a browser');
      }
      let mod: { version?: { 'tfjs-node'?: string } };
      try {
        mod = (await this.importer(TFJS_NODE_PACKAGE)) as typeof mod;
      } catch (e) {
        const msg = String((e as Error).message);
        const notFound = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not resolve|Failed to resolve/.test(msg);
        const reason = notFound
          ? `${TFJS_NODE_PACKAGE} is not installed`
          : `${TFJS_NODE_PACKAGE} failed to load (${(e as Error).message.split('\n')[0]})`;
        throw new BackendUnavailableError('node', `backend "node" is unavailable: ${reason}; ${TFJS_NODE_INSTALL_HINT}`, e);
      }
      if (tf.findBackendFactory('tensorflow') == null) {
        throw new BackendUnavailableError('node', `${TFJS_NODE_PACKAGE} loaded but registered no "tensorflow" backend with this tfjs-core; install ${TFJS_NODE_PACKAGE} at the version of @tensorflow/tfjs-core (4.22.0)`);
      }
      return { version: mod.version?.['tfjs-node'] };
    })();
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  async probe(): Promise<{ available: boolean; reason?: string }> {
    try {
      await this.load();
      return { available: true };
    } catch (e) {
      return { available: false, reason: (e as Error).message };
    }
  }

  async activate(): Promise<BackendInfo> {
    const { version } = await this.load();
    const ok = await tf.setBackend('tensorflow');
    if (!ok) throw new BackendUnavailableError('node', `${TFJS_NODE_PACKAGE} is installed but its backend failed to initialise; ${TFJS_NODE_INSTALL_HINT}`);
    await tf.ready();
    return { name: this.name, tfjsBackend: tf.getBackend(), canTrain: true, detail: `tfjs-node ${version ?? ''}`.trim() };
  }
}
