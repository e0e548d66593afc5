/**
 * When the window's page crashes or hangs, the user is told and chooses: reload it, wait (for a
 * hang), or quit. Sockets and logs live in main, so a reload loses nothing: the page asks for a
 * snapshot when it loads (src/renderer/src/sync/sync.ts). Each event goes to the error log.
 */
import type { MessageBoxOptions, RenderProcessGoneDetails } from 'electron';

export interface WatchedWindow {
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  isDestroyed(): boolean;
  webContents: {
    on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetails) => void): unknown;
    reload(): void;
    /** A hung page often ignores a plain reload: end its process first (Electron's advice). */
    forcefullyCrashRenderer(): void;
  };
}

export interface HealthActions {
  /** A message box for this window; `signal` closes it when the page recovers by itself. */
  ask(options: MessageBoxOptions & { signal: AbortSignal }): Promise<{ response: number }>;
  /** One line in the error log. */
  record(kind: 'renderer-gone' | 'renderer-unresponsive', message: string): void;
  quit(): void;
}

const SAFE = 'Your sockets keep running and every log is kept: reloading the window shows them again.';

export function watchRendererHealth(window: WatchedWindow, actions: HealthActions): void {
  /** The open question, if any: one at a time, and a hang that ends closes its own. */
  let asking: { controller: AbortController; hang: boolean } | undefined;

  const ask = async (hang: boolean, options: MessageBoxOptions, choices: Record<number, () => void>): Promise<void> => {
    asking?.controller.abort();
    const controller = new AbortController();
    asking = { controller, hang };
    try {
      const { response } = await actions.ask({ ...options, signal: controller.signal });
      if (controller.signal.aborted || window.isDestroyed()) return;
      choices[response]?.();
    } catch (error) {
      // The question could not be shown (the window went away meanwhile): say so in the log.
      actions.record(
        hang ? 'renderer-unresponsive' : 'renderer-gone',
        `Could not ask what to do: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      if (asking?.controller === controller) asking = undefined;
    }
  };

  window.webContents.on('render-process-gone', (_event, details) => {
    // A page that closes normally (the window is closing) is not a crash.
    if (details.reason === 'clean-exit') return;
    const what = `The window's page stopped (${details.reason}, exit code ${details.exitCode})`;
    actions.record('renderer-gone', what);
    void ask(
      false,
      { type: 'error', title: 'Sockscope', message: what, detail: SAFE, buttons: ['Reload', 'Quit'], defaultId: 0, cancelId: 0, noLink: true },
      { 0: () => window.webContents.reload(), 1: actions.quit },
    );
  });

  window.on('unresponsive', () => {
    const what = "The window's page is not responding";
    actions.record('renderer-unresponsive', what);
    void ask(
      true,
      {
        type: 'warning',
        title: 'Sockscope',
        message: what,
        detail: `${SAFE} Or wait for it to respond.`,
        buttons: ['Reload', 'Wait', 'Quit'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      },
      {
        0: () => {
          window.webContents.forcefullyCrashRenderer();
          window.webContents.reload();
        },
        2: actions.quit,
      },
    );
  });

  window.on('responsive', () => {
    if (asking?.hang) asking.controller.abort();
  });
}
