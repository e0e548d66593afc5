/**
 * The sequences panel's state: the user's sequences (scenario JSON as typed, kept in this
 * browser's storage and exported / imported as files) and the run on each socket, polled from
 * main while it runs.
 */
import { z } from 'zod';
import { create } from 'zustand';
import { builtOnUse } from '@shared/built-on-use';
import { MAX_UI_LAYOUT_CHARS } from '@shared/session-limits';
import type { ErrorInfo, SocketInfo } from '@shared/contract';
import type { SequenceStatus } from '@shared/sequences';
import { invoke } from '../../sync/engine';

/** Built when stored sequences are first read back (none are, for a new user). */
export const savedSequences = builtOnUse(() =>
  z.array(
    z.object({
      id: z.string().min(1).max(64),
      /** The scenario JSON as the user wrote it (its `name` is the button's label). */
      text: z.string(),
    }),
  ),
);
export type SavedSequence = z.infer<ReturnType<typeof savedSequences>>[number];

interface SequencesState {
  open: boolean;
  sequences: SavedSequence[];
  /** The latest run per socket id. */
  runs: Record<string, SequenceStatus>;
  /** Why the last run on a socket could not start. */
  errors: Record<string, ErrorInfo>;
}

const STORAGE_KEY = 'sockscope.sequences';

function loadSequences(): SavedSequence[] {
  try {
    const text = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (text == null) return [];
    const stored = savedSequences().safeParse(JSON.parse(text));
    return stored.success ? stored.data : [];
  } catch {
    // Storage written by something else: start empty rather than fail the app.
    return [];
  }
}

export const useSequences = create<SequencesState>()(() => ({ open: false, sequences: loadSequences(), runs: {}, errors: {} }));

export function storeSequences(sequences: SavedSequence[]): void {
  useSequences.setState({ sequences });
  globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(sequences));
}

/**
 * The sequences as the workspace saves them (with the window's layout, which has a size limit:
 * sequences too large for it stay in this browser's storage only).
 */
export function sequencesForLayout(): { sequences?: SavedSequence[] } {
  const { sequences } = useSequences.getState();
  return JSON.stringify(sequences).length <= MAX_UI_LAYOUT_CHARS / 2 ? { sequences } : {};
}

/** A restored workspace's sequences, added to the ones this window has (same id: the saved one wins). */
export function restoreSequences(saved: SavedSequence[]): void {
  const ids = new Set(saved.map((s) => s.id));
  storeSequences([...useSequences.getState().sequences.filter((s) => !ids.has(s.id)), ...saved]);
}

export function setSequencesPanelOpen(open: boolean): void {
  useSequences.setState({ open });
}

/** Sockets a sequence can run on: a connection or a UDP socket; a listener serves one as a mock. */
export function takesSequences(socket: SocketInfo): boolean {
  return socket.kind === 'tcp-client' || socket.kind === 'tcp-connection' || socket.kind === 'udp' || socket.kind === 'tcp-listener';
}

/**
 * Whether a sequence can be made from the socket's log (the Sequences panel opens on it): every
 * socket that runs them, an imported log, and a proxied conversation, whose log reads as its
 * client's (what the client sent out, what the server answered in).
 */
export function recordsSequences(socket: SocketInfo): boolean {
  return takesSequences(socket) || socket.kind === 'imported' || socket.kind === 'proxy-conversation';
}

/** Whether the socket can start a run now. */
export function canRunSequences(socket: SocketInfo): boolean {
  return takesSequences(socket) && (socket.state === 'open' || socket.state === 'listening');
}

export function saveSequence(sequence: SavedSequence): void {
  const { sequences } = useSequences.getState();
  storeSequences(
    sequences.some((s) => s.id === sequence.id) ? sequences.map((s) => (s.id === sequence.id ? sequence : s)) : [...sequences, sequence],
  );
}

export function removeSequence(id: string): void {
  storeSequences(useSequences.getState().sequences.filter((s) => s.id !== id));
}

export function newSequenceId(): string {
  return `seq-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export const NEW_SEQUENCE_TEXT = JSON.stringify(
  { name: 'New sequence', steps: [{ send: 'PING\\r\\n' }, { expect: { contains: 'PONG' }, timeoutMs: 2000 }] },
  null,
  2,
);

export async function stopSequence(runId: string): Promise<void> {
  await invoke('sequence.stop', { runId });
}

/** Why the last run on a socket could not start (undefined: it started). */
export function setSequenceError(socketId: string, error: ErrorInfo | undefined): void {
  useSequences.setState((state) => {
    const { [socketId]: _previous, ...errors } = state.errors;
    return { errors: error ? { ...errors, [socketId]: error } : errors };
  });
}

/** Downloads every sequence as one JSON file (an array of scenarios) that Import reads back. */
export function exportSequences(): number {
  const scenarios = useSequences.getState().sequences.map((s) => {
    try {
      return JSON.parse(s.text) as unknown;
    } catch {
      return s.text;
    }
  });
  const url = URL.createObjectURL(new Blob([JSON.stringify(scenarios, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'sockscope-sequences.json';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return scenarios.length;
}
