/**
 * The sequences panel's state: the user's sequences (scenario JSON as typed), mirrored from main,
 * which keeps them for every window and saves them with the workspace (saved-sequences.ts), and
 * the run on each socket, polled from main while it runs.
 */
import { create } from 'zustand';
import type { ErrorInfo, SocketInfo } from '@shared/contract';
import type { SavedSequence, SequenceStatus } from '@shared/sequences';
import type { Transport } from '../../transport';
import { invoke } from '../../sync/engine';
import { followMain } from '../../sync/follow-main';

export type { SavedSequence };

interface SequencesState {
  open: boolean;
  /** As main holds them, in their order. */
  sequences: SavedSequence[];
  /** The latest run per socket id. */
  runs: Record<string, SequenceStatus>;
  /** Why the last run on a socket could not start. */
  errors: Record<string, ErrorInfo>;
  /** Why the last change to the list did not keep (shown in the panel until the next one). */
  storeError: string | null;
}

/** Where this window kept its sequences before main did: handed to main once, then removed. */
const STORAGE_KEY = 'sockscope.sequences';

export const useSequences = create<SequencesState>()(() => ({ open: false, sequences: [], runs: {}, errors: {}, storeError: null }));

let listing = 0;

async function refresh(): Promise<void> {
  const call = ++listing;
  const result = await invoke('sequences.list', {});
  // An older reply that lands after a newer one would show a stale list.
  if (call !== listing || !result.ok) return;
  useSequences.setState({ sequences: result.value.sequences });
}

/** Lists the sequences whenever the transport (re)opens or any window changes them; hands main what this browser kept before. */
export function startSequencesSync(transport: Transport): () => void {
  return followMain(
    transport,
    () => void refresh().then(handOverStoredSequences),
    (batch) => {
      if (batch.events.some((event) => event.type === 'sequences.changed')) void refresh();
    },
  );
}

/**
 * Sequences this browser profile kept in its own storage (before main kept them) go to main, once,
 * the ones main has already (same id) aside; the storage is cleared only when every one is kept.
 */
async function handOverStoredSequences(): Promise<void> {
  let stored: unknown;
  try {
    stored = JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    stored = null;
  }
  if (!Array.isArray(stored)) return;
  const known = new Set(useSequences.getState().sequences.map((sequence) => sequence.id));
  const handed = (stored as unknown[]).flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const { id, text } = item as Record<string, unknown>;
    return typeof id === 'string' && typeof text === 'string' && !known.has(id) ? [{ id, text }] : [];
  });
  if (await saveSequences(handed)) globalThis.localStorage?.removeItem(STORAGE_KEY);
}

/** Says why a change did not keep (or that the last one did), and lists again: the change event follows, for the other windows. */
async function afterChange(result: { ok: boolean; error?: ErrorInfo }): Promise<boolean> {
  useSequences.setState({ storeError: result.ok ? null : `Not kept: ${result.error?.message ?? 'unknown error'}` });
  await refresh();
  return result.ok;
}

/**
 * Keeps sequences (a new id at the end, a known one where it is), shown at once; main takes them
 * one by one, up to the first it refuses, and is listed once after.
 */
export async function saveSequences(added: SavedSequence[]): Promise<boolean> {
  if (added.length === 0) return true;
  const byId = new Map(added.map((sequence) => [sequence.id, sequence]));
  const { sequences } = useSequences.getState();
  const known = new Set(sequences.map((s) => s.id));
  useSequences.setState({ sequences: [...sequences.map((s) => byId.get(s.id) ?? s), ...added.filter((s) => !known.has(s.id))] });
  let result: { ok: boolean; error?: ErrorInfo } = { ok: true };
  for (const sequence of added) {
    result = await invoke('sequences.save', sequence);
    if (!result.ok) break;
  }
  return afterChange(result);
}

export function saveSequence(sequence: SavedSequence): Promise<boolean> {
  return saveSequences([sequence]);
}

export async function removeSequence(id: string): Promise<boolean> {
  useSequences.setState({ sequences: useSequences.getState().sequences.filter((s) => s.id !== id) });
  return afterChange(await invoke('sequences.remove', { id }));
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
