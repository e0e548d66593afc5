/**
 * The sequences panel's state: the user's sequences (scenario JSON as typed, kept in this
 * browser's storage and exported / imported as files) and the run on each socket, polled from
 * main while it runs.
 */
import { z } from 'zod';
import { create } from 'zustand';
import { MAX_UI_LAYOUT_CHARS } from '@shared/session-limits';
import type { ErrorInfo, SocketInfo } from '@shared/contract';
import { MAX_LOG_READ } from '@shared/contract/log-limits';
import { parseScenarioText, type ScenarioInput, type ScenarioProblem } from '@shared/scenario';
import { scenarioFromLog } from '@shared/scenario-record';
import type { SequenceStatus } from '@shared/sequences';
import { invoke } from '../../sync/engine';

export const SavedSequences = z.array(
  z.object({
    id: z.string().min(1).max(64),
    /** The scenario JSON as the user wrote it (its `name` is the button's label). */
    text: z.string(),
  }),
);
export type SavedSequence = z.infer<typeof SavedSequences>[number];

interface SequencesState {
  open: boolean;
  sequences: SavedSequence[];
  /** The latest run per socket id. */
  runs: Record<string, SequenceStatus>;
  /** Why the last run on a socket could not start. */
  errors: Record<string, ErrorInfo>;
}

const STORAGE_KEY = 'sockscope.sequences';
const POLL_MS = 150;

function loadSequences(): SavedSequence[] {
  try {
    const stored = SavedSequences.safeParse(JSON.parse(globalThis.localStorage?.getItem(STORAGE_KEY) ?? '[]'));
    return stored.success ? stored.data : [];
  } catch {
    // Storage written by something else: start empty rather than fail the app.
    return [];
  }
}

export const useSequences = create<SequencesState>()(() => ({ open: false, sequences: loadSequences(), runs: {}, errors: {} }));

function store(sequences: SavedSequence[]): void {
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
  store([...useSequences.getState().sequences.filter((s) => !ids.has(s.id)), ...saved]);
}

export function setSequencesPanelOpen(open: boolean): void {
  useSequences.setState({ open });
}

/** Sockets a sequence can run on: a connection or a UDP socket; a listener serves one as a mock. */
export function takesSequences(socket: SocketInfo): boolean {
  return socket.kind === 'tcp-client' || socket.kind === 'tcp-connection' || socket.kind === 'udp' || socket.kind === 'tcp-listener';
}

/** Whether the socket can start a run now. */
export function canRunSequences(socket: SocketInfo): boolean {
  return takesSequences(socket) && (socket.state === 'open' || socket.state === 'listening');
}

/** The name in the JSON, or a placeholder while it does not parse. */
export function sequenceName(text: string): string {
  const parsed = parseScenarioText(text);
  return parsed.ok ? parsed.scenario.name : 'Untitled (invalid)';
}

export function checkSequence(text: string): ScenarioProblem[] {
  const parsed = parseScenarioText(text);
  return parsed.ok ? [] : parsed.problems;
}

export function saveSequence(sequence: SavedSequence): void {
  const { sequences } = useSequences.getState();
  store(sequences.some((s) => s.id === sequence.id) ? sequences.map((s) => (s.id === sequence.id ? sequence : s)) : [...sequences, sequence]);
}

export function removeSequence(id: string): void {
  store(useSequences.getState().sequences.filter((s) => s.id !== id));
}

export function newSequenceId(): string {
  return `seq-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export const NEW_SEQUENCE_TEXT = JSON.stringify(
  { name: 'New sequence', steps: [{ send: 'PING\\r\\n' }, { expect: { contains: 'PONG' }, timeoutMs: 2000 }] },
  null,
  2,
);

/** Runs a sequence on a socket (a listener: serves it as a mock) and follows it until it ends. */
export async function runSequence(socket: SocketInfo, sequence: SavedSequence): Promise<void> {
  const socketId = socket.id;
  const parsed = parseScenarioText(sequence.text);
  if (!parsed.ok) {
    const first = parsed.problems[0];
    setError(socketId, { code: 'INVALID_INPUT', message: `${first.path}: ${first.message}` });
    return;
  }
  const request = { id: socketId, scenario: JSON.parse(sequence.text) as ScenarioInput };
  const started = await invoke(socket.kind === 'tcp-listener' ? 'sequence.serve' : 'sequence.run', request);
  if (!started.ok) {
    setError(socketId, started.error);
    return;
  }
  setError(socketId, undefined);
  const { runId } = started.value;
  for (;;) {
    const status = await invoke('sequence.status', { runId });
    if (!status.ok) {
      setError(socketId, status.error);
      return;
    }
    useSequences.setState((state) => ({ runs: { ...state.runs, [socketId]: status.value } }));
    if (status.value.state !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function stopSequence(runId: string): Promise<void> {
  await invoke('sequence.stop', { runId });
}

function setError(socketId: string, error: ErrorInfo | undefined): void {
  useSequences.setState((state) => {
    const { [socketId]: _previous, ...errors } = state.errors;
    return { errors: error ? { ...errors, [socketId]: error } : errors };
  });
}

/** A sequence made from this socket's log: as a client of the same peer, or as a mock server of it. */
export async function sequenceFromLog(
  socket: SocketInfo,
  play: 'client' | 'server',
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const entries: { dir: 'in' | 'out' | 'event'; bytes?: Uint8Array }[] = [];
  let fromSeq = 0;
  for (let page = 0; page < 50; page++) {
    const result = await invoke('log.read', { id: socket.id, fromSeq, count: MAX_LOG_READ });
    if (!result.ok) return { ok: false, message: result.error.message };
    for (const entry of result.value.entries) entries.push(entry.dir === 'event' ? { dir: 'event' } : { dir: entry.dir, bytes: entry.bytes });
    fromSeq = Math.max(fromSeq, result.value.head.firstSeq) + result.value.entries.length;
    if (fromSeq >= result.value.head.nextSeq || result.value.entries.length === 0) break;
  }
  const kind = socket.importedFrom?.kind ?? socket.kind;
  const recordedAs = kind === 'tcp-connection' ? 'server' : 'client';
  const peer = socket.remote
    ? `tcp://${socket.remote.family === 'IPv6' ? `[${socket.remote.address}]` : socket.remote.address}:${socket.remote.port}`
    : undefined;
  const scenario = scenarioFromLog(entries, {
    name: `${play === 'client' ? 'Replay' : 'Mock'} of ${socket.id}`,
    play,
    recordedAs,
    ...(play === 'client' && recordedAs === 'client' && peer ? { target: peer } : {}),
  });
  if (scenario.steps.length === 0) return { ok: false, message: 'This log has no data yet: send or receive something first' };
  return { ok: true, text: JSON.stringify(scenario, null, 2) };
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

/** One scenario file, or an array of them (an export); each must be valid to be added. */
export function importSequences(text: string): { ok: true; count: number } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const items = Array.isArray(json) ? json : [json];
  const added: SavedSequence[] = [];
  for (const [index, item] of items.entries()) {
    const itemText = JSON.stringify(item, null, 2);
    const problems = checkSequence(itemText);
    if (problems.length)
      return { ok: false, message: `${Array.isArray(json) ? `Scenario ${index + 1}, ` : ''}${problems[0].path}: ${problems[0].message}` };
    added.push({ id: newSequenceId(), text: itemText });
  }
  store([...useSequences.getState().sequences, ...added]);
  return { ok: true, count: added.length };
}
