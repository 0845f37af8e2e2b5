/**
 * `topickd`'s root export is the API and its types alone (at most 30 names); the application
 * layer under the CLI is the subpath `topickd/app`. Read from the built package as a program
 * imports it (runtime names) and from its declarations (type names).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Every name a declaration file exports (`export { a as B, C }`, `export declare class D`, ...). */
function declaredNames(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^export\s*(?:type\s*)?\{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()!.replace(/^type\s+/, '').trim();
      if (name) names.add(name);
    }
  }
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:abstract\s+)?(?:class|function|const|interface|type|let|enum)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  return [...names].sort();
}

describe('the root export', () => {
  it('is the API: createTopicKD, its classes and errors at run time; at most 30 names with the types', async () => {
    const root = await import('topickd');
    expect(Object.keys(root).sort()).toEqual(['ConfigError', 'DataError', 'ModelFileError', 'TopicKD', 'TopicKDError', 'TopicModelView', 'TrainedTopicModel', 'createTopicKD', 'isTopicKDError']);
    const names = declaredNames(`${dist}index.d.ts`);
    expect(names).toContain('TopicKDConfig');
    expect(names).toContain('FitOptions');
    expect(names.length).toBeLessThanOrEqual(30);
  });

  it('topickd/app holds the layer under the CLI, the API included', async () => {
    const app = await import('topickd/app');
    for (const name of ['createRuntime', 'runExperiment', 'renderReport', 'loadDataset', 'createTopicKD']) expect(typeof (app as Record<string, unknown>)[name], name).toBe('function');
  });
});
