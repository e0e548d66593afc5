import { create } from 'zustand';
import type { PayloadFormat, TextEncoding } from '@shared/payload';

export type PayloadView = 'text' | 'hex';
/** The log also shows payloads decoded (JSON, HTTP, RESP; see shared/decoders). */
export type LogPayloadView = PayloadView | 'decoded';
/** The send bar's input: typed text, hex or base64, or a file streamed from disk. */
export type SendMode = PayloadFormat | 'file';
/** System follows the OS's light or dark setting; the others hold whatever the OS says. */
export type Theme = 'system' | 'light' | 'dark';
export const themes: readonly Theme[] = ['system', 'light', 'dark'];

export interface Preferences {
  /** How the log shows payloads. */
  logView: LogPayloadView;
  /** How the log's text view decodes payloads. */
  textEncoding: TextEncoding;
  /** Width of the socket list, in CSS pixels. */
  sidebarWidth: number;
  theme: Theme;
  /** The log's Δ column: time since the previous entry. */
  showDelta: boolean;
}

const STORAGE_KEY = 'sockscope.preferences';
export const SIDEBAR_WIDTH = { min: 240, max: 560, initial: 320 };
const defaults: Preferences = {
  logView: 'text',
  textEncoding: 'utf-8',
  sidebarWidth: SIDEBAR_WIDTH.initial,
  theme: 'system',
  showDelta: true,
};

export function clampSidebarWidth(width: number): number {
  return Math.round(Math.min(SIDEBAR_WIDTH.max, Math.max(SIDEBAR_WIDTH.min, width)));
}

function load(): Preferences {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!raw) return defaults;
    const stored = JSON.parse(raw) as Partial<Record<keyof Preferences, unknown>>;
    return {
      logView: stored.logView === 'hex' || stored.logView === 'decoded' ? stored.logView : 'text',
      textEncoding: stored.textEncoding === 'latin1' ? 'latin1' : 'utf-8',
      sidebarWidth: typeof stored.sidebarWidth === 'number' ? clampSidebarWidth(stored.sidebarWidth) : SIDEBAR_WIDTH.initial,
      theme: themes.find((theme) => theme === stored.theme) ?? 'system',
      showDelta: stored.showDelta !== false,
    };
  } catch {
    // Storage may be unavailable (private mode, tests): preferences then last for the session.
    return defaults;
  }
}

/** Choices that outlive a session: log view, text encoding, sidebar width, theme. */
export const usePreferences = create<Preferences>()(() => load());

export function setPreference<K extends keyof Preferences>(key: K, value: Preferences[K]): void {
  usePreferences.setState({ [key]: value } as Pick<Preferences, K>);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(usePreferences.getState()));
  } catch {
    // Not persisted; the choice still holds for this session.
  }
}
