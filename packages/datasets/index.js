// @topickd/datasets: where the bundled corpora are on disk (OCTIS folders TopicKD reads as they are).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The corpora this package holds. */
export const DATASETS = Object.freeze(['m10', '20ng']);

/** The folder holding one OCTIS folder per dataset. */
export const datasetsDir = fileURLToPath(new URL('./data/', import.meta.url));

/** The OCTIS folder of a dataset (`m10` or `20ng`, any case). */
export function datasetPath(name) {
  const n = String(name).toLowerCase();
  if (!DATASETS.includes(n)) throw new Error(`@topickd/datasets has ${DATASETS.join(' and ')}, not "${name}"`);
  return join(datasetsDir, n);
}
