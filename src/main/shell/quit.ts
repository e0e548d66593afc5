/**
 * Quitting waits for the workspace's last save, the session lock's release and every socket's
 * close. Electron does not await a `will-quit` listener, so the first `will-quit` is held back
 * (preventDefault), the shutdown awaited, and the process then ends with `app.exit`, which fires
 * no further quit events.
 */
export interface QuittingApp {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  exit(exitCode?: number): void;
}

export interface ShutdownOptions {
  /** A shutdown that hangs (a peer that never lets go) must not keep the app from quitting. */
  timeoutMs?: number;
  /** Why the shutdown did not finish cleanly (it is written to the error log). */
  onProblem?(message: string): void;
}

export const SHUTDOWN_TIMEOUT_MS = 10_000;

export function awaitShutdownOnQuit(app: QuittingApp, shutdown: () => Promise<void>, options: ShutdownOptions = {}): void {
  let stopping = false;
  app.on('will-quit', (event) => {
    event.preventDefault();
    // A second Quit while the first one runs changes nothing: the first one exits.
    if (stopping) return;
    stopping = true;
    void finish(shutdown, options.timeoutMs ?? SHUTDOWN_TIMEOUT_MS).then((problem) => {
      if (problem) options.onProblem?.(problem);
      app.exit(0);
    });
  });
}

/** Undefined when the shutdown finished; otherwise what went wrong. Never rejects. */
async function finish(shutdown: () => Promise<void>, timeoutMs: number): Promise<string | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`Sockscope quit before its shutdown finished (waited ${timeoutMs / 1000} s)`), timeoutMs);
  });
  try {
    return await Promise.race([shutdown().then(() => undefined), timedOut]);
  } catch (error) {
    return `Shutting down failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
