import { describe, it, expect } from 'vitest';
import { BackendUnavailableError, createContainer, registryOf } from '@topickd/core';
import wasm from '@topickd/backend-wasm';
import webgpu, { WebGpuBackend } from '@topickd/backend-webgpu';

describe('the WebGPU backend where there is no WebGPU (Node)', () => {
  it('probes as unavailable, saying why, and its activation throws a BackendUnavailableError', async () => {
    const b = new WebGpuBackend();
    expect(b.priority).toBe(0);
    const probe = await b.probe();
    expect(probe.available).toBe(false);
    expect(probe.reason).toMatch(/no WebGPU \(navigator\.gpu\).*wasm backend/);
    const e = await b.activate().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect((e as BackendUnavailableError).backend).toBe('webgpu');
  });

  it('is never picked by default, and a config asking for it falls back to wasm with a warning', async () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => void warnings.push(m), info: () => undefined };
    const byDefault = registryOf(await createContainer({}, { modules: [webgpu, wasm], logger }));
    expect((await byDefault.activateBackend()).name).toBe('wasm');
    const asked = registryOf(await createContainer({ backend: 'webgpu', fallback: 'wasm' }, { modules: [webgpu, wasm], logger }));
    expect((await asked.activateBackend()).name).toBe('wasm');
    expect(warnings.join('\n')).toMatch(/backend "webgpu" is unavailable \(this runtime has no WebGPU.*falling back to "wasm"/);
  });
});
