/**
 * One memory budget for every log of the process. Each log was bounded on its own (64 MiB), so
 * forty busy connections held 2.8 GB, and nothing was given back when they closed. Now a log asks
 * this accountant before it takes more memory (a payload slab, a larger set of columns: once per
 * megabyte or per doubling, never per read), and when the budget is reached memory is taken back:
 * first from closed sockets' logs (oldest closed first, its oldest entries first), then from the
 * oldest entries of any log.
 * What each log loses this way is counted in its head (`budgetDropped`) and said in its log.
 */
import type { LogBudgetStatus } from '@shared/log-budget';
import { MIN_LOG_BUDGET_MIB } from '@shared/log-budget-size';

/**
 * 512 MiB: eight connections flooding at full speed keep their whole per-log window (64 MiB
 * each), while the app stays a well-behaved desktop citizen on a machine with 8 GB (Electron's
 * own processes take a few hundred MB more). Users capturing more raise it; small machines lower it.
 */
export const DEFAULT_LOG_BUDGET_BYTES = 512 * 1024 * 1024;
/** Below this the logs could not hold even a few slabs between them. */
export const MIN_LOG_BUDGET_BYTES = MIN_LOG_BUDGET_MIB * 1024 * 1024;
/**
 * At most this share of the budget may be in slabs lent to reads (SocketLog.lendForRead): charged
 * like any other, but not to be taken back before their read comes, so the rest of the budget
 * must always be enough to take back from.
 */
const LENDABLE_SHARE = 1 / 4;

/** What the accountant needs from a log to take memory back from it. */
export interface BudgetedLog {
  /** Memory the log holds beyond an empty log's (charged through `charge`). */
  readonly charged: number;
  /** Time of the oldest entry it holds, or undefined if it holds none. */
  oldestTime(): number | undefined;
  /** Drops its oldest entries until at least one slab (or its grown columns) is given back; returns how many. */
  evictOldest(): number;
  /** Drops everything it holds; returns how many entries. */
  evictAll(): number;
}

export class LogBudget {
  private used = 0;
  private dropped = 0;
  /** Of `used`, the slabs lent to reads. */
  private lent = 0;
  /** Logs holding charged memory. */
  private readonly holders = new Set<BudgetedLog>();
  /** Logs of closed sockets, in the order they closed: the first to give memory back. */
  private readonly closed = new Set<BudgetedLog>();

  constructor(private limit = DEFAULT_LOG_BUDGET_BYTES) {}

  get limitBytes(): number {
    return this.limit;
  }

  status(): LogBudgetStatus {
    return { limitBytes: this.limit, usedBytes: this.used, droppedEntries: this.dropped };
  }

  /** A new limit; memory above it is taken back at once. */
  setLimit(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < MIN_LOG_BUDGET_BYTES) {
      throw new RangeError(`The log memory budget must be at least ${MIN_LOG_BUDGET_BYTES / (1024 * 1024)} MiB, got ${bytes} bytes`);
    }
    this.limit = bytes;
    this.makeRoom(0);
  }

  /**
   * Frees memory until `bytes` more fit, from any log, the asking one's own oldest entries
   * included. Called before the memory is allocated, and before the entry that needs it is placed.
   */
  makeRoom(bytes: number): void {
    while (this.used + bytes > this.limit) {
      const before = this.used;
      const victim = this.oldestClosed() ?? this.oldestHolder();
      if (!victim) return;
      const evicted = victim.evictOldest();
      this.dropped += evicted;
      // A log holding memory gives some back, or at least entries (its slab lent to a read stays
      // until the read comes: the next turn takes from another log); if neither, stop rather than spin.
      if (this.used >= before && evicted === 0) return;
    }
  }

  /** Whether a slab of `bytes` may be lent to a read, within the share of the budget that may be. */
  mayLend(bytes: number): boolean {
    return this.lent + bytes <= this.limit * LENDABLE_SHARE;
  }

  /** A charged slab of `bytes` lent to a read (positive), or back from it (negative). */
  lend(bytes: number): void {
    this.lent += bytes;
  }

  /** Memory taken (positive) or given back (negative) by `log`. */
  charge(log: BudgetedLog, bytes: number): void {
    this.used += bytes;
    if (log.charged > 0) this.holders.add(log);
    else {
      this.holders.delete(log);
      this.closed.delete(log);
    }
  }

  /** The log's socket is closed: its memory is the first to be taken back. */
  markClosed(log: BudgetedLog): void {
    if (log.charged > 0) this.closed.add(log);
  }

  private oldestClosed(): BudgetedLog | undefined {
    for (const log of this.closed) {
      if (log.charged > 0) return log;
      this.closed.delete(log);
    }
    return undefined;
  }

  /** The log holding the oldest entry, among those holding memory (one pass: only once a megabyte). */
  private oldestHolder(): BudgetedLog | undefined {
    let oldest: BudgetedLog | undefined;
    let oldestTime = Infinity;
    let anyHolder: BudgetedLog | undefined;
    for (const log of this.holders) {
      anyHolder ??= log;
      const time = log.oldestTime();
      if (time !== undefined && time < oldestTime) {
        oldest = log;
        oldestTime = time;
      }
    }
    return oldest ?? anyHolder;
  }
}

/** The process's budget: one app, host or CLI listener per process, and every log in it shares this. */
export const logBudget = new LogBudget();
