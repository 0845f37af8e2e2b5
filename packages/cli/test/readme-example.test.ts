import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('README', () => {
  it('the "Composing in code" example runs as written', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const m = /<!-- readme-example -->\s*```ts\n([\s\S]*?)```\s*<!-- \/readme-example -->/.exec(readme);
    expect(m, 'README has the marked example').not.toBeNull();
    const dir = join(root, 'packages', 'cli', 'test', '.generated');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'readme-example.ts');
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
