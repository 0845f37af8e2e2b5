import { describe, it, expect } from 'vitest';
import { tokenize, preprocess, topicDiversity, evaluateTopics, ReferenceCorpus, DataError } from '@topickd/core';

describe('tokenizing scripts written without spaces', () => {
  it('Chinese, Japanese and Thai split into words (Intl.Segmenter), not one "word" per sentence', () => {
    expect(tokenize('机器学习是人工智能的一个分支')).toEqual(['机器', '学习', '人工', '智能', '一个', '分支']);
    expect(tokenize('機械学習は人工知能の一分野です')).toEqual(['機械', '学習', '人工', '知能', '分野', 'です']);
    expect(tokenize('การเรียนรู้ของเครื่องเป็นสาขาหนึ่งของปัญญาประดิษฐ์')).toEqual(['การ', 'เรียน', 'รู้', 'ของ', 'เครื่อง', 'เป็น', 'สาขา', 'หนึ่ง', 'ของ', 'ปัญญา', 'ประดิษฐ์']);
    // mixed text keeps its spaced words as they were
    expect(tokenize('Deep learning 深度学习 models')).toEqual(['deep', 'learning', '深度', '学习', 'models']);
  });

  it('a Chinese corpus gets topics of words; most words longer than 30 characters is a warning', () => {
    const zh = preprocess(['机器学习是人工智能的一个分支', '深度学习是机器学习的一种方法', '人工智能改变了世界'], { minDf: 1 });
    expect(zh.vocabulary).toEqual(expect.arrayContaining(['机器', '学习', '人工', '智能']));
    expect(zh.warnings).toEqual([]);
    const long = 'a'.repeat(20);
    const untokenized = preprocess([`${long}alpha${long}`, `${long}beta${long}`, `${long}gamma${long}`], { pretokenized: true });
    expect(untokenized.warnings[0]).toMatch(/3 of the 3 vocabulary words are longer than 30 characters/);
  });
});

describe('topic metrics on bad topic lists', () => {
  const ref = new ReferenceCorpus([['a', 'b', 'c'], ['a', 'c', 'd'], ['b', 'd', 'e']]);
  it('topic diversity counts the words each topic has: 10-word topics can reach 1', () => {
    const topics = Array.from({ length: 3 }, (_, k) => Array.from({ length: 10 }, (_, i) => `w${k}-${i}`));
    expect(topicDiversity(topics, 25).mean).toBe(1);
    expect(topicDiversity([['a', 'b'], ['b', 'c']], 25).mean).toBe(3 / 4);
  });
  it('empty topics and repeated words are refused with the topic named', () => {
    expect(() => evaluateTopics(ref, [['a', 'b'], []], ['npmi'])).toThrow(/topic 1 is empty/);
    expect(() => evaluateTopics(ref, [['a', 'a', 'b']], ['npmi'], { topn: 3 })).toThrow(DataError);
    expect(() => evaluateTopics(ref, [['a', 'a', 'b']], ['td'])).toThrow(/topic 0 lists "a" twice/);
    expect(() => evaluateTopics(ref, [], ['npmi'])).toThrow(/no topics/);
  });
});
