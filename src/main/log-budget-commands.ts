/** The contract's logBudget.* commands, on the process's one log budget (engine/log-budget.ts). */
import type { Output, ParsedInput } from '@shared/contract';
import { logBudget } from './engine/log-budget';

export const logBudgetHandlers = {
  'logBudget.get': (): Output<'logBudget.get'> => logBudget.status(),
  'logBudget.set': (_engine: unknown, { limitBytes }: ParsedInput<'logBudget.set'>): Output<'logBudget.set'> => {
    logBudget.setLimit(limitBytes);
    return logBudget.status();
  },
};
