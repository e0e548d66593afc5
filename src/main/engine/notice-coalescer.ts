/**
 * Repeated notices fold into one line. A peer that never reads, against an echo, made the engine
 * log "Auto-reply not sent" for every message it sent (2,779 lines on one connection), burying
 * what happened and eating the log's entries. Now the first notice is logged as it comes; the
 * same notice again within a second is only counted, and the count is logged as one line,
 * "<the latest notice> ×1,523", at most once a second for as long as it keeps coming.
 */
import type { LogEventKind } from '@shared/contract';

/** How long after a notice is logged the same notice is counted instead of logged. */
export const FOLD_MS = 1000;
/** Distinct notices tracked at once; the oldest is let go (its count logged) past this. */
const MAX_TRACKED = 16;

export type WriteNotice = (kind: LogEventKind, message: string, code: string | undefined) => void;

interface Tracked {
  kind: LogEventKind;
  message: string;
  code: string | undefined;
  loggedAt: number;
  /** Times it came again since it was last logged. */
  folded: number;
}

export class NoticeCoalescer {
  private readonly tracked = new Map<string, Tracked>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly write: WriteNotice) {}

  /**
   * Logs the notice, or counts it if the same one was logged within FOLD_MS. `sameAs` says what
   * counts as the same (for notices whose text carries a changing number); by default the kind,
   * code and text.
   */
  notice(kind: LogEventKind, message: string, code?: string, sameAs = `${kind}\u0000${code ?? ''}\u0000${message}`): void {
    if (this.stopped) return;
    const at = performance.now();
    const seen = this.tracked.get(sameAs);
    if (seen && at - seen.loggedAt < FOLD_MS) {
      seen.folded++;
      seen.kind = kind;
      seen.message = message;
      seen.code = code;
      this.flushSoon();
      return;
    }
    if (seen) {
      this.flush(seen);
      this.tracked.delete(sameAs);
    }
    this.write(kind, message, code);
    this.tracked.set(sameAs, { kind, message, code, loggedAt: at, folded: 0 });
    if (this.tracked.size > MAX_TRACKED) this.forgetOldest();
  }

  /** Logs what was counted and not yet said (the socket is closing, or a test wants it now). */
  flushAll(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const at = performance.now();
    for (const [key, notice] of this.tracked) {
      if (notice.folded > 0) {
        this.flush(notice);
        notice.loggedAt = at;
      } else if (at - notice.loggedAt >= FOLD_MS) {
        this.tracked.delete(key);
      }
    }
  }

  /** The log is gone: nothing more is written. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.tracked.clear();
  }

  private flush(notice: Tracked): void {
    if (notice.folded === 0) return;
    this.write(notice.kind, `${notice.message} ×${notice.folded.toLocaleString('en-US')}`, notice.code);
    notice.folded = 0;
  }

  private flushSoon(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushAll();
    }, FOLD_MS);
    // A count waiting to be logged must not keep a CLI or test process alive.
    this.timer.unref?.();
  }

  private forgetOldest(): void {
    const [key, notice] = this.tracked.entries().next().value as [string, Tracked];
    this.flush(notice);
    this.tracked.delete(key);
  }
}

/**
 * A running total said in the log at most once a second ("12,345 entries dropped …"), and never
 * from inside the code that counts (the budget counts in the middle of another log's append).
 */
export class RunningTotalNotice {
  private total = 0;
  private said = 0;
  private lastSaidAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly say: (total: number) => void) {}

  add(count: number): void {
    this.total += count;
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSaidAt + FOLD_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.total === this.said) return;
      this.said = this.total;
      this.lastSaidAt = performance.now();
      this.say(this.total);
    }, wait);
    this.timer.unref?.();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
