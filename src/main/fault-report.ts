/**
 * What happens when code in the main process throws where nothing catches it (a bug in a socket
 * callback, a rejected promise nobody awaited): the process keeps running, so every other socket
 * and every log survives; the details go to a file; and the user is told, in the status bar.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ErrorInfo } from '@shared/contract';

export interface FaultReporterOptions {
  /** Where the details go, one JSON object a line; the folder is created when needed. */
  logFile: string;
  /** Tells the user; called at most once per `notifyIntervalMs`. */
  notify(error: ErrorInfo): void;
  /** Text that must never reach the file or the user (the host's token). */
  secrets?: readonly string[];
  /** The file is moved to `<logFile>.1` beyond this size, so a fault storm cannot fill the disk. */
  maxFileBytes?: number;
  notifyIntervalMs?: number;
  /** The process in production; an EventEmitter in tests, whose runner owns the real one. */
  source?: FaultSource;
}

type FaultEvent = 'uncaughtException' | 'unhandledRejection';

export interface FaultSource {
  on(event: FaultEvent, listener: (fault: unknown) => void): unknown;
  off(event: FaultEvent, listener: (fault: unknown) => void): unknown;
}

export const FAULT_LOG_MAX_BYTES = 1024 * 1024;

/** Installs the handlers; returns the function that removes them. */
export function installFaultReporter(options: FaultReporterOptions): () => void {
  const source = options.source ?? process;
  const maxFileBytes = options.maxFileBytes ?? FAULT_LOG_MAX_BYTES;
  const notifyIntervalMs = options.notifyIntervalMs ?? 1000;
  let lastNotified = -Infinity;
  let unreported = 0;

  const redact = (text: string): string =>
    (options.secrets ?? []).reduce((out, secret) => (secret ? out.split(secret).join('[redacted]') : out), text);

  const report = (kind: FaultEvent, fault: unknown): void => {
    // Nothing in here may throw: an exception in an uncaughtException handler ends the process.
    try {
      const message = redact(fault instanceof Error ? fault.message : String(fault));
      const stack = fault instanceof Error && fault.stack ? redact(fault.stack) : undefined;
      const written = writeLine(options.logFile, maxFileBytes, { time: new Date().toISOString(), kind, message, stack });
      const now = performance.now();
      if (now - lastNotified < notifyIntervalMs) {
        unreported++;
        return;
      }
      lastNotified = now;
      const more = unreported > 0 ? ` (and ${unreported} more since the last report)` : '';
      unreported = 0;
      const where = written === true ? `Details are in ${options.logFile}` : `The details could not be saved: ${written}`;
      options.notify({
        code: 'INTERNAL',
        message: `Sockscope hit an unexpected error and kept running: ${message}${more}. ${where}.`,
      });
    } catch (error) {
      process.stderr.write(`Sockscope: could not report an unexpected error: ${String(error)}\n`);
    }
  };

  const onException = (error: unknown): void => report('uncaughtException', error);
  const onRejection = (reason: unknown): void => report('unhandledRejection', reason);
  source.on('uncaughtException', onException);
  source.on('unhandledRejection', onRejection);
  return () => {
    source.off('uncaughtException', onException);
    source.off('unhandledRejection', onRejection);
  };
}

/** Appends one JSON line to the error log (also used for renderer crashes); true, or why it could not. */
export function writeLine(file: string, maxBytes: number, record: object): true | string {
  try {
    mkdirSync(dirname(file), { recursive: true });
    if (sizeOf(file) > maxBytes) renameSync(file, `${file}.1`);
    appendFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    return true;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Where faults are written: a `logs` folder in Sockscope's config folder (see session/paths). */
export function faultLogFile(configDir: string): string {
  return join(configDir, 'logs', 'errors.log');
}
