import { ConfigError, TopicKDError, type ErrorCode, type Float32Matrix } from '@topickd/core';
import type { BrowserTopicKDConfig, WorkerReply, WorkerRequest } from './protocol.js';

/** The part of a `Worker` the pool needs (a browser's `Worker`, or anything with its shape). */
export interface WorkerLike {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: WorkerReply }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
  terminate(): void;
}

/** How `load` starts Web Workers: how many, and a function that starts one running `serveTopicKDWorker()`. */
export interface BrowserWorkersOption {
  count: number;
  create: () => WorkerLike;
}

/** A request without its id (the pool numbers them). */
type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

type Pending = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };

/** One worker and its requests in flight. */
class PooledWorker {
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(readonly worker: WorkerLike) {
    worker.addEventListener('message', (event) => {
      const reply = event.data;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.op === 'error') p.reject(new TopicKDError(reply.code as ErrorCode, `in a Web Worker: ${reply.message}`));
      else p.resolve(reply);
    });
    worker.addEventListener('error', (event) => {
      // a worker script that fails to load or throws at the top level: every request fails
      const e = new TopicKDError('WORKER_FAILED', `a Web Worker failed${event.message ? `: ${event.message}` : ''}; check that its script calls serveTopicKDWorker() and is served as a module`);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  request(msg: Request, transfer: Transferable[] = []): Promise<WorkerReply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id } as WorkerRequest, transfer);
    });
  }
}

/** Web Workers that each hold the model and its encoder, for θ of many texts. */
export class BrowserWorkerPool {
  private constructor(private readonly workers: PooledWorker[]) {}

  get size(): number {
    return this.workers.length;
  }

  /** Starts `count` workers and has each load the bundle; rejects (and stops them) if one cannot. */
  static async start(option: BrowserWorkersOption, bundleUrl: string, config: BrowserTopicKDConfig): Promise<BrowserWorkerPool> {
    if (!Number.isInteger(option.count) || option.count < 1) throw new ConfigError(`workers.count must be a whole number ≥ 1 (got ${option.count})`, 'workers.count');
    if (typeof option.create !== 'function') throw new ConfigError('workers.create must be a function that starts a Web Worker running serveTopicKDWorker()', 'workers.create');
    const workers = Array.from({ length: option.count }, () => new PooledWorker(option.create()));
    try {
      await Promise.all(workers.map((w) => w.request({ op: 'load', bundleUrl, config })));
      return new BrowserWorkerPool(workers);
    } catch (e) {
      for (const w of workers) w.worker.terminate();
      throw e;
    }
  }

  /** θ of `texts` (rows `offset`… of the whole input) in worker `i`. */
  async theta(i: number, texts: string[], options: { samples: number; seed: number; offset: number }): Promise<Float32Matrix> {
    const r = await this.workers[i].request({ op: 'theta', texts, ...options });
    if (r.op !== 'theta') throw new TopicKDError('WORKER_FAILED', `a Web Worker answered "${r.op}" to a θ request`);
    return { rows: r.rows, cols: r.cols, data: r.data };
  }

  terminate(): void {
    for (const w of this.workers) w.worker.terminate();
  }
}
