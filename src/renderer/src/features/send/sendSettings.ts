import { create } from 'zustand';
import type { LineEnding } from '@shared/codec';
import type { SocketInfo } from '@shared/contract';
import type { SendMode } from '../shell/preferences';

/**
 * How each socket's send bar reads what is typed: its format and line ending, and on a UDP socket
 * whether Enter answers whoever sent the last datagram. Per socket, so CRLF chosen for redis does
 * not ride along on the next UDP datagram. An accepted connection starts with its listener's.
 * Kept in this browser's storage across reloads, and saved with the workspace (state/session).
 */
// A type, not an interface: it is saved as plain JSON with the workspace's layout.
export type SendSettings = {
  mode: SendMode;
  lineEnding: LineEnding;
  /** UDP: send to the last sender instead of the target typed. */
  replyToSender: boolean;
};

export const DEFAULT_SEND_SETTINGS: SendSettings = { mode: 'text', lineEnding: 'none', replyToSender: false };
const STORAGE_KEY = 'sockscope.sendSettings';
/** Settings kept at most; the oldest go first (sockets come and go). */
const MAX_KEPT = 500;

const modes: readonly SendMode[] = ['text', 'hex', 'base64', 'file'];
const endings: readonly LineEnding[] = ['none', 'lf', 'crlf'];

/** A stored or saved value read back: anything unknown falls back to the default. */
export function readSendSettings(value: unknown): SendSettings | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return {
    mode: modes.find((mode) => mode === record.mode) ?? DEFAULT_SEND_SETTINGS.mode,
    lineEnding: endings.find((ending) => ending === record.lineEnding) ?? DEFAULT_SEND_SETTINGS.lineEnding,
    replyToSender: record.replyToSender === true,
  };
}

function load(): Record<string, SendSettings> {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    const stored: unknown = raw ? JSON.parse(raw) : {};
    const out: Record<string, SendSettings> = {};
    if (typeof stored === 'object' && stored !== null) {
      for (const [id, value] of Object.entries(stored)) {
        const settings = readSendSettings(value);
        if (settings) out[id] = settings;
      }
    }
    return out;
  } catch {
    return {};
  }
}

export const useSendSettings = create<{ bySocket: Record<string, SendSettings> }>()(() => ({ bySocket: load() }));

/** The socket's settings: its own, else its listener's, else the defaults. */
export function sendSettingsOf(bySocket: Record<string, SendSettings>, socket: Pick<SocketInfo, 'id' | 'parentId'>): SendSettings {
  return bySocket[socket.id] ?? (socket.parentId !== undefined ? bySocket[socket.parentId] : undefined) ?? DEFAULT_SEND_SETTINGS;
}

/**
 * Forgets the settings of sockets the engine no longer has: ids start over when Sockscope does,
 * and yesterday's con-1 is not today's. Called once this window is in step with the engine.
 */
export function pruneSendSettings(liveIds: readonly string[]): void {
  const live = new Set(liveIds);
  const { bySocket } = useSendSettings.getState();
  if (Object.keys(bySocket).every((id) => live.has(id))) return;
  useSendSettings.setState({ bySocket: Object.fromEntries(Object.entries(bySocket).filter(([id]) => live.has(id))) });
  store();
}

export function setSendSettings(socket: Pick<SocketInfo, 'id' | 'parentId'>, change: Partial<SendSettings>): void {
  useSendSettings.setState((state) => {
    const bySocket = { ...state.bySocket, [socket.id]: { ...sendSettingsOf(state.bySocket, socket), ...change } };
    const ids = Object.keys(bySocket);
    for (const id of ids.slice(0, Math.max(0, ids.length - MAX_KEPT))) delete bySocket[id];
    return { bySocket };
  });
  store();
}

function store(): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(useSendSettings.getState().bySocket));
  } catch {
    // Not kept across reloads; the choice still holds in this window.
  }
}
