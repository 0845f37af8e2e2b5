// CommonJS: every entry point loads with require, and the errors each throws are instances
// of the one TopicKDError class (one shared CommonJS chunk per package, not a copy per entry).
const assert = require('node:assert');
const core = require('@topickd/core');
const plugin = require('@topickd/core/plugin');
const node = require('@topickd/core/node');
const testing = require('@topickd/core/testing');
const losses = require('@topickd/losses');
const wasm = require('@topickd/backend-wasm');
const encoders = require('@topickd/encoders');
const backendNode = require('@topickd/backend-node');
// topickd and the CLI ship ESM only; Node ≥ 20.19 loads them with require() too (require(esm))
const topickd = require('topickd');
assert.strictEqual(typeof topickd.createTopicKD, 'function', "require('topickd') has no createTopicKD");
assert.strictEqual(typeof require('topickd/app').createRuntime, 'function', "require('topickd/app') has no createRuntime");
assert.ok(Object.keys(require('@topickd/cli')).length > 0, "require('@topickd/cli') is empty");
// the config file's JSON Schema ships with topickd, for editors
const schema = require('topickd/topickd.config.schema.json');
assert.strictEqual(schema.additionalProperties, false, 'topickd/topickd.config.schema.json is not the config schema');
assert.ok(schema.properties.topics && schema.properties.losses, 'topickd/topickd.config.schema.json lacks the config keys');

function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

(async () => {
  const checks = {
    '@topickd/core': thrown(() => core.validatePluginConfig(5)),
    '@topickd/core/plugin': thrown(() => plugin.canonicalJson({ x: NaN })),
    '@topickd/core/node': await node.loadModel('/nonexistent-model-dir').catch((e) => e),
    '@topickd/core/testing': thrown(() => testing.runBackendConformance({ describe: () => { throw new core.ConfigError('from the suite'); } }, new core.CpuBackend())),
    '@topickd/backend-wasm': thrown(() => wasm.validateWasmBackendOptions({ bogus: true })),
    '@topickd/encoders': thrown(() => encoders.encoderFactories.find((f) => f.name === 'use').create({ bogus: 1 })),
    '@topickd/backend-node': thrown(() => backendNode.validateNodeBackendOptions({ threads: -1 })),
  };
  for (const [entry, e] of Object.entries(checks)) {
    assert.ok(e instanceof core.TopicKDError, `${entry}: ${e && e.constructor && e.constructor.name} is not instanceof TopicKDError`);
    assert.ok(e instanceof plugin.TopicKDError, `${entry}: not instanceof @topickd/core/plugin's TopicKDError`);
  }
  // a plugin package's module is an inversify ContainerModule of the same inversify as core's
  assert.ok(losses.default instanceof core.ContainerModule, '@topickd/losses: its module is not a ContainerModule of core\'s inversify');
  // a model loaded through /node is an instance of the class core exports
  await new core.CpuBackend().activate();
  const m = new core.ContextualTopicModel(core.resolveModelConfig({ kind: 'zeroshot', numTopics: 2, vocabSize: 4, embeddingDim: 3 }), 0);
  const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'cjs-'));
  await node.saveModel(dir, { model: m, vocabulary: ['a', 'b', 'c', 'd'], encoder: { id: 'x', dim: 3 }, training: {} });
  const loaded = await node.loadModel(dir);
  assert.ok(loaded.model instanceof core.ContextualTopicModel, 'a loaded model is not an instance of the class core exports');
  console.log(JSON.stringify({ entries: Object.keys(checks).length, ok: true }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
