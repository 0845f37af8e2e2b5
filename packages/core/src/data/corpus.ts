import { preprocess, preprocessingRecord, type PreprocessOptions, type PreprocessedCorpus, type PreprocessingRecord } from '../text/preprocess.js';

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
