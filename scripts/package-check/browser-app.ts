// The package check's browser consumer. check-packages.mjs puts the program of the
// <!-- browser-consumer --> block of docs/guides/browser.md in place of the marker line below,
// type-checks the result with the settings that page documents (moduleResolution bundler,
// customConditions ["browser"], lib dom) under TypeScript 5.9 and 7, bundles it with plain
// `esbuild --bundle --platform=browser` and runs it in Chromium. What follows the block uses its
// `tkd`, `model` and `theta`.
declare global {
  interface Window {
    result: unknown;
  }
}
window.addEventListener('unhandledrejection', (e) => {
  window.result = { error: String(e.reason?.stack ?? e.reason) };
});

//@docs-block

const TEXT = 'recurrent neural network language model for speech recognition';
try {
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
  window.result = { theta, staticTheta, kind: model.kind, topics: model.topics(5), backend: tkd.backend.tfjsBackend, workers, workersSame, rows: inWorkers.length };
} catch (e) {
  window.result = { error: String((e as Error)?.stack ?? e) };
}
