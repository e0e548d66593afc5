/**
 * Standard output behind a slow reader (`sockscope listen … | slow-reader`): a listener must not
 * slow its peers down for a terminal, and must not queue lines in memory without bound either.
 * While stdout is full, log lines are not formatted at all but counted, and one line says how
 * many were left out once it has room again. The log itself (and any capture file) still has them.
 */
import type { Terminal } from './session';

export interface LogPrinter {
  /** Prints what `line()` makes, unless stdout is still full: then it only counts it. */
  print(line: () => string | Uint8Array): void;
  /** Lines counted instead of printed and not said yet (all of them, without `sayWhenCaughtUp`). */
  readonly skipped: number;
}

export interface LogPrinterOptions {
  /** Once stdout has room again, say on it how many lines were left out (on by default). */
  sayWhenCaughtUp?: boolean;
}

export function logPrinter(terminal: Terminal, { sayWhenCaughtUp = true }: LogPrinterOptions = {}): LogPrinter {
  let behind = false;
  let skipped = 0;
  const catchUp = (): void => {
    behind = false;
    if (!sayWhenCaughtUp || skipped === 0) return;
    const count = skipped;
    skipped = 0;
    const text = `… ${count.toLocaleString('en-US')} log ${count === 1 ? 'entry' : 'entries'} not shown: standard output was not keeping up\n`;
    if (!terminal.out(text)) wait();
  };
  const wait = (): void => {
    behind = true;
    void terminal.drained().then(catchUp);
  };
  return {
    print(line) {
      if (behind) {
        skipped++;
        return;
      }
      if (!terminal.out(line())) wait();
    },
    get skipped() {
      return skipped;
    },
  };
}
