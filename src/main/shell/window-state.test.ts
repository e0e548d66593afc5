import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadWindowState, placeWindow, saveWindowState, trackWindowState, windowStateFile } from './window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const monitor = { x: 1440, y: -200, width: 2560, height: 1415 };

describe('window placement', () => {
  it('keeps saved bounds that fit a display', () => {
    const saved = { x: 1600, y: 0, width: 1200, height: 800 };
    expect(placeWindow(saved, [laptop, monitor], laptop)).toEqual(saved);
  });

  it('moves a window hanging off an edge back onto the display it overlaps most', () => {
    expect(placeWindow({ x: 1000, y: 500, width: 1000, height: 600 }, [laptop], laptop)).toEqual({ x: 440, y: 275, width: 1000, height: 600 });
  });

  it('shrinks a window larger than its display, but not below the minimum the display allows', () => {
    expect(placeWindow({ x: 0, y: 0, width: 3000, height: 2000 }, [laptop], laptop)).toEqual(laptop);
    const tiny = { x: 0, y: 0, width: 640, height: 480 };
    expect(placeWindow({ x: 0, y: 0, width: 300, height: 200 }, [tiny], tiny)).toEqual({ x: 0, y: 0, width: 640, height: 480 });
  });

  it('centres on the primary display a window on a display that is gone, or never placed', () => {
    expect(placeWindow({ x: 5000, y: 0, width: 1000, height: 700 }, [laptop], laptop)).toEqual({ x: 220, y: 88, width: 1000, height: 700 });
    expect(placeWindow(undefined, [laptop, monitor], laptop)).toEqual({ x: 80, y: 28, width: 1280, height: 820 });
  });
});

describe('window state file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sockscope-window-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves on close what it reads back', () => {
    const file = windowStateFile(dir);
    const window = Object.assign(new EventEmitter(), {
      getNormalBounds: () => ({ x: 10.4, y: 20, width: 900, height: 600.6 }),
      isMaximized: () => true,
    });
    trackWindowState(window, file, () => 'light', vi.fn());
    window.emit('close');
    expect(loadWindowState(file)).toEqual({ bounds: { x: 10, y: 20, width: 900, height: 601 }, maximized: true, theme: 'light' });
  });

  it('reads nothing from a missing, broken or foreign file', () => {
    const file = windowStateFile(dir);
    expect(loadWindowState(file)).toBeUndefined();
    for (const text of ['{', 'null', '{"bounds":{"x":0,"y":0,"width":-5,"height":10}}', '{"bounds":{"x":1e9,"y":0,"width":5,"height":10}}']) {
      writeFileSync(file, text);
      expect(loadWindowState(file), text).toBeUndefined();
    }
    writeFileSync(file, '{"bounds":{"x":0,"y":0,"width":900,"height":600}}');
    expect(loadWindowState(file)).toEqual({ bounds: { x: 0, y: 0, width: 900, height: 600 }, maximized: false, theme: 'system' });
  });

  it('reports a save that fails instead of throwing from the close', () => {
    const onError = vi.fn();
    const window = Object.assign(new EventEmitter(), { getNormalBounds: () => ({ x: 0, y: 0, width: 900, height: 600 }), isMaximized: () => false });
    // A file where the folder should be.
    writeFileSync(join(dir, 'blocked'), '');
    trackWindowState(window, join(dir, 'blocked', 'window-state.json'), () => 'system', onError);
    expect(() => window.emit('close')).not.toThrow();
    expect(onError.mock.calls[0][0]).toMatch(/Could not save the window/);
    saveWindowState(windowStateFile(dir), { bounds: { x: 1, y: 2, width: 3, height: 4 }, maximized: false, theme: 'dark' });
    expect(JSON.parse(readFileSync(windowStateFile(dir), 'utf8'))).toMatchObject({ theme: 'dark' });
  });
});
