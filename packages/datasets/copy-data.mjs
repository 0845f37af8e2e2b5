// Copies the repository's datasets/m10 and datasets/20ng into data/ (not in git: the files live once,
// in datasets/), so that the packed package holds them. Checks each file against its README's sha256.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', '..', 'datasets');
rmSync(join(here, 'data'), { recursive: true, force: true });
for (const name of ['m10', '20ng']) {
  const from = join(source, name);
  if (!existsSync(join(from, 'corpus.tsv'))) throw new Error(`${from} is missing: @topickd/datasets is built inside the TopicKD repository`);
  const readme = readFileSync(join(from, 'README.md'), 'utf8');
  for (const f of readdirSync(from)) {
    const sum = new RegExp('`' + f.replace('.', '\\.') + '`[^\\n]*`([0-9a-f]{64})`').exec(readme)?.[1];
    if (sum && createHash('sha256').update(readFileSync(join(from, f))).digest('hex') !== sum) throw new Error(`${name}/${f} does not match the sha256 in its README`);
  }
  cpSync(from, join(here, 'data', name), { recursive: true });
}
