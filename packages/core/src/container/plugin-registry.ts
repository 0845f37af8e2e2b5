import { inject, injectable, multiInject, optional } from 'inversify';
import { Backend, type ActiveBackend } from '../contracts/backend.js';
import { DistillationLoss } from '../contracts/distillation-loss.js';
import { EncoderFactory, type Encoder, type EncoderOptions } from '../contracts/encoder.js';
import { TopicModelFactory } from '../contracts/topic-model.js';
import { MERGED_KIND, mergedModelFactory } from '../model/merged-topic-model.js';
import { BackendUnavailableError, ConfigError, UnknownPluginError } from '../errors.js';
import { noteActivatedBackend } from '../backends/current-backend.js';
import { DEFAULT_LOSSES, encoderType, lossName, lossOptions, lossWeight, type EncoderSpec, type LossSpec, type PluginConfig } from './config.js';

/** Service identifier of the validated `PluginConfig`. */
export const PluginConfigToken = Symbol.for('topickd.PluginConfig');
/** Service identifier of the logger used for warnings (fallbacks, cache rebuilds). */
export const Logger = Symbol.for('topickd.Logger');
export interface Logger {
  warn(message: string): void;
  info?(message: string): void;
}

/** A distillation loss chosen by config, with its weight. */
export interface WeightedLoss {
  loss: DistillationLoss;
  weight: number;
}

/**
 * The one place plugins are looked up by name. Multi-injects every backend, encoder
 * factory, topic-model factory and loss bound in the container; unknown names raise
 * `UnknownPluginError` listing what is registered.
 */
@injectable()
export class PluginRegistry {
  constructor(
    @multiInject(Backend) @optional() private readonly backendList: Backend[] = [],
    @multiInject(EncoderFactory) @optional() private readonly encoderList: EncoderFactory[] = [],
    @multiInject(DistillationLoss) @optional() private readonly lossList: DistillationLoss[] = [],
    @multiInject(TopicModelFactory) @optional() private readonly modelList: TopicModelFactory[] = [],
    @inject(PluginConfigToken) readonly config: PluginConfig,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  backendNames(): string[] {
    return this.backendList.map((b) => b.name);
  }
  encoderNames(): string[] {
    return this.encoderList.map((e) => e.name);
  }
  lossNames(): string[] {
    return this.lossList.map((l) => l.name);
  }
  /** The registered model kinds, and `merged` (topics of a model of any of them merged by `reduce`). */
  modelNames(): string[] {
    const names = this.modelList.map((m) => m.name);
    return names.includes(MERGED_KIND) ? names : [...names, MERGED_KIND];
  }

  backend(name: string, key = 'backend'): Backend {
    const b = this.backendList.find((x) => x.name === name);
    if (!b) throw new UnknownPluginError('backend', name, this.backendNames(), key);
    return b;
  }

  encoderFactory(name: string, key = 'encoder'): EncoderFactory {
    const e = this.encoderList.find((x) => x.name === name);
    if (!e) throw new UnknownPluginError('encoder', name, this.encoderNames(), key);
    return e;
  }

  loss(name: string, key = 'losses'): DistillationLoss {
    const l = this.lossList.find((x) => x.name === name);
    if (!l) throw new UnknownPluginError('loss', name, this.lossNames(), key);
    return l;
  }

  modelFactory(name: string, key = 'model'): TopicModelFactory {
    const m = this.modelList.find((x) => x.name === name) ?? (name === MERGED_KIND ? mergedModelFactory((k) => this.modelList.find((x) => x.name === k)) : undefined);
    if (!m) throw new UnknownPluginError('model', name, this.modelNames(), key);
    return m;
  }

  /** Checks that every name in the config is registered (called by `createContainer`). */
  validateNames(): void {
    // two plugins under one name: the second would be silently ignored
    const lists: [string, { name: string }[]][] = [['backend', this.backendList], ['encoder', this.encoderList], ['loss', this.lossList], ['model kind', this.modelList]];
    for (const [what, list] of lists) {
      const seen = new Map<string, unknown>();
      for (const p of list) {
        if (seen.has(p.name) && seen.get(p.name) !== p) {
          throw new ConfigError(`two plugins register the ${what} "${p.name}"; a plugin's names must not repeat another's (TopicKD's own included): rename it in the plugin`, 'plugins', 'UNKNOWN_PLUGIN');
        }
        seen.set(p.name, p);
      }
    }
    for (const m of this.modelList) {
      if (typeof m.weightFloats !== 'function') {
        throw new ConfigError(
          `the model kind "${m.name}" has no weightFloats(config): a model kind must say how many float32 values a saved model of a config holds, so a damaged manifest is refused before anything is built — add it to the plugin's TopicModelFactory`,
          'plugins',
        );
      }
    }
    const c = this.config;
    if (c.backend) this.backend(c.backend, 'backend');
    if (c.fallback) this.backend(c.fallback, 'fallback');
    if (c.encoder) this.encoderFactory(encoderType(c.encoder), 'encoder');
    (c.losses ?? []).forEach((l, i) => this.loss(lossName(l), `losses[${i}]`));
  }

  /** Creates an encoder from a spec: `"use"`, `"precomputed:FILE.npy"`, `{ type: "onnx", modelDir }`. */
  createEncoder(spec: EncoderSpec = this.config.encoder ?? 'use'): Encoder {
    const type = encoderType(spec);
    const options: EncoderOptions = typeof spec === 'string' ? (spec.includes(':') ? { path: spec.slice(type.length + 1) } : {}) : { ...spec };
    const encoder = this.encoderFactory(type).create(options);
    // the encoder knows its plugin name, so a saved model records it without help
    if (encoder.type === undefined) {
      try {
        encoder.type = type;
      } catch {
        /* a frozen encoder keeps its own */
      }
    }
    return encoder;
  }

  /** The configured distillation losses with their weights (default `w2` + `ce`). */
  weightedLosses(specs: readonly LossSpec[] = this.config.losses ?? DEFAULT_LOSSES): WeightedLoss[] {
    return specs.map((s, i) => {
      const loss = this.loss(lossName(s), `losses[${i}]`);
      const options = lossOptions(s);
      if (!options || Object.keys(options).length === 0) return { loss, weight: lossWeight(s) };
      if (!loss.withOptions) throw new ConfigError(`distillation loss "${loss.name}" takes no options, got ${JSON.stringify(options)}`, `losses[${i}].options`);
      return { loss: loss.withOptions(options), weight: lossWeight(s) };
    });
  }

  /**
   * Activates the configured backend. Without one, the highest-priority backend whose
   * probe says it can run. If activation fails and `fallback` is configured, logs a
   * warning and activates the fallback; otherwise the error propagates.
   */
  async activateBackend(name = this.config.backend, fallback = this.config.fallback): Promise<ActiveBackend> {
    const active = await this.activateBackendOnce(name, fallback);
    noteActivatedBackend(active); // what the encoders read (stableBatch) while its tfjs backend is current
    return active;
  }

  private async activateBackendOnce(name: string | undefined, fallback: string | undefined): Promise<ActiveBackend> {
    // options for a backend nobody registered would be ignored silently: a typo, said now
    for (const key of Object.keys(this.config.backendOptions ?? {})) {
      if (!this.backendNames().includes(key)) throw new UnknownPluginError('backend', key, this.backendNames(), `backendOptions.${key}`);
    }
    if (!name) {
      const sorted = [...this.backendList].sort((a, b) => b.priority - a.priority);
      for (const b of sorted) {
        if ((await b.probe()).available) return b.activate();
      }
      throw new BackendUnavailableError('(any)', `no backend can run here; registered: ${this.backendNames().join(', ')}`);
    }
    const backend = this.backend(name);
    try {
      return await backend.activate();
    } catch (e) {
      if (!fallback || fallback === name) throw e;
      this.logger.warn(`backend "${name}" is unavailable (${(e as Error).message.split('\n')[0]}); falling back to "${fallback}"`);
      return this.backend(fallback, 'fallback').activate();
    }
  }
}
