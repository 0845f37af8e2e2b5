import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('docs/guides/pipeline-in-code.md', () => {
  it('the lower-level pipeline example runs as written', async () => {
    const page = readFileSync(join(root, 'docs', 'guides', 'pipeline-in-code.md'), 'utf8');
    const m = /<!-- pipeline-example -->\s*```ts\n([\s\S]*?)```\s*<!-- \/pipeline-example -->/.exec(page);
    expect(m, 'the page has the marked example').not.toBeNull();
    const dir = join(root, 'packages', 'cli', 'test', '.generated');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'pipeline-example.ts');
    writeFileSync(file, m![1]);
    process.env.EPOCHS = '1';
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const mod = (await import(/* @vite-ignore */ file)) as { topics: string[][]; theta: { rows: number; cols: number } };
      expect(mod.topics).toHaveLength(10);
      expect(mod.topics[0]).toHaveLength(10);
      expect(mod.theta.rows).toBe(1000);
      expect(mod.theta.cols).toBe(10);
    } finally {
      process.chdir(cwd);
      delete process.env.EPOCHS;
    }
  });
});
