/** `--log-budget <size>` on `listen` and `host`: the process-wide memory budget for all logs. */
import { type Command, InvalidArgumentError } from 'commander';
import { formatBytes } from '@shared/codec';
import { MAX_LOG_BUDGET_MIB, MIB, MIN_LOG_BUDGET_MIB, parseByteSize } from '@shared/log-budget-size';
import { DEFAULT_LOG_BUDGET_BYTES, logBudget } from '../main/engine/log-budget';

function parseLogBudget(text: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new InvalidArgumentError('It must be a size such as 256M, 1G or 1.5GiB (binary units; a bare number is bytes).');
  if (bytes < MIN_LOG_BUDGET_MIB * MIB || bytes > MAX_LOG_BUDGET_MIB * MIB) {
    throw new InvalidArgumentError(`It must be between ${MIN_LOG_BUDGET_MIB}M and ${MAX_LOG_BUDGET_MIB / 1024}G.`);
  }
  return bytes;
}

export function addLogBudgetOption(command: Command): Command {
  return command.option(
    '--log-budget <size>',
    `memory for all logs together (default ${formatBytes(DEFAULT_LOG_BUDGET_BYTES)}); past it closed connections' logs, then the oldest entries, are dropped and counted`,
    parseLogBudget,
  );
}

/** Applies `--log-budget` if given; before the core is made, so every log is held to it. */
export function applyLogBudget(bytes: number | undefined): void {
  if (bytes !== undefined) logBudget.setLimit(bytes);
}
