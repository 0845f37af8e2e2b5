import { defineCommand } from '../command.js';
import { createRuntime, runConfigJsonSchema } from 'topickd/app';

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'list registered backends, encoders, losses and the active backend',
  example: 'topickd info --backend wasm --json',
  flags: {
    plugins: { type: 'list', arg: 'MOD,MOD', description: 'third-party plugin modules to load' },
    'config-schema': { type: 'boolean', description: 'print the JSON Schema of topickd.config.yaml/.json (for editors; the same file ships as topickd/topickd.config.schema.json) and exit' },
  },
  async run({ cfg, flags, print, json, logger }) {
    if (flags.configSchema) {
      print(JSON.stringify(runConfigJsonSchema(), null, 2));
      return;
    }
    const rt = await createRuntime(cfg, logger);
    const r = rt.registry;
    // the losses a config names are built here, so an option a loss does not take is refused now,
    // not at the first distillation
    if (cfg.losses) r.weightedLosses(cfg.losses);
    const backends = await Promise.all(
      r.backendNames().map(async (name) => {
        const b = r.backend(name);
        const probe = await b.probe();
        return { name, priority: b.priority, available: probe.available, ...(probe.reason ? { reason: probe.reason } : {}), description: b.description };
      }),
    );
    // a backend with a native engine says which it would run (the node backend: tfjs-node or the OpenBLAS engine)
    const native = r.backendNames().map((name) => r.backend(name)).find((b) => typeof b.engine === 'function');
    const nodeEngine = native?.engine ? await native.engine() : { engine: null, reason: 'no backend with a native engine is registered' };
    const out = {
      backends: backends.map((b) => b.name),
      encoders: r.encoderNames(),
      losses: r.lossNames(),
      models: r.modelNames(),
      activeBackend: rt.backend.name,
      tfjsBackend: rt.backend.tfjsBackend,
      simd: rt.backend.simd,
      ...(rt.backend.detail ? { backendDetail: rt.backend.detail } : {}),
      nodeEngine: nodeEngine.engine,
      ...(nodeEngine.engine === null && nodeEngine.reason ? { nodeEngineReason: nodeEngine.reason } : {}),
      backendDetails: backends,
    };
    if (json) print(JSON.stringify(out, null, 2));
    else {
      print(`active backend: ${out.activeBackend} (tfjs "${out.tfjsBackend}"${out.simd ? ', SIMD' : ''})${rt.backend.detail ? `; ${rt.backend.detail}` : ''}`);
      print('backends:');
      for (const b of backends) print(`  ${b.name.padEnd(12)} ${b.available ? 'available  ' : 'unavailable'} ${b.description}`);
      print(`node engine: ${out.nodeEngine ?? `none (${nodeEngine.reason ?? 'the node backend is not registered'})`}`);
      print(`encoders: ${out.encoders.join(', ')}`);
      print(`losses:   ${out.losses.join(', ')}`);
      print(`models:   ${out.models.join(', ')}`);
    }
  },
});
