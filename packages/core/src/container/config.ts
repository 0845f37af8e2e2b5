import { ConfigError } from '../errors.js';

/** An encoder by name, or by name with options (`{ type: "onnx", modelDir: "./minilm" }`). */
export type EncoderSpec = string | ({ type: string } & Record<string, unknown>);

/** A loss by name, or by name with a weight. */
/** A loss by name, or with a weight and the loss's own options (`{ name: "ce", options: { logits: "pre-bn" } }`). */
export type LossSpec = string | { name: string; weight?: number; options?: Record<string, unknown> };

/** What the container needs to pick plugins. Plain data: JSON/YAML config files map onto it. */
export interface PluginConfig {
  /** Backend name (`wasm`, `cpu`, `node`, ...). Default: the highest-priority backend that can run here. */
  backend?: string;
  /** Backend to continue on, with a logged warning, when `backend` cannot be activated. */
  fallback?: string;
  /** Encoder for documents (default `use`). */
  encoder?: EncoderSpec;
  /** Distillation losses and their weights (default `w2` + `ce`, weight 1 each). */
  losses?: LossSpec[];
  /** Module specifiers of third-party plugins (each exports a ContainerModule as `default`). */
  plugins?: string[];
  /**
   * Options of each backend, by backend name, given to it by the container:
   * `{ wasm: { simdMatMul: false }, node: { threads: 2, engines: ["openblas"] } }`.
   * The `node` backend's OpenBLAS engine runs on wasm tensors with the `wasm` options.
   */
  backendOptions?: BackendOptions;
}

/** Backend options by backend name; each backend documents its own (WasmBackendOptions, NodeBackendOptions). */
export type BackendOptions = Record<string, Record<string, unknown>>;

export const DEFAULT_LOSSES: readonly LossSpec[] = ['w2', 'ce'];

const PLUGIN_KEYS = new Set(['backend', 'fallback', 'encoder', 'losses', 'plugins', 'backendOptions']);

/** Checks types and shapes of a plugin config; unknown keys and wrong types name the key. */
export function validatePluginConfig(raw: unknown, { allowUnknownKeys = false } = {}): PluginConfig {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`config must be an object, got ${describeValue(raw)}`);
  const c = raw as Record<string, unknown>;
  if (!allowUnknownKeys) {
    for (const k of Object.keys(c)) {
      if (!PLUGIN_KEYS.has(k)) throw new ConfigError(`unknown config key "${k}"; allowed keys: ${[...PLUGIN_KEYS].join(', ')}`, k);
    }
  }
  const str = (k: string) => {
    if (c[k] !== undefined && (typeof c[k] !== 'string' || c[k] === '')) throw new ConfigError(`config key "${k}" must be a non-empty string, got ${describeValue(c[k])}`, k);
  };
  str('backend');
  str('fallback');
  if (c.encoder !== undefined) {
    const e = c.encoder;
    const ok = (typeof e === 'string' && e !== '') || (typeof e === 'object' && e !== null && !Array.isArray(e) && typeof (e as { type?: unknown }).type === 'string');
    if (!ok) throw new ConfigError(`config key "encoder" must be a name or an object with a "type", got ${describeValue(e)}`, 'encoder');
  }
  if (c.losses !== undefined) {
    if (!Array.isArray(c.losses)) throw new ConfigError(`config key "losses" must be an array, got ${describeValue(c.losses)}`, 'losses');
    c.losses.forEach((l, i) => {
      const key = `losses[${i}]`;
      if (typeof l === 'string' && l !== '') return;
      if (typeof l === 'object' && l !== null && typeof (l as { name?: unknown }).name === 'string') {
        const extra = Object.keys(l).find((k) => k !== 'name' && k !== 'weight' && k !== 'options');
        if (extra !== undefined) throw new ConfigError(`config key "${key}" has an unknown key "${extra}"; a loss is { name, weight, options } (its settings go in "options")`, `${key}.${extra}`);
        const w = (l as { weight?: unknown }).weight;
        if (w !== undefined && (typeof w !== 'number' || !Number.isFinite(w) || w < 0)) {
          throw new ConfigError(`config key "${key}.weight" must be a number ≥ 0, got ${describeValue(w)}`, `${key}.weight`);
        }
        const o = (l as { options?: unknown }).options;
        if (o !== undefined && (typeof o !== 'object' || o === null || Array.isArray(o))) {
          throw new ConfigError(`config key "${key}.options" must be an object of the loss's options, got ${describeValue(o)}`, `${key}.options`);
        }
        return;
      }
      throw new ConfigError(`config key "${key}" must be a loss name or { name, weight, options }, got ${describeValue(l)}`, key);
    });
  }
  if (c.plugins !== undefined && (!Array.isArray(c.plugins) || c.plugins.some((p) => typeof p !== 'string'))) {
    throw new ConfigError(`config key "plugins" must be an array of module names, got ${describeValue(c.plugins)}`, 'plugins');
  }
  if (c.backendOptions !== undefined) {
    const bo = c.backendOptions;
    const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (!isObj(bo)) throw new ConfigError(`config key "backendOptions" must be an object of options by backend name, got ${describeValue(bo)}`, 'backendOptions');
    for (const [name, o] of Object.entries(bo as Record<string, unknown>)) {
      if (!isObj(o)) throw new ConfigError(`config key "backendOptions.${name}" must be an object, got ${describeValue(o)}`, `backendOptions.${name}`);
    }
  }
  return c as PluginConfig;
}

/** A value as an error message names it ("number NaN", "an array [...]"). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array ${JSON.stringify(v).slice(0, 60)}`;
  if (typeof v === 'object') return `an object ${JSON.stringify(v).slice(0, 60)}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `number ${String(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

export function lossName(spec: LossSpec): string {
  return typeof spec === 'string' ? spec : spec.name;
}

export function lossWeight(spec: LossSpec): number {
  return typeof spec === 'string' ? 1 : (spec.weight ?? 1);
}

/** The loss's own options of a spec (none for a bare name). */
export function lossOptions(spec: LossSpec): Record<string, unknown> | undefined {
  return typeof spec === 'string' ? undefined : spec.options;
}

export function encoderType(spec: EncoderSpec): string {
  return typeof spec === 'string' ? spec.split(':')[0] : spec.type;
}
