// A plain browser app: imports 'topickd' (its `browser` export condition), loads an exported
// student and computes θ for a text. Bundled with `esbuild --bundle --platform=browser`, no plugins.
import { createTopicKD } from 'topickd';

const TEXT = 'recurrent neural network language model for speech recognition';
window.result = (async () => {
  const tkd = await createTopicKD({ wasmPaths: new URL('./wasm/', location.href).href });
  const model = await tkd.load(new URL('./bundle', location.href).href);
  const [theta] = await model.transform([TEXT]);
  // 600 texts (two 512-text batches) in 2 Web Workers running the installed 'topickd/worker',
  // and in this thread: the same rows
  const pooled = await tkd.load(new URL('./bundle', location.href).href, {
    workers: { count: 2, create: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }) },
  });
  const texts = Array.from({ length: 600 }, (_, i) => `${TEXT} ${['model', 'data', 'network', 'learning', 'system'][i % 5]} ${i}`);
  const inWorkers = await pooled.transform(texts);
  const inThread = await pooled.transform(texts, { workers: 0 });
  const workersSame = JSON.stringify(inWorkers) === JSON.stringify(inThread);
  const workers = pooled.workers;
  pooled.dispose();
  // a student with a static encoder (topickd distill-encoder): its int8 table ships in the bundle
  const small = await tkd.load(new URL('./bundle-static', location.href).href);
  const [staticTheta] = await small.transform([TEXT]);
  return { theta, staticTheta, kind: model.kind, topics: model.topics(5), backend: tkd.backend.tfjsBackend, workers, workersSame, rows: inWorkers.length };
})().catch((e) => ({ error: String(e && e.stack || e) }));
