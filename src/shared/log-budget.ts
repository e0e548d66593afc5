/** The process-wide memory budget for all logs (main/engine/log-budget.ts), as the contract carries it. */
import { z } from 'zod';

export const MIB = 1024 * 1024;
/** Kept in step with main/engine/log-budget.ts. */
export const MIN_LOG_BUDGET_MIB = 16;
export const MAX_LOG_BUDGET_MIB = 64 * 1024;

export const LogBudgetStatus = z.object({
  limitBytes: z.number().int().positive(),
  /** Memory the logs hold now (payload slabs and grown columns). */
  usedBytes: z.number().int().nonnegative(),
  /** Entries dropped from any log to stay within the budget since the process started. */
  droppedEntries: z.number().int().nonnegative(),
});

export const logBudgetCommands = {
  'logBudget.get': { input: z.object({}), output: LogBudgetStatus },
  /** A new budget; logs above it give memory back at once (closed sockets' first, then the oldest entries). */
  'logBudget.set': {
    input: z.object({
      limitBytes: z
        .number({ error: 'The memory budget must be a number of bytes' })
        .int('The memory budget must be a whole number of bytes')
        .min(MIN_LOG_BUDGET_MIB * MIB, `The memory budget is at least ${MIN_LOG_BUDGET_MIB} MiB`)
        .max(MAX_LOG_BUDGET_MIB * MIB, `The memory budget is at most ${MAX_LOG_BUDGET_MIB / 1024} GiB`),
    }),
    output: LogBudgetStatus,
  },
} as const;

export type LogBudgetStatus = z.infer<typeof LogBudgetStatus>;

/**
 * "512M", "1G", "1.5GiB", "268435456": a size as a person types it on a command line (binary
 * units; a bare number is bytes). Undefined if it is not one.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const power = ' kmgt'.indexOf(match[2].toLowerCase() || ' ');
  return Math.round(Number(match[1]) * 1024 ** power);
}
