import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { preventable } from './test-support/fake-electron';
import { awaitShutdownOnQuit } from './quit';

function fakeApp() {
  const app = Object.assign(new EventEmitter(), { exit: vi.fn() });
  const willQuit = () => {
    const event = preventable();
    app.emit('will-quit', event);
    return event;
  };
  return { app, willQuit };
}

describe('quitting', () => {
  it('holds the quit back until the shutdown has finished, then exits once', async () => {
    const { app, willQuit } = fakeApp();
    let finish!: () => void;
    const shutdown = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    awaitShutdownOnQuit(app, shutdown);
    expect(willQuit().defaultPrevented).toBe(true);
    // A second Quit meanwhile starts nothing new.
    expect(willQuit().defaultPrevented).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.exit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0));
    expect(shutdown).toHaveBeenCalledOnce();
  });

  it('still exits when the shutdown fails or hangs, and says why', async () => {
    for (const shutdown of [() => Promise.reject(new Error('disk full')), () => new Promise<void>(() => undefined)]) {
      const { app, willQuit } = fakeApp();
      const onProblem = vi.fn();
      awaitShutdownOnQuit(app, shutdown, { timeoutMs: 50, onProblem });
      willQuit();
      await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0));
      expect(onProblem.mock.calls[0][0]).toMatch(/disk full|waited 0.05 s/);
    }
  });
});
