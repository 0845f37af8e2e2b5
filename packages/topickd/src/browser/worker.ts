// topickd in a Web Worker: the worker side of `load(bundle, { workers })`. A page's worker
// script is two lines —
//
//   import { serveTopicKDWorker } from 'topickd/worker';
//   serveTopicKDWorker();
//
// — and the page hands `load` a function that starts it (`() => new Worker('./worker.js', { type: 'module' })`).
// Each worker runs its own wasm backend, model and sentence encoder, loaded from the same
// bundle; the page sends it a shard of texts (whole 512-document inference batches, seeded as
// that part of the input) and gets θ back as a transferred Float32Array. Workers exchange
// messages only: no SharedArrayBuffer, so no cross-origin isolation headers are needed.
import { TopicKDError } from '@topickd/core';
import { createTopicKD, type BrowserTopicModel } from './index.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

export type { WorkerReply, WorkerRequest } from './protocol.js';

/** The part of a worker's global scope (`self`) this needs. */
export interface WorkerScopeLike {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerRequest }) => void): void;
}

/** Answers the page's requests in this worker (call once, at the top of the worker script). */
export function serveTopicKDWorker(scope: WorkerScopeLike = globalThis as unknown as WorkerScopeLike): void {
  let model: Promise<BrowserTopicModel> | null = null;
  // one request at a time, in order: a shard waits for the load before it
  let queue: Promise<void> = Promise.resolve();
  const handle = async (msg: WorkerRequest): Promise<void> => {
    try {
      if (msg.op === 'load') {
        model ??= createTopicKD(msg.config).then((tkd) => tkd.load(msg.bundleUrl));
        await model;
        scope.postMessage({ op: 'loaded', id: msg.id });
      } else if (msg.op === 'theta') {
        if (!model) throw new TopicKDError('WORKER_FAILED', 'this worker has no model yet: send it a "load" request first');
        const theta = await (await model).thetaShard(msg.texts, { samples: msg.samples, seed: msg.seed, offset: msg.offset });
        scope.postMessage({ op: 'theta', id: msg.id, rows: theta.rows, cols: theta.cols, data: theta.data }, [theta.data.buffer]);
      } else {
        throw new TopicKDError('WORKER_FAILED', `unknown request ${JSON.stringify((msg as { op?: unknown }).op)}`);
      }
    } catch (e) {
      const err = e as { code?: string; message?: string };
      scope.postMessage({ op: 'error', id: (msg as { id?: number }).id ?? -1, code: typeof err.code === 'string' ? err.code : 'WORKER_FAILED', message: err.message ?? String(e) });
    }
  };
  scope.addEventListener('message', (event) => {
    queue = queue.then(() => handle(event.data));
  });
}
