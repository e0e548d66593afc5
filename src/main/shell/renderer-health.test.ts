import { EventEmitter } from 'node:events';
import type { MessageBoxOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { watchRendererHealth, type HealthActions } from './renderer-health';

function setup(answers: Array<number | 'never'>) {
  const webContents = Object.assign(new EventEmitter(), { reload: vi.fn(), forcefullyCrashRenderer: vi.fn() });
  const window = Object.assign(new EventEmitter(), { webContents, isDestroyed: () => false });
  const asked: Array<MessageBoxOptions & { signal: AbortSignal }> = [];
  const actions: HealthActions = {
    ask: (options) => {
      asked.push(options);
      const answer = answers.shift();
      if (answer !== undefined && answer !== 'never') return Promise.resolve({ response: answer });
      return new Promise((resolve) => options.signal.addEventListener('abort', () => resolve({ response: options.cancelId ?? 0 })));
    },
    record: vi.fn(),
    quit: vi.fn(),
  };
  watchRendererHealth(window, actions);
  return { window, webContents, asked, actions };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a crashed or hung page', () => {
  it('a crash is logged and the page reloaded or the app quit, as the user chooses', async () => {
    const reload = setup([0]);
    reload.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 9 });
    await settle();
    expect(reload.actions.record).toHaveBeenCalledWith('renderer-gone', expect.stringContaining('oom'));
    expect(reload.asked[0].buttons).toEqual(['Reload', 'Quit']);
    expect(reload.webContents.reload).toHaveBeenCalledOnce();

    const quit = setup([1]);
    quit.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 });
    await settle();
    expect(quit.actions.quit).toHaveBeenCalledOnce();
    expect(quit.webContents.reload).not.toHaveBeenCalled();
  });

  it('a page that closes normally is not a crash', async () => {
    const { webContents, asked, actions } = setup([]);
    webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    await settle();
    expect(asked).toHaveLength(0);
    expect(actions.record).not.toHaveBeenCalled();
  });

  it('a hang offers Reload, Wait and Quit; Wait does nothing; recovering closes the question', async () => {
    const { window, webContents, asked, actions } = setup([1, 'never']);
    window.emit('unresponsive');
    await settle();
    expect(asked[0].buttons).toEqual(['Reload', 'Wait', 'Quit']);
    expect(actions.record).toHaveBeenCalledWith('renderer-unresponsive', expect.any(String));
    expect(webContents.reload).not.toHaveBeenCalled();
    expect(actions.quit).not.toHaveBeenCalled();

    window.emit('unresponsive');
    await settle();
    window.emit('responsive');
    await settle();
    expect(asked[1].signal.aborted).toBe(true);
    expect(webContents.reload).not.toHaveBeenCalled();
  });

  it('Reload on a hung page ends its process first, since a hung page ignores a plain reload', async () => {
    const { window, webContents } = setup([0]);
    window.emit('unresponsive');
    await settle();
    expect(webContents.forcefullyCrashRenderer).toHaveBeenCalledOnce();
    expect(webContents.reload).toHaveBeenCalledOnce();
  });

  it('a question that cannot be shown is written to the log, never an unhandled rejection', async () => {
    const { window, actions } = setup([]);
    actions.ask = () => Promise.reject(new Error('Object has been destroyed'));
    watchRendererHealth(window, actions);
    window.emit('unresponsive');
    await settle();
    expect(actions.record).toHaveBeenCalledWith('renderer-unresponsive', 'Could not ask what to do: Object has been destroyed');
  });
});
