import { ConfigError } from '@topickd/core';

/** A flag a command accepts: its type, and the config key it overrides. */
export interface FlagSpec {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'list' | 'numbers';
  description: string;
  /** Placeholder shown in --help. */
  arg?: string;
  /**
   * A path the command reads (`input`) or writes (`output`): before any work, every output is
   * checked against every input (files and folders, after resolving links), so no run writes
   * over what it reads.
   */
  path?: 'input' | 'output';
  /**
   * The command needs it: given as the flag or, for a flag that sets a config key, in the config
   * file (`--config`). Checked before the command runs (a usage error that names the flag and
   * says what it is), shown in the generated usage line, and typed as always present.
   */
  required?: boolean;
}

export type ParsedFlags = Record<string, string | number | boolean | string[] | number[] | undefined>;

/** `time-field` → `timeField`, as a type. */
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type FlagValue<T extends FlagSpec['type']> = T extends 'string' ? string : T extends 'number' | 'integer' ? number : T extends 'boolean' ? boolean : T extends 'list' ? string[] : number[];
type ValuesOf<F extends Record<string, FlagSpec>> = {
  [K in keyof F & string as Camel<K>]: F[K] extends { required: true } ? FlagValue<F[K]['type']> : FlagValue<F[K]['type']> | undefined;
};

/** A command's parsed flags, typed from its specs (and the global flags): required ones always present. */
export type FlagValues<F extends Record<string, FlagSpec>> = ValuesOf<F> & ValuesOf<typeof GLOBAL_FLAGS>;

/** Flags every command accepts. */
export const GLOBAL_FLAGS = {
  backend: { type: 'string', arg: 'NAME', description: 'tensor backend: wasm (default), cpu, node' },
  fallback: { type: 'string', arg: 'NAME', description: 'backend to continue on when --backend cannot start' },
  config: { path: 'input', type: 'string', arg: 'FILE', description: 'JSON or YAML config file; flags override it' },
  json: { type: 'boolean', description: 'print one JSON object on stdout' },
  quiet: { type: 'boolean', description: 'no progress output' },
  debug: { type: 'boolean', description: 'print stack traces on errors' },
  help: { type: 'boolean', description: 'show help for the command' },
  'cache-dir': { type: 'string', arg: 'DIR', description: 'embedding cache folder (default .topickd-cache)' },
  threads: { type: 'integer', arg: 'N', description: 'worker threads for embedding and θ inference (default: TOPICKD_THREADS, else the number of cores); when given, training\'s large matrix products are also split over N threads (wasm and node backends)' },
} as const satisfies Record<string, FlagSpec>;

export function kebabToCamel(s: string): string {
  return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name` flags against a spec.
 * Unknown flags and wrong types are usage errors naming the flag.
 */
export function parseFlags(argv: readonly string[], spec: Record<string, FlagSpec>): { flags: ParsedFlags; positionals: string[] } {
  const all: Record<string, FlagSpec> = { ...GLOBAL_FLAGS, ...spec };
  const flags: ParsedFlags = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const s = Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined;
    if (!s) {
      const known = Object.keys(all).map((k) => `--${k}`).join(', ');
      throw new ConfigError(`unknown flag --${name}; this command accepts: ${known}`, name);
    }
    let raw: string | undefined;
    if (s.type === 'boolean') {
      raw = eq > 0 ? a.slice(eq + 1) : 'true';
    } else {
      raw = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (raw === undefined) throw new ConfigError(`flag --${name} needs a value (${s.arg ?? s.type})`, name);
    }
    flags[kebabToCamel(name)] = convert(name, s, raw);
  }
  return { flags, positionals };
}

function convert(name: string, s: FlagSpec, raw: string): ParsedFlags[string] {
  const num = (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`flag --${name} must be a number, got ${JSON.stringify(v)}`, name);
    return n;
  };
  switch (s.type) {
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ConfigError(`flag --${name} is true or false, got ${JSON.stringify(raw)}`, name);
    case 'number':
      return num(raw);
    case 'integer': {
      const n = num(raw);
      if (!Number.isInteger(n)) throw new ConfigError(`flag --${name} must be an integer, got ${raw}`, name);
      return n;
    }
    case 'list':
      return raw.split(',').map((x) => x.trim()).filter(Boolean);
    case 'numbers':
      return raw === '' ? [] : raw.split(',').map((x) => num(x.trim()));
    default:
      return raw;
  }
}

/**
 * Checks the required flags once the config file is merged: a required flag is given, or (when
 * it sets a config key, `fromConfig`) its key is in the config file, whose value the flag then
 * takes. Missing: a usage error naming the flag and what it is.
 */
export function checkRequired(spec: Record<string, FlagSpec>, flags: ParsedFlags, fromConfig: (key: string) => unknown): void {
  for (const [name, s] of Object.entries(spec)) {
    if (!s.required) continue;
    const key = kebabToCamel(name);
    const value = fromConfig(key) ?? flags[key];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
      throw new ConfigError(`give --${name}${s.arg ? ` ${s.arg}` : ''}: ${s.description.replace(/\s*\(required[^)]*\)/, '')}`, key);
    }
    flags[key] = value as ParsedFlags[string];
  }
}

/** The usage line, from the specs: the command, its required flags, then [options]. */
export function usageLine(command: string, spec: Record<string, FlagSpec>): string {
  const required = Object.entries(spec).filter(([, s]) => s.required).map(([k, s]) => `--${k}${s.arg ? ` ${s.arg}` : ''}`);
  return ['topickd', command, ...required, '[options]'].join(' ');
}

export function helpText(usage: string, description: string, spec: Record<string, FlagSpec>, example: string): string {
  const rows = Object.entries({ ...spec, ...GLOBAL_FLAGS } as Record<string, FlagSpec>).map(([k, s]) => {
    const left = `  --${k}${s.arg ? ` ${s.arg}` : ''}`;
    // every option says its default (or that it is required)
    const said = s.required || /default|required/i.test(s.description);
    return `${left.padEnd(30)} ${s.description}${s.required && !/required/i.test(s.description) ? ' (required)' : said ? '' : s.type === 'boolean' ? ' (default: off)' : ' (default: none)'}`;
  });
  return `${usage}\n\n${description}\n\nOptions:\n${rows.join('\n')}\n\nExample:\n  ${example}\n`;
}
