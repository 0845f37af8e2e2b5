import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReferenceCorpus, coherence, topicDiversity, invertedRbo, rboExt, UnknownWordError, type CoherenceMeasure } from '@topickd/core';
import { loadOctis } from '@topickd/core/node';

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/gensim_coherence_m10.json', import.meta.url)), 'utf8'));
const m10 = loadOctis(fileURLToPath(new URL('../../../datasets/m10', import.meta.url)));
const ref = new ReferenceCorpus(m10.documents.map((d) => d.split(' ')));

describe('coherence equals gensim 4.2 on M10 (fixtures)', () => {
  it('the reference corpus matches the fixture corpus', () => {
    expect(ref.numDocs).toBe(fixture.n_docs);
    expect(ref.dictionarySize).toBe(fixture.dictionary_size);
  });
  for (const set of fixture.topic_sets) {
    for (const measure of ['c_npmi', 'c_v', 'u_mass', 'c_uci'] as CoherenceMeasure[]) {
      it(`${set.name} ${measure}: every topic within 1e-4`, () => {
        const got = coherence(ref, set.topics, measure);
        const want = set[measure];
        expect(got.perTopic.length).toBe(want.per_topic.length);
        got.perTopic.forEach((v, i) => expect(Math.abs(v - want.per_topic[i])).toBeLessThan(1e-4));
        expect(Math.abs(got.mean - want.mean)).toBeLessThan(1e-4);
      });
    }
  }
  it('a word absent from the corpus is a typed error naming it, unless skipped', () => {
    expect(() => coherence(ref, [['neural', 'zzzunknown', 'network']], 'c_npmi')).toThrow(UnknownWordError);
    expect(() => coherence(ref, [['neural', 'zzzunknown', 'network']], 'c_npmi')).toThrow(/zzzunknown/);
    const skipped = coherence(ref, [['neural', 'zzzunknown', 'network']], 'c_npmi', { skipUnknownWords: true });
    expect(Number.isFinite(skipped.mean)).toBe(true);
  });
});

describe('topic diversity and inverted RBO (hand-computed)', () => {
  it('topic diversity counts distinct words over topk·K', () => {
    // 3 topics × 4 words, topk 4: distinct = {a,b,c,d,e,f,g,h,i} = 9 → 9/12
    const topics = [['a', 'b', 'c', 'd'], ['a', 'e', 'f', 'g'], ['h', 'i', 'b', 'c']];
    expect(topicDiversity(topics, 4).mean).toBeCloseTo(9 / 12, 12);
    expect(topicDiversity([['a', 'b'], ['c', 'd']], 2).mean).toBe(1);
  });
  it('RBO of identical lists is 1, of disjoint lists 0', () => {
    expect(rboExt(['a', 'b', 'c'], ['a', 'b', 'c'], 0.9)).toBeCloseTo(1, 12);
    expect(rboExt(['a', 'b', 'c'], ['d', 'e', 'f'], 0.9)).toBe(0);
  });
  it('RBO of a partial overlap equals the closed form', () => {
    // l1 = [a, b], l2 = [b, a]; X1 = 0, X2 = 2; p = 0.9
    // rbo_ext = (1-p)/p * (p^1*0/1 + p^2*2/2) + p^2 * (2/2) = 0.1/0.9*0.81 + 0.81 = 0.09 + 0.81 = 0.9
    expect(rboExt(['a', 'b'], ['b', 'a'], 0.9)).toBeCloseTo(0.9, 12);
    // l1 = [a, b, c], l2 = [a, x, y]: X_d = 1 for d = 1..3
    // (0.1/0.9)*(0.9 + 0.81/2 + 0.729/3) + 0.729/3
    const want = (0.1 / 0.9) * (0.9 + 0.81 / 2 + 0.729 / 3) + 0.729 / 3;
    expect(rboExt(['a', 'b', 'c'], ['a', 'x', 'y'], 0.9)).toBeCloseTo(want, 12);
  });
  it('inverted RBO is 1 − mean pairwise RBO', () => {
    const topics = [['a', 'b'], ['b', 'a'], ['c', 'd']];
    // pairs: (0,1) 0.9, (0,2) 0, (1,2) 0 → 1 − 0.3
    expect(invertedRbo(topics, 10, 0.9).mean).toBeCloseTo(0.7, 12);
  });
});
