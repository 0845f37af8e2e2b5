// The page's Web Worker: it loads the same bundle as the page and infers θ of the shards of
// texts the page sends it (see `load(bundle, { workers })` in main.ts).
import { serveTopicKDWorker } from 'topickd/worker';

serveTopicKDWorker();
