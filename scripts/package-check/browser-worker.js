// The browser app's Web Worker, bundled as its own file from the installed 'topickd/worker'.
import { serveTopicKDWorker } from 'topickd/worker';

serveTopicKDWorker();
