/**
 * One desktop app at a time: a second launch hands over to the first (which comes to the front)
 * and quits before it opens anything, so it never competes for the workspace. The browser host
 * keeps its own session lock (src/main/session/lock.ts).
 */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  quit(): void;
}

/** True when this process is the one instance; otherwise it has asked to quit. */
export function claimSingleInstance(app: SingleInstanceApp, bringForward: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', bringForward);
  return true;
}

export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Shows the window wherever it was: minimized, hidden or behind others. */
export function bringToFront(window: FocusableWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
