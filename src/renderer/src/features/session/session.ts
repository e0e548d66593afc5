import { z } from 'zod';
import { create } from 'zustand';
import { builtOnUse } from '@shared/built-on-use';
import type { ErrorInfo, Output } from '@shared/contract';
import type { SessionStatus } from '@shared/session';
import { invoke } from '../../sync/engine';
import { setPreference, type Theme, usePreferences } from '../shell/preferences';
import { SavedSequence } from '@shared/sequences';
import { saveSequences } from '../sequences/sequences';
import { selectSocket, useSockets } from '../sockets/sockets';
import { pruneSendSettings, readSendSettings, type SendSettings, setSendSettings, useSendSettings } from '../send/sendSettings';
import { useUi } from '../shell/ui';

/**
 * The saved workspace as this window sees it: the offer to restore it (or the notice that it could
 * not be read), what restoring it did, and this window's layout, which is saved with it.
 */
interface SessionState {
  status: SessionStatus | undefined;
  busy: 'restore' | 'discard' | null;
  /** After a restore: how many sockets came back and what could not. */
  outcome: { restored: number; problems: string[] } | undefined;
  error: ErrorInfo | undefined;
}

export const useSession = create<SessionState>()(() => ({ status: undefined, busy: null, outcome: undefined, error: undefined }));

/**
 * The layout this window saves: checked on the way back, since the file may be old or edited.
 * Built at the first restore, not when the window loads.
 */
const layoutSchema = builtOnUse(() =>
  z.object({
    sidebarWidth: z.number().optional(),
    logView: z.enum(['text', 'hex', 'decoded']).optional(),
    selectedId: z.string().nullable().optional(),
    collapsed: z.array(z.string()).optional(),
    /** Sequences as a workspace saved them before main kept them (saved-sequences.ts): read, no longer written. */
    sequences: z.array(SavedSequence).optional(),
    theme: z.enum(['system', 'light', 'dark']).optional(),
    /** Each socket's send format, line ending and UDP reply choice (state/sendSettings), by socket id. */
    sendSettings: z.record(z.string(), z.unknown()).optional(),
  }),
);
/** What currentLayout writes: every field present, so it is plain JSON. */
type SavedLayout = {
  sidebarWidth: number;
  logView: 'text' | 'hex' | 'decoded';
  selectedId: string | null;
  collapsed: string[];
  theme: Theme;
  sendSettings: Record<string, SendSettings>;
};

const SAVE_LAYOUT_AFTER_MS = 500;

export async function loadSessionStatus(): Promise<void> {
  const result = await invoke('session.status', {});
  useSession.setState(result.ok ? { status: result.value, error: undefined } : { error: result.error });
}

export async function restoreSession(): Promise<void> {
  useSession.setState({ busy: 'restore', error: undefined });
  const result = await invoke('session.restore', {});
  if (!result.ok) {
    // Restored or set aside in another window meanwhile: this window's offer is out of date.
    if (result.error.code === 'NOT_OFFERED') await loadSessionStatus();
    useSession.setState({ busy: null, error: result.error.code === 'NOT_OFFERED' ? undefined : result.error });
    return;
  }
  applyLayout(result.value);
  const { problems, sockets } = result.value;
  useSession.setState({
    busy: null,
    status: { state: 'none' },
    outcome: problems.length > 0 ? { restored: sockets.length, problems } : undefined,
  });
}

/** Start clean: the offer, or the notice about an unreadable file, goes away. */
export async function discardSession(): Promise<void> {
  useSession.setState({ busy: 'discard', error: undefined });
  const result = await invoke('session.discard', {});
  useSession.setState(result.ok ? { busy: null, status: result.value } : { busy: null, error: result.error });
}

/** The notice that another Sockscope keeps the workspace, read: it goes away until the next start. */
export function dismissSessionElsewhere(): void {
  useSession.setState({ status: { state: 'none' } });
}

export function dismissRestoreOutcome(): void {
  useSession.setState({ outcome: undefined });
}

/** The layout saved before, onto the restored sockets (they have new ids). */
function applyLayout(outcome: Output<'session.restore'>): void {
  // No layout saved (or not one this version reads): the restored sockets still get selected.
  const layout = layoutSchema().safeParse(outcome.ui ?? {});
  const ids = new Map(outcome.sockets.map((socket) => [socket.previousId, socket.id]));
  const { sidebarWidth, logView, selectedId, collapsed, theme, sequences } = layout.success ? layout.data : {};
  // Sequences a layout carried before main kept them: added to the ones there are (same id: the saved one wins).
  if (sequences) void saveSequences(sequences);
  if (sidebarWidth !== undefined) setPreference('sidebarWidth', sidebarWidth);
  if (theme !== undefined) setPreference('theme', theme);
  for (const [previousId, value] of Object.entries(layout.success ? (layout.data.sendSettings ?? {}) : {})) {
    const id = ids.get(previousId);
    const settings = readSendSettings(value);
    if (id !== undefined && settings) setSendSettings({ id }, settings);
  }
  if (logView !== undefined) setPreference('logView', logView);
  const selected = (selectedId == null ? undefined : ids.get(selectedId)) ?? outcome.sockets[0]?.id;
  if (selected !== undefined) selectSocket(selected);
  if (collapsed) useUi.setState({ collapsed: new Set(collapsed.flatMap((id) => ids.get(id) ?? [])) });
}

function currentLayout(): SavedLayout {
  const { sidebarWidth, logView, theme } = usePreferences.getState();
  const { selectedId, sockets } = useSockets.getState();
  // An accepted connection is not restored; its listener is, and is the next best thing to show.
  const selected = selectedId === null ? null : (sockets[selectedId]?.parentId ?? selectedId);
  // Only sockets a restore brings back (not accepted connections).
  const sendSettings = Object.fromEntries(
    Object.entries(useSendSettings.getState().bySocket).filter(([id]) => sockets[id] !== undefined && sockets[id].parentId === undefined),
  );
  return { sidebarWidth, logView, selectedId: selected, collapsed: [...useUi.getState().collapsed], theme, sendSettings };
}

let layoutTimer: ReturnType<typeof setTimeout> | undefined;
let savedLayout = '';
/** Stops waiting for the session's status, while a change made before it was known waits for it. */
let stopAwaitingStatus: (() => void) | undefined;

/** Saves the layout shortly after it changes, where this front end keeps a session at all. */
function layoutChanged(): void {
  const state = useSession.getState().status?.state;
  if (state === undefined) {
    // Not known yet whether this window keeps a session (a listener opened while the status was
    // on its way): the change waits for the status, and is saved then if it does.
    stopAwaitingStatus ??= useSession.subscribe((session) => {
      if (session.status === undefined) return;
      stopAwaitingStatus?.();
      stopAwaitingStatus = undefined;
      layoutChanged();
    });
    return;
  }
  if (state === 'off' || layoutTimer !== undefined) return;
  layoutTimer = setTimeout(() => {
    layoutTimer = undefined;
    const layout = currentLayout();
    const text = JSON.stringify(layout);
    if (text === savedLayout) return;
    savedLayout = text;
    void invoke('session.saveUi', { ui: layout });
  }, SAVE_LAYOUT_AFTER_MS);
}

/** Asks for the session's status whenever this window is in step with main again. */
export function startSessionSync(): () => void {
  const unsubscribers = [
    useSockets.subscribe((state, previous) => {
      if (state.synced && !previous.synced) {
        pruneSendSettings(Object.keys(state.sockets));
        void loadSessionStatus();
      }
      if (state.selectedId !== previous.selectedId) layoutChanged();
    }),
    usePreferences.subscribe((state, previous) => {
      if (state.sidebarWidth !== previous.sidebarWidth || state.logView !== previous.logView || state.theme !== previous.theme) layoutChanged();
    }),
    useUi.subscribe((state, previous) => {
      if (state.collapsed !== previous.collapsed) layoutChanged();
    }),
    useSendSettings.subscribe(() => layoutChanged()),
  ];
  return () => {
    unsubscribers.forEach((unsubscribe) => unsubscribe());
    stopAwaitingStatus?.();
    stopAwaitingStatus = undefined;
    clearTimeout(layoutTimer);
    layoutTimer = undefined;
  };
}
