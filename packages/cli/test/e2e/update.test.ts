/**
 * `topickd update` as a user runs it (spawned) and `tkd.update` from a program importing
 * `topickd`: training goes on from the parent's weights on new documents; the parent is not
 * touched; the manifest records the lineage; the CLI and the API write the same weights.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ok, REPO, refused, scratchDir, topickd, nodeProgram } from './helpers.js';

const work = scratchDir('update');
const lines = readFileSync(join(REPO, 'datasets', 'debian-changelogs', 'changelogs.jsonl'), 'utf8').split('\n').filter(Boolean);
const first = join(work, 'first.jsonl');
const next = join(work, 'next.jsonl');
const parent = join(work, 'parent');
const common = ['--cache-dir', join(work, 'cache')];
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const weights = (dir: string) => readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('weights-'))!));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  writeFileSync(first, lines.slice(0, 300).join('\n') + '\n');
  writeFileSync(next, lines.slice(300, 500).join('\n') + '\n');
  ok(await topickd(['fit', '--data', first, '--model', 'combined', '--topics', '4', '--hidden', '20', '--epochs', '3', '--out', parent, '--quiet', ...common], work));
}, 300_000);

describe('topickd update', () => {
  it('continues from the parent on new documents, records the lineage (and its ancestors), leaves the parent as it was; the API writes the same weights', async () => {
    const before = sha(weights(parent));
    const child = join(work, 'child');
    const r = ok(await topickd(['update', '--model', parent, '--data', next, '--epochs', '3', '--out', child, '--json', ...common], work)).json();
    expect(sha(weights(parent))).toBe(before);
    const m = manifest(child);
    expect(m.lineage.parent).toBe(manifest(parent).digest);
    expect(m.lineage.documentsAdded).toBe(r.documentsAdded);
    expect(r.documentsAdded).toBeGreaterThan(150);
    expect(m.lineage.unknownTokenShare).toBeGreaterThan(0);
    expect(m.lineage.unknownTokenShare).toBeLessThan(1);
    expect(m.lineage.ancestors).toBeUndefined();
    expect(m.vocabulary).toEqual(manifest(parent).vocabulary);
    expect(sha(weights(child))).not.toBe(before);
    // the updated model is a model: topics and infer work
    ok(await topickd(['topics', '--model', child, '--json'], work));
    // an update of the update names its grandparent among the ancestors
    const grandchild = join(work, 'grandchild');
    ok(await topickd(['update', '--model', child, '--data', first, '--epochs', '1', '--out', grandchild, '--quiet', ...common], work));
    expect(manifest(grandchild).lineage).toMatchObject({ parent: m.digest, ancestors: [manifest(parent).digest] });

    // the API: tkd.update on the loaded parent, saved: the same weights and lineage as the CLI's
    const generated = join(REPO, 'packages', 'cli', 'test', '.generated');
    mkdirSync(generated, { recursive: true });
    const program = join(generated, 'update-api.mjs');
    const viaApi = join(work, 'child-api');
    writeFileSync(
      program,
      `import { readFileSync } from 'node:fs';
import { createTopicKD } from 'topickd';
const tkd = await createTopicKD({ cacheDir: ${JSON.stringify(join(work, 'cache'))} });
const p = await tkd.load(${JSON.stringify(parent)});
const texts = readFileSync(${JSON.stringify(next)}, 'utf8').split('\\n').filter(Boolean).map((l) => JSON.parse(l).text);
const c = await tkd.update(p, texts, { epochs: 3 });
await c.save(${JSON.stringify(viaApi)});
// share of unknown tokens: two known words and two unknown ones
const known = p.vocabulary.slice(0, 2).join(' ');
const half = await tkd.update(p, [known + ' zzqxv zzqyw'], { epochs: 1 });
console.log(JSON.stringify({ lineage: c.lineage, half: half.lineage.unknownTokenShare }));
`,
    );
    const api = await nodeProgram(program, work);
    expect(api.status, api.stderr).toBe(0);
    const a = JSON.parse(api.stdout.trim().split('\n').at(-1)!);
    expect(a.half).toBe(0.5);
    expect(a.lineage).toEqual(m.lineage);
    expect(weights(viaApi).equals(weights(child))).toBe(true);
  }, 300_000);

  it('refusals: a model that trains itself (lda), new documents without a known word, --out equal to --model', async () => {
    const lda = join(work, 'lda');
    ok(await topickd(['fit', '--data', first, '--model', 'lda', '--topics', '4', '--out', lda, '--quiet', ...common], work));
    refused(await topickd(['update', '--model', lda, '--data', next, '--out', join(work, 'lda-2'), ...common], work), 2, /a "lda" model trains itself in one pass/);
    const alien = join(work, 'alien.txt');
    writeFileSync(alien, 'qqqzzz xxyyqq\nzzqqxx yyxxzz\n');
    refused(await topickd(['update', '--model', parent, '--data', alien, '--out', join(work, 'alien-2'), ...common], work), 1, /none of the 2 new documents has a word of the model's/);
    refused(await topickd(['update', '--model', parent, '--data', next, '--out', parent, ...common], work), 2, /would overwrite --model/);
  }, 300_000);
});
