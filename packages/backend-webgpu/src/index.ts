import { tf, Backend, BackendUnavailableError, ContainerModule, PORTABLE_KERNELS, type ActiveBackend } from '@topickd/core/plugin';

/** What a GPU adapter says about itself (WebGPU's GPUAdapterInfo). */
interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: object): Promise<{ info?: AdapterInfo; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<AdapterInfo> } | null>;
}

const gpuOf = (): GpuLike | undefined => (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;

/**
 * TensorFlow.js's WebGPU backend (@tensorflow/tfjs-backend-webgpu 4.22.0) as a TopicKD backend:
 * for browsers with WebGPU (Chrome ≥ 113, Edge, Safari 18 behind a flag; headless Chromium with
 * `--enable-unsafe-webgpu`, on software rendering where no GPU is there). Its tensors live on the
 * GPU; it brings no TopicKD kernels of its own (the portable kernel set: tfjs's ops, TopicKD's
 * hand-written backward pass, Adam in JavaScript). Training reads each step's loss synchronously,
 * which tfjs does on WebGPU by drawing into a canvas; on a software adapter (Chromium's
 * SwiftShader) that fails, so there activation reports `canTrain: false`.
 * Priority 0: it runs only when asked for by name (`backend: 'webgpu'`), never by default.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu';
  readonly priority = 0;
  readonly description = 'TensorFlow.js WebGPU backend (browsers with WebGPU; tensors on the GPU)';

  private active: ActiveBackend | undefined;

  async probe(): Promise<{ available: boolean; reason?: string }> {
    if (this.active) return { available: true };
    const gpu = gpuOf();
    if (!gpu) return { available: false, reason: NO_WEBGPU };
    try {
      if (!(await gpu.requestAdapter())) return { available: false, reason: NO_ADAPTER };
    } catch (e) {
      return { available: false, reason: `WebGPU's adapter request failed (${(e as Error).message}): use the wasm backend` };
    }
    return { available: true };
  }

  async activate(): Promise<ActiveBackend> {
    // once activated, only switch back to it: a second adapter request may be refused
    if (this.active) {
      if (!(await tf.setBackend('webgpu'))) throw new BackendUnavailableError('webgpu', 'tf.setBackend("webgpu") returned false after an earlier activation (the GPU device was lost?)');
      await tf.ready();
      return this.active;
    }
    const gpu = gpuOf();
    if (!gpu) throw new BackendUnavailableError('webgpu', NO_WEBGPU);
    const adapter = await gpu.requestAdapter().catch(() => null);
    if (!adapter) throw new BackendUnavailableError('webgpu', NO_ADAPTER);
    const info: AdapterInfo = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
    // registers tfjs's 'webgpu' backend (a side effect of the package's entry)
    await import('@tensorflow/tfjs-backend-webgpu');
    try {
      if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") returned false');
      await tf.ready();
    } catch (e) {
      throw new BackendUnavailableError('webgpu', `the WebGPU backend failed to initialise: ${(e as Error).message}; use the wasm backend`, e);
    }
    const named = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed';
    // Chromium's software adapter: tfjs's synchronous read (drawing the buffer into a WebGPU
    // canvas) returned zeros there and then lost the device (measured in headless Chromium 156),
    // so it is not even tried; hardware adapters read synchronously (tfjs's own tests)
    const software = Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) || /swiftshader/i.test(named);
    this.active = {
      name: this.name,
      tfjsBackend: tf.getBackend(),
      threads: 1,
      // each training step reads its loss synchronously
      canTrain: !software,
      detail: `WebGPU adapter: ${named}${!software ? '' : '; a software adapter, whose synchronous reads from the GPU fail, so it cannot train here (asynchronous reads only)'}`,
      kernels: PORTABLE_KERNELS,
    };
    return this.active;
  }
}

const NO_WEBGPU = 'this runtime has no WebGPU (navigator.gpu): use a browser with WebGPU (Chrome ≥ 113; headless Chromium with --enable-unsafe-webgpu), or the wasm backend';
const NO_ADAPTER = 'WebGPU gave no adapter on this machine (navigator.gpu.requestAdapter() returned null): use the wasm backend';

/** A ContainerModule binding the WebGPU backend (add it to `createContainer`'s modules in a browser app). */
export function webGpuBackendModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Backend).toConstantValue(new WebGpuBackend());
  });
}

export default webGpuBackendModule();
