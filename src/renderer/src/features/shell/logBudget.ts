import type { Result } from '@shared/contract';
import type { LogBudgetStatus } from '@shared/log-budget';
import { invoke } from '../../sync/engine';

/** The memory budget all logs share, and how much of it they use. */
export function readLogBudget(): Promise<Result<LogBudgetStatus>> {
  return invoke('logBudget.get', {});
}

export function setLogBudget(limitBytes: number): Promise<Result<LogBudgetStatus>> {
  return invoke('logBudget.set', { limitBytes });
}
