import { z } from 'zod';
import { create } from 'zustand';
import type { ErrorInfo, PortList, PortRow, SocketInfo, Result } from '@shared/contract';
import { builtOnUse } from '@shared/built-on-use';
import { formatEndpoint } from '@shared/endpoint';
import { connectTarget, udpBindHost } from '@shared/ports';
import { invoke } from '../../sync/engine';
import { portsFilter, type PortSort, type PortsShow } from './portsTable';
import { selectSocket } from '../sockets/sockets';
import { showView } from '../shell/view';

/** Refresh choices in milliseconds; 0 is Off. */
export const refreshIntervals = [0, 1000, 2000, 5000] as const;
export type RefreshInterval = (typeof refreshIntervals)[number];

const DEFAULT_CHOICES = { intervalMs: 2000, show: 'listening' } as const;

/** Built when a stored choice is read back (none is, until the user makes one). */
const storedSchema = builtOnUse(() =>
  z.object({
    intervalMs: z.union(refreshIntervals.map((ms) => z.literal(ms))).catch(DEFAULT_CHOICES.intervalMs),
    show: z.enum(['listening', 'connections', 'all']).catch(DEFAULT_CHOICES.show),
  }),
);
const STORAGE_KEY = 'sockscope.ports';

export interface PortsState {
  list: PortList | undefined;
  /** Why the last listing failed; the previous rows stay shown beneath it. */
  error: ErrorInfo | undefined;
  loading: boolean;
  /** Epoch ms of the last listing that arrived. */
  updatedAt: number | undefined;
  intervalMs: RefreshInterval;
  show: PortsShow;
  query: string;
  sort: PortSort;
  /** A Connect that failed: which row, and why. */
  connectError: { key: string; target: string; error: ErrorInfo } | undefined;
}

function loadStored(): Pick<PortsState, 'intervalMs' | 'show'> {
  try {
    const text = globalThis.localStorage?.getItem(STORAGE_KEY);
    return text == null ? DEFAULT_CHOICES : storedSchema().parse(JSON.parse(text));
  } catch {
    // Unreadable or unavailable storage: the defaults, for this session.
    return DEFAULT_CHOICES;
  }
}

export const usePorts = create<PortsState>()(() => ({
  list: undefined,
  error: undefined,
  loading: false,
  updatedAt: undefined,
  ...loadStored(),
  query: '',
  sort: { column: 'local', descending: false },
  connectError: undefined,
}));

/** Interval and Show choice outlive the session; the filter text and sort do not. */
export function setPortsPreference(choice: Partial<Pick<PortsState, 'intervalMs' | 'show'>>): void {
  usePorts.setState(choice);
  const { intervalMs, show } = usePorts.getState();
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify({ intervalMs, show }));
  } catch {
    // Not persisted; the choice holds for this session.
  }
}

export function setPortsQuery(query: string): void {
  usePorts.setState({ query });
}

/** Click on a column title: sort by it, or turn the order around if it already sorts. */
export function sortPortsBy(column: PortSort['column']): void {
  usePorts.setState(({ sort }) => ({ sort: { column, descending: sort.column === column ? !sort.descending : false } }));
}

let inFlight: { key: string; done: Promise<void> } | undefined;

/**
 * Asks the engine for the ports the view shows (its Show choice and filter box). Overlapping calls
 * for the same view share one request; a call for another view follows the one under way.
 */
export function refreshPorts(): Promise<void> {
  const { show, query } = usePorts.getState();
  const filter = portsFilter(show, query);
  const key = JSON.stringify(filter);
  if (inFlight?.key === key) return inFlight.done;
  if (inFlight) return inFlight.done.then(refreshPorts);
  const done = (async () => {
    usePorts.setState({ loading: true });
    const result = await invoke('ports.list', filter);
    usePorts.setState(
      result.ok ? { list: result.value, error: undefined, loading: false, updatedAt: Date.now() } : { error: result.error, loading: false },
    );
  })().finally(() => {
    inFlight = undefined;
  });
  inFlight = { key, done };
  return done;
}

/**
 * "Connect" on a row: a TCP client to it, or a UDP socket whose default target it is; then the
 * new socket, selected, in the Sockets view. A failure stays in the Ports view, next to the row.
 */
export async function connectToRow(row: PortRow, key: string): Promise<void> {
  const listening = usePorts.getState().list?.listeningPorts;
  const target = listening && connectTarget(row, listening);
  if (!target) return;
  usePorts.setState({ connectError: undefined });
  let result: Result<SocketInfo>;
  if (row.protocol === 'tcp') {
    result = await invoke('tcp.connect', target);
  } else {
    result = await invoke('udp.bind', { host: udpBindHost(target), port: 0, defaultTarget: target });
  }
  if (!result.ok) {
    usePorts.setState({ connectError: { key, target: formatEndpoint(target), error: result.error } });
    return;
  }
  selectSocket(result.value.id);
  showView('sockets');
}

export function dismissConnectError(): void {
  usePorts.setState({ connectError: undefined });
}

/** "Show" on one of Sockscope's own rows: that socket in the Sockets view. */
export function showOwnSocket(socketId: string): void {
  selectSocket(socketId);
  showView('sockets');
}
