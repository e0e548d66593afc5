import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { bringToFront, claimSingleInstance } from './single-instance';

describe('one instance', () => {
  it('the first process keeps going and brings its window forward on a second launch', () => {
    const app = Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => true, quit: vi.fn() });
    const bringForward = vi.fn();
    expect(claimSingleInstance(app, bringForward)).toBe(true);
    app.emit('second-instance');
    expect(bringForward).toHaveBeenCalledOnce();
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('a second process quits at once', () => {
    const app = Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => false, quit: vi.fn() });
    expect(claimSingleInstance(app, vi.fn())).toBe(false);
    expect(app.quit).toHaveBeenCalledOnce();
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('shows a minimized window and leaves a closed one alone', () => {
    const window = { isDestroyed: () => false, isMinimized: () => true, restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    bringToFront(window);
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    const closed = { ...window, isDestroyed: () => true, focus: vi.fn() };
    bringToFront(closed);
    bringToFront(undefined);
    expect(closed.focus).not.toHaveBeenCalled();
  });
});
