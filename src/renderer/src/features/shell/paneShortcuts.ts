import { useUi } from './ui';
import { useView } from './view';

/** Ctrl on Windows and Linux, ⌘ on macOS: the modifier of Ctrl/⌘+F and Ctrl/⌘+1…9. */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const modKeyName = isMac ? '⌘' : 'Ctrl+';
export const modKeyAria = isMac ? 'Meta' : 'Control';

/** Ctrl+key (⌘+key on macOS) with no other modifier. */
export function isModKey(event: KeyboardEvent): boolean {
  return (isMac ? event.metaKey : event.ctrlKey) && !event.altKey && !event.shiftKey;
}

/**
 * Whether the socket pane's shortcuts apply now: it is shown (not hidden under the Ports view)
 * and no dialog is open over it.
 */
export function paneShortcutsActive(): boolean {
  return useUi.getState().dialog === null && useView.getState().view === 'sockets';
}
