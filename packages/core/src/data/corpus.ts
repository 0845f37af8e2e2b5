import { documentTokens, preprocess, preprocessingRecord, preprocessOptionsOf, stopwordSet, type PreprocessOptions, type PreprocessedCorpus, type PreprocessingRecord } from '../text/preprocess.js';
import { CsrBuilder, type CsrMatrix } from './csr-matrix.js';

/** Documents as loaded from a file, before preprocessing. */
export interface Corpus {
  /** Where it came from (a path or a name), for messages. */
  source: string;
  /** One text per document: what preprocessing tokenizes into the bag of words. */
  documents: string[];
  /** The text the sentence encoder reads, when it differs from `documents` (OCTIS's unpreprocessed.txt). */
  encoderTexts?: string[];
  /** `train`/`val`/`test` per document when the source has them (OCTIS). */
  partitions?: string[];
  labels?: string[];
  /** Documents are already tokenized and filtered (OCTIS): split on spaces only. */
  pretokenized: boolean;
  /** The source's fixed vocabulary (OCTIS vocabulary.txt). */
  vocabulary?: string[];
}

/** A corpus ready for training: preprocessed BoW plus the texts to embed, row-aligned. */
export interface Dataset extends PreprocessedCorpus {
  source: string;
  /** Texts of the kept documents, row-aligned with `bow` (what encoders embed). */
  documents: string[];
  partitions?: string[];
  labels?: string[];
  /** The preprocessing that made `bow` and `tokens` (saved with a model, so its users can repeat it). */
  preprocessing: PreprocessingRecord;
}

export function corpusToDataset(corpus: Corpus, options: PreprocessOptions = {}): Dataset {
  const opts: PreprocessOptions = {
    ...options,
    pretokenized: options.pretokenized ?? corpus.pretokenized,
    vocabulary: options.vocabulary ?? corpus.vocabulary,
  };
  const pre = preprocess(corpus.documents, opts);
  const pick = <T>(a: T[] | undefined) => (a ? Array.from(pre.kept, (i) => a[i]) : undefined);
  return {
    ...pre,
    source: corpus.source,
    documents: pick(corpus.encoderTexts ?? corpus.documents)!,
    partitions: pick(corpus.partitions),
    labels: pick(corpus.labels),
    preprocessing: preprocessingRecord(opts),
  };
}

/**
 * Bags of words of new texts over a model's vocabulary, tokenized as its training corpus was
 * (`preprocessing`, saved in the model; models saved before it was recorded used the
 * defaults). No document is dropped: a text with no known word is an empty row.
 */
export function bagOfWordsFor(texts: readonly string[], vocabulary: readonly string[], preprocessing?: PreprocessingRecord, pretokenized = false): CsrMatrix {
  const options: PreprocessOptions = preprocessOptionsOf(preprocessing ?? preprocessingRecord({ pretokenized }), vocabulary);
  const index = new Map(vocabulary.map((w, i) => [w, i] as const));
  const stop = stopwordSet(options);
  const builder = new CsrBuilder(vocabulary.length);
  for (const text of texts) {
    const counts = new Map<number, number>();
    for (const t of documentTokens(text, options, stop)) {
      const id = index.get(t);
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    builder.addRow(counts);
  }
  return builder.build();
}
