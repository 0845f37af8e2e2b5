import { describe, it, expect } from 'vitest';
import { runBackendConformance } from '@topickd/core/testing';
import { createContainer, registryOf, BackendUnavailableError, tf } from '@topickd/core';
import { NodeBackend, nodeBackendModule } from '@topickd/backend-node';
import wasmModule from '@topickd/backend-wasm';

const probe = await new NodeBackend().probe();

// The conformance suite runs where @tensorflow/tfjs-node imports; elsewhere it is reported as skipped, with the reason.
runBackendConformance({ describe, it, expect } as never, new NodeBackend(), probe.available ? {} : { skipReason: probe.reason?.split(';')[0] ?? 'unavailable' });

describe('node backend without tfjs-node', () => {
  it.skipIf(probe.available)('activate throws BackendUnavailableError with an install hint', async () => {
    const err = await new NodeBackend().activate().catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err.message).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(err.message).toMatch(/pnpm add @tensorflow\/tfjs-node/);
    expect(err.message).toMatch(/fallback/);
  });

  it('a failing import is reported with the reason', async () => {
    const backend = new NodeBackend(async () => {
      throw new Error('libtensorflow.so.2: cannot open shared object file');
    });
    const err = await backend.activate().catch((e) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err.message).toMatch(/failed to load \(libtensorflow\.so\.2/);
  });

  it.skipIf(probe.available)('with fallback: "wasm" the pipeline continues on wasm and logs a warning', async () => {
    const warnings: string[] = [];
    const c = await createContainer({ backend: 'node', fallback: 'wasm' }, { modules: [nodeBackendModule, wasmModule], logger: { warn: (m) => warnings.push(m) } });
    const info = await registryOf(c).activateBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(warnings.join('\n')).toMatch(/backend "node" is unavailable.*falling back to "wasm"/);
  });

  it.skipIf(probe.available)('without fallback the error propagates', async () => {
    const c = await createContainer({ backend: 'node' }, { modules: [nodeBackendModule, wasmModule], logger: { warn: () => undefined } });
    await expect(registryOf(c).activateBackend()).rejects.toBeInstanceOf(BackendUnavailableError);
  });
});
