/** The process-wide memory budget for all logs (main/engine/log-budget.ts), as the contract carries it. */
import { z } from 'zod';
import { command, schemaOnUse } from './built-on-use';
import { MAX_LOG_BUDGET_MIB, MIB, MIN_LOG_BUDGET_MIB } from './log-budget-size';

export { MAX_LOG_BUDGET_MIB, MIB, MIN_LOG_BUDGET_MIB, parseByteSize } from './log-budget-size';

export const LogBudgetStatus = schemaOnUse(() =>
  z.object({
    limitBytes: z.number().int().positive(),
    /** Memory the logs hold now (payload slabs and grown columns). */
    usedBytes: z.number().int().nonnegative(),
    /** Entries dropped from any log to stay within the budget since the process started. */
    droppedEntries: z.number().int().nonnegative(),
  }),
);

export const logBudgetCommands = {
  'logBudget.get': command(() => ({ input: z.object({}), output: LogBudgetStatus })),
  /** A new budget; logs above it give memory back at once (closed sockets' first, then the oldest entries). */
  'logBudget.set': command(() => ({
    input: z.object({
      limitBytes: z
        .number({ error: 'The memory budget must be a number of bytes' })
        .int('The memory budget must be a whole number of bytes')
        .min(MIN_LOG_BUDGET_MIB * MIB, `The memory budget is at least ${MIN_LOG_BUDGET_MIB} MiB`)
        .max(MAX_LOG_BUDGET_MIB * MIB, `The memory budget is at most ${MAX_LOG_BUDGET_MIB / 1024} GiB`),
    }),
    output: LogBudgetStatus,
  })),
} as const;

export type LogBudgetStatus = z.infer<typeof LogBudgetStatus>;
