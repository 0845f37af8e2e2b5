import { defineConfig } from 'tsup';
import { shared } from '../../tsup.shared';

// ESM only: the application layer runs worker threads from its own files (import.meta.url)
// and is meant for Node ≥ 20.19 and ESM bundlers; CommonJS programs can still require() it
// there (Node's require(esm)). The browser entry is what the `browser` condition serves.
// optional dependencies stay imports (tsup bundles what is not a dependency or peer): loaded at run time when installed
export default defineConfig({ ...shared, external: ['@topickd/queue', '@topickd/datasets'], format: ['esm'], entry: { index: 'src/index.ts', app: 'src/app.ts', browser: 'src/browser/index.ts', 'embed-worker': 'src/app/workers/embed-worker.ts', 'tune-worker': 'src/app/tune/tune-worker.ts', 'infer-worker': 'src/app/workers/infer-worker.ts', 'browser-worker': 'src/browser/worker.ts' } });
