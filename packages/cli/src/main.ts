import { isTopicKDError, type Logger } from '@topickd/core';
import { checkRequired, helpText, parseFlags, usageLine } from './args.js';
import type { Command, CommandContext } from './command.js';
import { flagSetsConfigKey, flagsToConfig } from './command.js';
import { checkOutputsAgainstInputs, resolvePathFlags } from './paths.js';
import { discardCreatedOutputDirs, keepCreatedOutputDirs } from '@topickd/core/node';
import { distillCommand } from './commands/distill.js';
import { distillEncoderCommand } from './commands/distill-encoder.js';
import { embedCommand } from './commands/embed.js';
import { evaluateCommand } from './commands/evaluate.js';
import { experimentCommand } from './commands/experiment.js';
import { demoCommand } from './commands/demo.js';
import { fitCommand } from './commands/fit.js';
import { inferCommand } from './commands/infer.js';
import { infoCommand } from './commands/info.js';
import { reportCommand } from './commands/report.js';
import { exportCommand } from './commands/export.js';
import { topicsCommand } from './commands/topics.js';
import { topicsOverTimeCommand } from './commands/topics-over-time.js';
import { updateCommand } from './commands/update.js';
import { reduceCommand } from './commands/reduce.js';
import { workerCommand } from './commands/worker.js';
import { statusCommand } from './commands/status.js';
import { tuneCommand } from './commands/tune.js';
import { Progress } from 'topickd/app';
import { loadConfigFile, mergeConfig, withCeLogits } from 'topickd/app';

/**
 * The API's messages name an option in backquotes (`topn`, `teacherSeed`); where it is a flag of
 * this command the CLI names the flag (--topn, --teacher-seed), so one check serves both.
 */
export function flagNamed(message: string, flags: Record<string, unknown>): string {
  return message.replace(/`([A-Za-z][\w-]*)`/g, (all, name: string) => {
    const flag = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return Object.hasOwn(flags, flag) ? `--${flag}` : all;
  });
}

export const COMMANDS: Command[] = [demoCommand, fitCommand, updateCommand, distillCommand, distillEncoderCommand, experimentCommand, tuneCommand, evaluateCommand, inferCommand, topicsCommand, topicsOverTimeCommand, reduceCommand, embedCommand, reportCommand, exportCommand, infoCommand, workerCommand, statusCommand];

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`);
  return `topickd — contextualized neural topic models and their knowledge distillation

Usage: topickd <command> [options]    (topickd <command> --help for its options)

Commands:
${rows.join('\n')}

Every command accepts --backend NAME, --config FILE, --json, --quiet, --debug.
`;
}

export interface MainIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIo: MainIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

/** Runs the CLI; returns the exit code (0 ok, 1 runtime error, 2 usage error). */
export async function main(argv: readonly string[], io: MainIo = defaultIo): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(generalHelp());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout('0.1.0\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`topickd: error: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  try {
    const { flags, positionals } = parseFlags(rest, command.flags);
    if (flags.help) {
      io.stdout(helpText(`Usage: ${usageLine(command.name, command.flags)}`, command.summary, command.flags, command.example));
      return 0;
    }
    const file = flags.config ? loadConfigFile(String(flags.config)) : {};
    const cfg = mergeConfig(file, flagsToConfig(flags, command.ownFlags));
    resolvePathFlags(command.flags, flags, cfg);
    // a required flag sets its config key's value (flag over file, paths resolved) or its own
    checkRequired(command.flags, flags, (key) => (flagSetsConfigKey(key, command.ownFlags) ? (cfg as Record<string, unknown>)[key] : undefined));
    checkOutputsAgainstInputs(command.flags, flags, cfg);
    if (flags.ceLogits !== undefined) cfg.losses = withCeLogits(cfg.losses, String(flags.ceLogits));
    const json = Boolean(flags.json);
    const progress = new Progress({ quiet: Boolean(flags.quiet) });
    const logger: Logger = { warn: (m) => io.stderr(`topickd: warning: ${m}\n`) };
    await command.run({ flags: flags as CommandContext['flags'], positionals, argv: rest, cfg, progress, logger, json, print: (t) => io.stdout(`${t}\n`) });
    keepCreatedOutputDirs();
    return 0;
  } catch (e) {
    discardCreatedOutputDirs(); // a failed run leaves no empty output folder (nor its parents) behind
    if (isTopicKDError(e)) {
      io.stderr(`topickd: error: ${flagNamed(e.message, command.flags)}\n`);
      if (debug && e.stack) io.stderr(`${e.stack}\n`);
      return e.kind === 'usage' ? 2 : 1;
    }
    io.stderr(`topickd: error: ${(e as Error)?.message ?? String(e)}\n`);
    if (debug) io.stderr(`${(e as Error)?.stack ?? ''}\n`);
    else io.stderr('(run with --debug for the stack trace)\n');
    return 1;
  }
}
