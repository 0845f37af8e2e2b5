import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '@topickd/core';
import { loadCorpus } from '@topickd/core/node';
import { corpusChunks, countCorpusDocuments } from 'topickd/app';

// `infer` reads .txt and .jsonl inputs block by block: what the blocks hold, joined, must be
// exactly what loadCorpus reads at once (the θ rows depend on it), and the count pass must agree.
const dir = mkdtempSync(join(tmpdir(), 'topickd-chunks-'));
let n = 0;

async function chunked(path: string, size: number, textField?: string) {
  const docs: string[] = [];
  const labels: (string | undefined)[] = [];
  const sizes: number[] = [];
  for await (const c of corpusChunks(path, { size, textField })) {
    docs.push(...c.documents);
    sizes.push(c.documents.length);
    labels.push(...(c.labels ?? c.documents.map(() => undefined)));
  }
  return { docs, sizes, labels };
}

async function refusal(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message.replace(/:\d+:/, ':N:');
  }
}

function refusalSync(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message.replace(/:\d+:/, ':N:');
  }
}

// lines of text with the characters that matter: spaces, CR, multi-byte UTF-8, empties
const line = fc.array(fc.constantFrom('a', 'é', '日', '🙂', ' ', '\t', '\r', 'x y'), { maxLength: 12 }).map((parts) => parts.join(''));

describe('corpusChunks: a corpus file read block by block', () => {
  it('text files: the blocks joined are loadCorpus documents, blocks are full but the last, the count agrees (BOM, CRLF, blanks, final newline)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.boolean(), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.integer({ min: 1, max: 7 }), async (lines, bom, eol, finalEol, size) => {
        const path = join(dir, `t${n++}.txt`);
        writeFileSync(path, (bom ? '\uFEFF' : '') + lines.join(eol) + (finalEol && lines.length ? eol : ''));
        const whole = refusalSync(() => loadCorpus(path));
        let expected: string[] | null = null;
        if (whole === null) expected = loadCorpus(path).documents;
        const streamed = await refusal(chunked(path, size));
        const counted = await refusal(countCorpusDocuments(path));
        expect(streamed).toBe(whole);
        expect(counted).toBe(whole);
        if (expected) {
          const { docs, sizes } = await chunked(path, size);
          expect(docs).toEqual(expected);
          expect(sizes.slice(0, -1).every((s) => s === size)).toBe(true);
          expect(await countCorpusDocuments(path)).toBe(expected.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('JSONL files: the same documents and labels, blank lines skipped, a bad line refused with its number before any block', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.record({ text: line, label: fc.constantFrom('a', 'b', '') }).map((o) => JSON.stringify(o)), fc.constant(''), fc.constant('{"body": "no text field"}')), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        async (lines, size) => {
          const path = join(dir, `j${n++}.jsonl`);
          writeFileSync(path, lines.join('\n'));
          const whole = refusalSync(() => loadCorpus(path));
          expect(await refusal(countCorpusDocuments(path))).toBe(whole);
          if (whole !== null) return;
          const c = loadCorpus(path);
          const { docs, labels } = await chunked(path, size);
          expect(docs).toEqual(c.documents);
          if (c.labels) expect(labels.map((l) => l ?? '')).toEqual(c.labels);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses invalid UTF-8 and a file of blank lines as loadCorpus does, before yielding a block', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, Buffer.concat([Buffer.from('fine line\nanother\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]));
    await expect(countCorpusDocuments(bad)).rejects.toThrow(/not valid UTF-8/);
    await expect(chunked(bad, 1)).rejects.toThrow(/not valid UTF-8/);
    const blank = join(dir, 'blank.txt');
    writeFileSync(blank, '\n \n\t\n'.repeat(50));
    let yielded = 0;
    await expect(
      (async () => {
        for await (const _ of corpusChunks(blank, { size: 2 })) yielded++;
      })(),
    ).rejects.toThrow(/no documents/);
    expect(yielded).toBe(0);
    await expect(countCorpusDocuments(blank)).rejects.toThrow(/no documents/);
  });
});
