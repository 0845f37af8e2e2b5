/**
 * Errors a user can cause. Each has a stable `code` (tests assert the code, not the
 * text), a message that names the offending file/key/value and says what to do, and
 * a `kind`: `usage` errors (bad flags or config) make the CLI exit 2, `runtime`
 * errors exit 1.
 */
export type ErrorKind = 'usage' | 'runtime';

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'UNKNOWN_PLUGIN'
  | 'BACKEND_UNAVAILABLE'
  | 'DATA_INVALID'
  | 'EMPTY_CORPUS'
  | 'DIMENSION_MISMATCH'
  | 'VOCABULARY_MISMATCH'
  | 'MODEL_FILE'
  | 'NON_FINITE'
  | 'PLUGIN_FAILED'
  | 'ENCODER_UNAVAILABLE'
  | 'UNKNOWN_WORD'
  | 'ABORTED'
  | 'IO'
  /** The runtime lacks something TopicKD needs (WebCrypto, WebAssembly SIMD, a tfjs kernel). */
  | 'RUNTIME_UNSUPPORTED'
  /** Jobs of a distributed run failed every attempt (the others completed). */
  | 'JOBS_FAILED'
  /** A Web Worker failed to start, to load the model, or to answer. */
  | 'WORKER_FAILED'
  /** A model used after dispose(). */
  | 'MODEL_DISPOSED'
  /** An instance's backend could not be made current again for one of its operations. */
  | 'BACKEND_SWITCH';

export class TopicKDError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  constructor(code: ErrorCode, message: string, options: { kind?: ErrorKind; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TopicKDError';
    this.code = code;
    this.kind = options.kind ?? 'runtime';
  }
}

/** Bad configuration or flags: the user must change what they asked for. Exit code 2. */
export class ConfigError extends TopicKDError {
  readonly key: string | undefined;
  constructor(message: string, key?: string, code: ErrorCode = 'CONFIG_INVALID') {
    super(code, message, { kind: 'usage' });
    this.name = 'ConfigError';
    this.key = key;
  }
}

/** A plugin name that nobody registered. Lists the names that are. */
export class UnknownPluginError extends ConfigError {
  readonly pluginKind: string;
  readonly requested: string;
  readonly available: readonly string[];
  constructor(pluginKind: string, requested: string, available: readonly string[], key?: string) {
    const plural = pluginKind.endsWith('s') ? `${pluginKind}es` : `${pluginKind}s`;
    super(
      `unknown ${pluginKind} "${requested}"${key ? ` (config key "${key}")` : ''}; registered ${plural}: ${
        available.length ? available.join(', ') : '(none)'
      }`,
      key,
      'UNKNOWN_PLUGIN',
    );
    this.name = 'UnknownPluginError';
    this.pluginKind = pluginKind;
    this.requested = requested;
    this.available = available;
  }
}

export class BackendUnavailableError extends TopicKDError {
  readonly backend: string;
  constructor(backend: string, message: string, cause?: unknown) {
    super('BACKEND_UNAVAILABLE', message, { cause });
    this.name = 'BackendUnavailableError';
    this.backend = backend;
  }
}

/** Input data that cannot be used as it is (corpus, embeddings, vocabulary). */
export class DataError extends TopicKDError {
  constructor(message: string, code: ErrorCode = 'DATA_INVALID') {
    super(code, message);
    this.name = 'DataError';
  }
}

/** A model directory or file that is missing, truncated, corrupt or too new. */
export class ModelFileError extends TopicKDError {
  readonly file: string;
  constructor(file: string, message: string, cause?: unknown) {
    super('MODEL_FILE', `${file}: ${message}`, { cause });
    this.name = 'ModelFileError';
    this.file = file;
  }
}

export class NonFiniteLossError extends TopicKDError {
  readonly epoch: number;
  readonly batch: number;
  constructor(epoch: number, batch: number, detail = '') {
    super(
      'NON_FINITE',
      `training loss became non-finite at epoch ${epoch}, batch ${batch}${detail ? ` (${detail})` : ''}; ` +
        'lower the learning rate, check the embeddings for NaN/Inf, or resume from the last checkpoint',
    );
    this.name = 'NonFiniteLossError';
    this.epoch = epoch;
    this.batch = batch;
  }
}

/** An encoder that cannot run: missing model files, missing optional runtime. */
export class EncoderUnavailableError extends TopicKDError {
  readonly encoder: string;
  constructor(encoder: string, message: string, cause?: unknown) {
    super('ENCODER_UNAVAILABLE', `encoder "${encoder}": ${message}`, { cause });
    this.name = 'EncoderUnavailableError';
    this.encoder = encoder;
  }
}

/** A topic word that the reference corpus does not contain. */
export class UnknownWordError extends TopicKDError {
  readonly word: string;
  constructor(word: string, topic?: number) {
    super(
      'UNKNOWN_WORD',
      `${topic === undefined ? '' : `topic ${topic} `}word "${word}" does not occur in the reference corpus; evaluate against the corpus the model was trained on, or skip unknown words`,
    );
    this.name = 'UnknownWordError';
    this.word = word;
  }
}

/** The runtime lacks a feature TopicKD needs; the message says which and what to use instead. */
export class RuntimeUnsupportedError extends TopicKDError {
  constructor(message: string) {
    super('RUNTIME_UNSUPPORTED', message);
    this.name = 'RuntimeUnsupportedError';
  }
}

export class AbortError extends TopicKDError {
  constructor(what = 'operation') {
    super('ABORTED', `${what} was cancelled`);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new AbortError(what);
}

export function isTopicKDError(e: unknown): e is TopicKDError {
  return e instanceof TopicKDError;
}
