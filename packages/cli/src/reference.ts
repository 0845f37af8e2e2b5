import { ENVIRONMENT_KEYS, runConfigJsonSchema } from 'topickd/app';
import { GLOBAL_FLAGS, usageLine, type FlagSpec } from './args.js';
import { COMMANDS } from './main.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Prose in a cell: `<` and `>` outside code spans escaped, so `OUT/K<K>` is text, not an HTML tag. */
const prose = (s: string) =>
  cell(s)
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
const rows = (spec: Record<string, FlagSpec>) =>
  Object.entries(spec).map(([k, s]) => `| \`${cell(`--${k}${s.arg ? ` ${s.arg}` : ''}`)}\` | ${s.type} | ${s.required ? 'yes' : ''} | ${prose(s.description)} |`);

/**
 * The CLI reference in Markdown, generated from the commands' flag declarations (the same specs
 * that parse the flags and print --help): docs/reference/cli.md (`node scripts/write-references.mjs`).
 */
export function cliReference(): string {
  const out = ['# CLI reference', '', '<!-- Generated from the flag declarations (packages/cli/src/commands/*.ts) by `node scripts/write-references.mjs`; do not edit. -->', ''];
  out.push('Every command also takes the global flags at the end of this page. A required flag that sets a config key may come from the `--config` file instead.', '');
  for (const c of COMMANDS) {
    out.push(`## ${c.name}`, '', prose(c.summary), '', '```', usageLine(c.name, c.flags), '```', '', `Example: \`${c.example}\``, '');
    if (Object.keys(c.flags).length) out.push('| flag | type | required | description |', '| --- | --- | --- | --- |', ...rows(c.flags), '');
  }
  out.push('## Global flags', '', '| flag | type | required | description |', '| --- | --- | --- | --- |', ...rows(GLOBAL_FLAGS as Record<string, FlagSpec>), '');
  return out.join('\n');
}

/** The config file reference in Markdown, from the schema that validates configs: docs/reference/config.md. */
export function configReference(): string {
  const schema = runConfigJsonSchema() as { properties: Record<string, { description?: string; type?: string | string[]; enum?: unknown[] }> };
  const out = ['# Config file reference', '', '<!-- Generated from the config schema (packages/topickd/src/app/run/run-config.ts) by `node scripts/write-references.mjs`; do not edit. -->', ''];
  out.push('Keys of `topickd.config.yaml` / `.json` and of `createTopicKD({ ... })`; the JSON Schema is `topickd/topickd.config.schema.json`.', '');
  const env = Object.entries(ENVIRONMENT_KEYS).map(([name, key]) => `\`${name}\` sets \`${key}\``).join(', ');
  out.push(`A setting is resolved in one order: the default < the config file < the environment (${env}) < a flag of the same name in kebab-case (in code: the settings given to \`createTopicKD\`). Each value is checked by the same schema wherever it comes from.`, '');
  out.push('| key | type | description |', '| --- | --- | --- |');
  for (const [k, p] of Object.entries(schema.properties)) {
    const type = p.enum ? p.enum.map((v) => JSON.stringify(v)).join(' \\| ') : Array.isArray(p.type) ? p.type.join(' \\| ') : (p.type ?? 'object');
    out.push(`| \`${k}\` | ${type} | ${prose(p.description ?? '')} |`);
  }
  out.push('');
  return out.join('\n');
}
