/**
 * The window comes back where the user left it: size, position and maximized state (and the
 * theme chosen in View › Theme), kept in `window-state.json` in Sockscope's settings folder.
 * What is read back is validated, and placed on a display that exists now: a monitor unplugged
 * since must not leave the window off screen.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 820, height: 520 } as const;

const Coordinate = z.number().int().min(-100_000).max(100_000);
const Length = z.number().int().min(1).max(100_000);
export const Rectangle = z.object({ x: Coordinate, y: Coordinate, width: Length, height: Length });
export type Rectangle = z.infer<typeof Rectangle>;
export const ThemeSource = z.enum(['system', 'light', 'dark']);
export type ThemeSource = z.infer<typeof ThemeSource>;

export const WindowState = z.object({
  bounds: Rectangle,
  maximized: z.boolean().default(false),
  theme: ThemeSource.default('system'),
});
export type WindowState = z.infer<typeof WindowState>;

export const windowStateFile = (dir: string): string => join(dir, WINDOW_STATE_FILE);

/** What was saved, or undefined (none yet, unreadable, or not what we write). */
export function loadWindowState(file: string): WindowState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = WindowState.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole and renamed into place, so a crash mid-write leaves the previous state. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const draft = `${file}.tmp`;
  writeFileSync(draft, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(draft, file);
}

/**
 * Where the window opens: the saved bounds moved and shrunk into the work area of the display
 * they overlap most; centred on the primary display when they overlap none (or nothing was saved).
 */
export function placeWindow(saved: Rectangle | undefined, workAreas: readonly Rectangle[], primary: Rectangle): Rectangle {
  const wanted = saved ?? { x: primary.x, y: primary.y, ...DEFAULT_SIZE };
  let best: Rectangle | undefined;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const overlap = overlapArea(wanted, area);
    if (overlap > bestOverlap) [best, bestOverlap] = [area, overlap];
  }
  const area = saved && best ? best : primary;
  const width = Math.max(Math.min(wanted.width, area.width), Math.min(MIN_SIZE.width, area.width));
  const height = Math.max(Math.min(wanted.height, area.height), Math.min(MIN_SIZE.height, area.height));
  if (!saved || !best) {
    return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
  }
  return { x: clamp(wanted.x, area.x, area.x + area.width - width), y: clamp(wanted.y, area.y, area.y + area.height - height), width, height };
}

function overlapArea(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

const clamp = (value: number, min: number, max: number): number => Math.min(Math.max(value, min), max);

export interface TrackedWindow {
  on(event: 'close', listener: () => void): unknown;
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
}

/** Saves the window's state when it closes (quitting closes it too); a failed save is reported, not thrown. */
export function trackWindowState(window: TrackedWindow, file: string, theme: () => ThemeSource, onError: (message: string) => void): void {
  window.on('close', () => {
    try {
      const { x, y, width, height } = window.getNormalBounds();
      const bounds = { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
      saveWindowState(file, { bounds, maximized: window.isMaximized(), theme: theme() });
    } catch (error) {
      onError(`Could not save the window's size and place: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
