// Writes a generated section of BENCHMARKS.md: the text between `<!-- NAME:start -->` and
// `<!-- NAME:end -->` (appended when the markers are missing), then prints it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'BENCHMARKS.md');

export function writeBenchmarksSection(name, md) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  if (!doc.includes(start)) doc += `\n${start}\n${end}\n`;
  doc = doc.slice(0, doc.indexOf(start) + start.length) + '\n' + md + doc.slice(doc.indexOf(end));
  writeFileSync(path, doc);
  console.log(md);
}
