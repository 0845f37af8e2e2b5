import { describe, it, expect } from 'vitest';
import { runBackendConformance } from '@topickd/core/testing';
import { WasmBackend } from '@topickd/backend-wasm';

runBackendConformance({ describe, it, expect } as never, new WasmBackend());

describe('wasm backend', () => {
  it('reports SIMD in Node', async () => {
    const info = await new WasmBackend().activate();
    expect(info.tfjsBackend).toBe('topickd-wasm'); // TopicKD's kernel set on tfjs's wasm backend
    expect(info.simd).toBe(true);
  });
});
