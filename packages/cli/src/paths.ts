import { refuseOutputOverInput } from '@topickd/core/node';
import { resolve } from 'node:path';
import { isBundledDataset, resolveDataPath, type RunConfig } from 'topickd/app';
import { GLOBAL_FLAGS, type FlagSpec, type ParsedFlags } from './args.js';

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * One rule for relative paths: a flag's value is relative to the working directory, a config
 * file's to the file's folder — whatever the command does with it. With a config file, the
 * app layer resolves relative paths against the file's folder (`baseDir`, as the API resolves
 * against its `baseDir`), so a relative path given as a flag is made absolute here, against the
 * working directory (a command's own path flags, such as --teacher, too); and a relative path a config file gives for a path the command writes
 * (`out`) is made absolute against the file's folder. Without a config file nothing changes:
 * both are the working directory. Bundled dataset names (m10, 20ng) are names, not paths.
 */
export function resolvePathFlags(spec: Record<string, FlagSpec>, flags: ParsedFlags, cfg: RunConfig): void {
  if (!cfg.baseDir) return;
  const c = cfg as Record<string, unknown>;
  for (const [name, s] of Object.entries({ ...GLOBAL_FLAGS, ...spec } as Record<string, FlagSpec>)) {
    if (!s.path || name === 'config') continue;
    const key = camel(name);
    const fromFlag = flags[key] !== undefined;
    if (!fromFlag && s.path !== 'output') continue;
    const base = fromFlag ? process.cwd() : cfg.baseDir;
    const abs = (v: unknown) => (typeof v === 'string' && v !== '' && !isBundledDataset(v) ? resolve(base, v) : v);
    if (Array.isArray(c[key])) c[key] = (c[key] as unknown[]).map(abs);
    else if (c[key] !== undefined) c[key] = abs(c[key]);
    // a command's own path flags too (--teacher, --model, …): the API it calls resolves against baseDir
    if (fromFlag) flags[key] = (Array.isArray(flags[key]) ? (flags[key] as unknown[]).map(abs) : abs(flags[key])) as ParsedFlags[string];
  }
}

/**
 * Before any work, for every command: each path the command writes (flags marked `path:
 * 'output'`) is checked against each path it reads (`path: 'input'`, `--config` included) —
 * files and folders, after resolving links — so that no run writes over, into, or around one
 * of its own inputs. A flag's value resolves against the working directory, a config file's
 * against the file's folder.
 */
export function checkOutputsAgainstInputs(spec: Record<string, FlagSpec>, flags: ParsedFlags, cfg: RunConfig): void {
  const inputs: Record<string, string> = {};
  const outputs: [string, string][] = [];
  for (const [name, s] of Object.entries({ ...GLOBAL_FLAGS, ...spec } as Record<string, FlagSpec>)) {
    if (!s.path) continue;
    const key = camel(name);
    const given = flags[key];
    const value = given ?? (cfg as Record<string, unknown>)[key];
    if (typeof value !== 'string' && !Array.isArray(value)) continue;
    const base = given !== undefined ? process.cwd() : (cfg.baseDir ?? process.cwd());
    const values = (Array.isArray(value) ? value : [value]).map(String).filter((v) => v !== '');
    values.forEach((v, i) => {
      let path: string;
      try {
        path = isBundledDataset(v) ? resolveDataPath(v) : resolve(base, v);
      } catch {
        return; // a bundled dataset that is not here: the command says so itself
      }
      if (s.path === 'output') outputs.push([name, path]);
      else inputs[values.length > 1 ? `${name} (${i + 1})` : name] = path;
    });
  }
  for (const [name, out] of outputs) refuseOutputOverInput(out, inputs, name);
}
