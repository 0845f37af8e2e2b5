/**
 * Property-based tests (fast-check) of every parser of user files: .npy, the model manifest,
 * the checkpoint, JSONL lines and OCTIS .tsv corpora. Each generated input is either read
 * exactly (what was written comes back) or refused with a TopicKDError — never another
 * exception, a hang, or a silent wrong value. Over 10,000 generated cases per run.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContextualTopicModel,
  decodeNpy,
  encodeNpy,
  isTopicKDError,
  parseCheckpoint,
  parseManifest,
  resolveModelConfig,
  serializeCheckpoint,
  serializeModel,
  trainModel,
  CsrMatrix,
  type TrainerState,
} from '../src/index.js';
import { loadOctis, parseJsonlLine } from '../src/node/index.js';

/** Runs `fn`; a thrown error must be a TopicKDError (anything else fails the property). */
function readOrRefuse<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!isTopicKDError(e)) throw new Error(`not a TopicKDError: ${(e as Error)?.stack ?? e}`);
    return undefined;
  }
}
async function readOrRefuseAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (!isTopicKDError(e)) throw new Error(`not a TopicKDError: ${(e as Error)?.stack ?? e}`);
    return undefined;
  }
}

const matrix = fc
  .record({ rows: fc.integer({ min: 0, max: 12 }), cols: fc.integer({ min: 0, max: 12 }) })
  .chain(({ rows, cols }) => fc.float32Array({ minLength: rows * cols, maxLength: rows * cols, noNaN: true }).map((data) => ({ rows, cols, data })));

/** .npy header text built from the pieces numpy writes, and pieces it never does. */
const headerText = fc
  .array(
    fc.oneof(
      fc.constantFrom("'descr'", "'<f4'", "'<f8'", "'|u1'", "'fortran_order'", "'shape'", 'True', 'False', 'None', '(', ')', '{', '}', ':', ',', ' ', "'", '"', 'L', '-', 'Infinity', '1e9'),
      fc.integer({ min: -5, max: 2 ** 40 }).map(String),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

function npyWith(header: string, data: Uint8Array, version = 1): Uint8Array {
  const h = new TextEncoder().encode(header);
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) new DataView(out.buffer).setUint16(8, Math.min(h.length, 65535), true);
  else new DataView(out.buffer).setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(data, pre + h.length);
  return out;
}

describe('.npy', () => {
  it('a matrix written is read back exactly (2,000 cases)', () => {
    fc.assert(
      fc.property(matrix, (m) => {
        const back = decodeNpy(encodeNpy(m), 'p.npy');
        expect([back.rows, back.cols]).toEqual([m.rows, m.cols]);
        expect(Array.from(back.data)).toEqual(Array.from(m.data));
      }),
      { numRuns: 2000 },
    );
  });

  it('any header and bytes: refused with a TopicKDError, or rows × cols values that the file holds (3,000 cases)', () => {
    fc.assert(
      fc.property(headerText, fc.uint8Array({ maxLength: 64 }), fc.constantFrom(1, 2, 3, 7), (header, data, version) => {
        const bytes = npyWith(header, data, version);
        const m = readOrRefuse(() => decodeNpy(bytes, 'gen.npy'));
        if (m) {
          expect(m.data.length).toBe(m.rows * m.cols);
          expect(m.rows * m.cols * 4).toBeLessThanOrEqual(data.length);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a valid file with any byte changed: refused or read (1,000 cases)', () => {
    const good = encodeNpy({ rows: 3, cols: 2, data: new Float32Array([1, 2, 3, 4, 5, 6]) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bytes = good.slice();
        bytes[at] = byte;
        const m = readOrRefuse(() => decodeNpy(bytes, 'flip.npy'));
        if (m) expect(m.rows * m.cols * 4).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('model manifest', () => {
  it('any change to a signed manifest (a field replaced, removed, or a byte flipped) is refused; the unchanged one parses (1,500 cases)', async () => {
    const model = new ContextualTopicModel(resolveModelConfig({ kind: 'zeroshot', numTopics: 2, vocabSize: 4, embeddingDim: 3, hiddenSizes: [2] }), 0);
    const { files } = await serializeModel({ model, vocabulary: ['a', 'b', 'c', 'd'], encoder: { id: 'test', dim: 3, type: 'use' }, training: { seed: 0 } });
    model.dispose();
    const bytes = files.find((f) => f.name === 'manifest.json')!.bytes;
    const original = JSON.parse(new TextDecoder().decode(bytes));
    expect(await parseManifest(bytes, 'm')).toEqual(original);
    const keys = Object.keys(original);
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant('replace' as const), key: fc.constantFrom(...keys), value: anyJson }),
          fc.record({ kind: fc.constant('remove' as const), key: fc.constantFrom(...keys) }),
          fc.record({ kind: fc.constant('flip' as const), at: fc.integer({ min: 0, max: bytes.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }),
        ),
        async (change) => {
          let changed: Uint8Array;
          if (change.kind === 'flip') {
            changed = bytes.slice();
            changed[change.at] = change.byte;
          } else {
            const m = { ...original };
            if (change.kind === 'replace') m[change.key] = change.value;
            else delete m[change.key];
            changed = new TextEncoder().encode(JSON.stringify(m));
          }
          const parsed = await readOrRefuseAsync(() => parseManifest(changed, 'gen/manifest.json'));
          // a change that survives is one that does not change the JSON (e.g. whitespace, or the same value)
          if (parsed) expect(parsed).toEqual(original);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('checkpoint', () => {
  it('a checkpoint with any byte changed, or cut anywhere, is refused or reads back the same state (1,000 cases)', async () => {
    const cfg = resolveModelConfig({ kind: 'zeroshot', numTopics: 2, vocabSize: 5, embeddingDim: 3, hiddenSizes: [2] });
    const model = new ContextualTopicModel(cfg, 0);
    const bow = CsrMatrix.fromRows([new Map([[0, 1], [1, 2]]), new Map([[2, 1], [4, 3]]), new Map([[3, 2]])], 5);
    let state: TrainerState | undefined;
    await trainModel(model, { bow, embeddings: { rows: 3, cols: 3, data: new Float32Array([0.1, 0.2, 0.3, -0.1, 0.4, 0.2, 0.5, -0.3, 0.1]) } }, { epochs: 2, batchSize: 2, checkpointEvery: 1, onCheckpoint: async (s) => void (state = s) });
    model.dispose();
    const meta = { config: cfg, vocabulary: ['a', 'b', 'c', 'd', 'e'], encoder: { id: 't', dim: 3 }, options: { seed: 0 } };
    const good = await serializeCheckpoint(meta, state!);
    const reference = await parseCheckpoint(good, 'ck');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ at: fc.integer({ min: 0, max: good.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ cut: fc.integer({ min: 0, max: good.length - 1 }) }),
        ),
        async (change) => {
          let bytes: Uint8Array;
          if ('cut' in change) bytes = good.slice(0, change.cut);
          else {
            bytes = good.slice();
            bytes[change.at] = change.byte;
          }
          const parsed = await readOrRefuseAsync(() => parseCheckpoint(bytes, 'gen.tkdc'));
          if (parsed) expect(parsed).toEqual(reference);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('corpora', () => {
  it('JSONL: any line is refused naming file and line, or its "text" read exactly (2,000 cases)', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.record({ text: fc.string({ maxLength: 30 }), label: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()) }).map((o) => JSON.stringify(o)),
      fc.integer({ min: 60, max: 200 }).map((n) => `{"text": ${'['.repeat(n)}${']'.repeat(n)}}`),
    );
    fc.assert(
      fc.property(line, (l) => {
        const r = readOrRefuse(() => parseJsonlLine('c.jsonl', 7, l, 'text'));
        if (r) expect(r.text).toBe((JSON.parse(l) as { text: string }).text);
      }),
      { numRuns: 2000 },
    );
  });

  it('OCTIS .tsv: any file is refused with a TopicKDError, or its documents read exactly (500 cases)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topickd-prop-tsv-'));
    const cell = fc.stringMatching(/^[a-z \t\n]{0,12}$/);
    const row = fc.tuple(cell, fc.oneof(fc.constantFrom('train', 'val', 'test'), cell), fc.option(cell, { nil: undefined }));
    let n = 0;
    fc.assert(
      fc.property(fc.array(row, { maxLength: 6 }), (rows) => {
        const text = rows.map(([t, p, l]) => [t, p, ...(l === undefined ? [] : [l])].join('\t')).join('\n');
        const file = join(dir, `c${n++}.tsv`);
        writeFileSync(file, text);
        const c = readOrRefuse(() => loadOctis(file));
        if (c) {
          // every line was well formed: its text (trimmed, as OCTIS's) is a document, in order
          const lines = text.split('\n');
          if (lines[lines.length - 1] === '') lines.pop();
          expect(c.documents.length).toBe(lines.length);
          lines.forEach((l, i) => expect(c.documents[i]).toBe(l.split('\t')[0].trim()));
        }
      }),
      { numRuns: 500 },
    );
  });
});
