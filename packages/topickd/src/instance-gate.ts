import { AsyncLocalStorage } from 'node:async_hooks';
import { currentTfjsBackend, switchTfjsBackend } from '@topickd/core';
import type { Runtime } from './app/run/pipeline.js';

/**
 * Isolation of `createTopicKD` instances in one process. tfjs has one current backend per
 * process, and a backend's activation sets process-wide state (the current tfjs backend, the
 * OpenBLAS engine's threads, the wasm kernel set), so every operation of an instance runs
 *  - asynchronous ones (fit, distill, transform, save, load, evaluate, experiment, tune):
 *    one at a time in the process, its instance's backend re-activated on entry when another
 *    instance ran since; an operation called from inside another of the same chain (tune
 *    saving its teacher) runs at once, in the holder's turn;
 *  - synchronous ones (topics): on its instance's tfjs backend, switched to and back, so an
 *    operation in flight keeps its backend across the call.
 * Results are then exactly those of the instance alone in the process.
 */
class InstanceGate {
  /** The runtime whose backend was made current last. */
  private owner: Runtime | undefined;
  private tail: Promise<void> = Promise.resolve();
  private readonly holding = new AsyncLocalStorage<true>();

  /** Runs `fn` in its turn, on `rt`'s backend (`rt` undefined: `fn` creates and activates one). */
  async run<T>(rt: Runtime | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.holding.getStore()) return this.enterAndRun(rt, fn);
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    try {
      return await this.holding.run(true, () => this.enterAndRun(rt, fn));
    } finally {
      release();
    }
  }

  /**
   * Runs synchronous `fn` on `rt`'s tfjs backend, then makes current again the tfjs backend
   * that was (an operation in flight, even one between the steps of its activation, finds
   * its backend as it left it).
   */
  sync<T>(rt: Runtime, fn: () => T): T {
    const before = currentTfjsBackend();
    if (before === rt.backend.tfjsBackend) return fn();
    switchTfjsBackend(rt.backend);
    try {
      return fn();
    } finally {
      switchTfjsBackend({ name: before, tfjsBackend: before });
    }
  }

  /** The runtime just activated by createRuntime is current. */
  adopt(rt: Runtime): void {
    this.owner = rt;
  }

  private async enterAndRun<T>(rt: Runtime | undefined, fn: () => Promise<T>): Promise<T> {
    if (rt && (this.owner !== rt || currentTfjsBackend() !== rt.backend.tfjsBackend)) {
      // a full activation (not only tfjs's switch): the backend's own process-wide settings too
      await rt.registry.activateBackend(rt.backend.name, rt.backend.name);
      this.owner = rt;
    }
    return fn();
  }
}

/** One per process: instances of every copy of this module share tfjs, so they share the gate through a global. */
const KEY = Symbol.for('topickd.instanceGate');
const holder = globalThis as unknown as Record<symbol, InstanceGate | undefined>;
export const instanceGate: InstanceGate = (holder[KEY] ??= new InstanceGate());
