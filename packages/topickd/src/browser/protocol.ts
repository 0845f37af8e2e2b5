// What the page and its Web Workers exchange (types only), and the page's TopicKD config,
// which the page hands each worker.
import type { WasmBackendOptions } from '@topickd/backend-wasm';

export interface BrowserTopicKDConfig {
  /** Where tfjs's `.wasm` files are served (a URL prefix ending in "/", or a map of file → URL). */
  wasmPaths?: WasmBackendOptions['wasmPaths'];
  /** Any other option of the wasm backend. */
  backendOptions?: Omit<WasmBackendOptions, 'wasmPaths'>;
}

/** What the page sends a worker. */
export type WorkerRequest =
  | { op: 'load'; id: number; bundleUrl: string; config: BrowserTopicKDConfig }
  | { op: 'theta'; id: number; texts: string[]; samples: number; seed: number; offset: number };

/** What a worker answers. */
export type WorkerReply =
  | { op: 'loaded'; id: number }
  | { op: 'theta'; id: number; rows: number; cols: number; data: Float32Array }
  | { op: 'error'; id: number; code: string; message: string };
