import { useRef } from 'react';
import { create } from 'zustand';
import type { EngineEvent, ErrorInfo, LogHead, Snapshot, SocketInfo } from '@shared/contract';
import { sameSettings, withStats } from '@shared/socket-stats';
import type { TransportStatus } from '../../transport';
import { socketOrder } from './socketTree';
import { noTotals, type SocketTotals, TotalsTally, totalsOf } from './totals';

export interface ReportedError {
  /** The socket it concerns, when there is one. */
  id?: string;
  error: ErrorInfo;
  time: number;
}

export interface SocketsState {
  sockets: Record<string, SocketInfo>;
  /**
   * `sockets` as of the last change other than counters: what the socket list is laid out from.
   * Its entries' counters are stale; a row reads its own socket for them.
   */
  layout: Record<string, SocketInfo>;
  heads: Record<string, LogHead>;
  /** Open sockets and all traffic, kept with `sockets` by the same updates (the status bar's). */
  totals: SocketTotals;
  /** The latest engine.error per socket, shown next to it. */
  socketErrors: Record<string, ReportedError>;
  lastError: ReportedError | undefined;
  selectedId: string | null;
  /** True once a snapshot has been applied since the transport last opened. */
  synced: boolean;
  transport: TransportStatus;
}

export const initialSocketsState: SocketsState = {
  sockets: {},
  layout: {},
  heads: {},
  totals: noTotals,
  socketErrors: {},
  lastError: undefined,
  selectedId: null,
  synced: false,
  transport: { state: 'connecting' },
};

/** State mirrored from the main process: sockets, where their logs stand, and errors. */
export const useSockets = create<SocketsState>()(() => initialSocketsState);

export function selectSocket(id: string | null): void {
  useSockets.setState({ selectedId: id });
}

export function setTransportStatus(status: TransportStatus): void {
  useSockets.setState(status.state === 'open' ? { transport: status } : { transport: status, synced: false });
}

/** Replaces everything with a snapshot (on start and after every reconnect). */
export function applySnapshot(snapshot: Snapshot): void {
  useSockets.setState((state) => {
    const sockets: Record<string, SocketInfo> = {};
    for (const socket of snapshot.sockets) sockets[socket.id] = socket;
    const heads: Record<string, LogHead> = {};
    for (const head of snapshot.logs) heads[head.id] = head;
    const socketErrors: Record<string, ReportedError> = {};
    for (const [id, reported] of Object.entries(state.socketErrors)) if (sockets[id]) socketErrors[id] = reported;
    const selectedId = state.selectedId !== null && sockets[state.selectedId] ? state.selectedId : (socketOrder(sockets)[0] ?? null);
    return { sockets, layout: sockets, heads, totals: totalsOf(snapshot.sockets), socketErrors, selectedId, synced: true };
  });
}

/** Applies one event batch in a single store update. */
export function applyEvents(events: readonly EngineEvent[]): void {
  if (events.length === 0) return;
  useSockets.setState((state) => {
    let sockets = state.sockets;
    let heads = state.heads;
    let socketErrors = state.socketErrors;
    let lastError = state.lastError;
    let selectedId = state.selectedId;
    let laidOut = true;
    const totals = new TotalsTally(state.totals);
    // Copy each map at most once per batch, on first write.
    const writableSockets = (): Record<string, SocketInfo> => (sockets === state.sockets ? (sockets = { ...sockets }) : sockets);
    const writableHeads = (): Record<string, LogHead> => (heads === state.heads ? (heads = { ...heads }) : heads);
    const writableErrors = (): Record<string, ReportedError> =>
      socketErrors === state.socketErrors ? (socketErrors = { ...socketErrors }) : socketErrors;

    for (const event of events) {
      switch (event.type) {
        case 'socket.upsert':
          totals.replace(sockets[event.socket.id], event.socket);
          writableSockets()[event.socket.id] = event.socket;
          laidOut = false;
          break;
        case 'socket.stats': {
          // Counters of a socket not known (yet, or any more) have nothing to go into.
          const socket = sockets[event.stats.id];
          if (!socket) break;
          const counted = withStats(socket, event.stats);
          totals.replace(socket, counted);
          writableSockets()[event.stats.id] = counted;
          break;
        }
        case 'socket.removed': {
          if (!sockets[event.id] && !heads[event.id]) break;
          if (selectedId === event.id) selectedId = neighbourOf(sockets, event.id);
          totals.replace(sockets[event.id], undefined);
          delete writableSockets()[event.id];
          delete writableHeads()[event.id];
          laidOut = false;
          if (socketErrors[event.id]) delete writableErrors()[event.id];
          break;
        }
        case 'log.head':
          writableHeads()[event.head.id] = event.head;
          break;
        case 'engine.error': {
          const reported: ReportedError = { id: event.id, error: event.error, time: event.time };
          lastError = reported;
          if (event.id !== undefined) writableErrors()[event.id] = reported;
          break;
        }
      }
    }
    return { sockets, layout: laidOut ? state.layout : sockets, heads, totals: totals.result(), socketErrors, lastError, selectedId };
  });
}

/**
 * A selector for `useSockets` that keeps its last answer while the new one differs from it by
 * `same`: what a view shows stays one object while counters it does not show move.
 */
export function useSettled<T>(selector: (state: SocketsState) => T, same: (a: T, b: T) => boolean): (state: SocketsState) => T {
  const last = useRef<{ value: T } | null>(null);
  return (state) => {
    const next = selector(state);
    if (last.current && same(last.current.value, next)) return last.current.value;
    last.current = { value: next };
    return next;
  };
}

/** The socket `id` as views without counters need it: a new object only when something else changed. */
export function useSocketSettings(id: string | null): SocketInfo | undefined {
  return useSockets(useSettled((state) => (id === null ? undefined : state.sockets[id]), sameSettings));
}

/** Where the selection goes when its socket disappears: the listener it belonged to, else the next row. */
function neighbourOf(sockets: Record<string, SocketInfo>, id: string): string | null {
  const parentId = sockets[id]?.parentId;
  if (parentId && sockets[parentId]) return parentId;
  const order = socketOrder(sockets);
  const index = order.indexOf(id);
  if (index < 0) return order[0] ?? null;
  return order[index + 1] ?? order[index - 1] ?? null;
}

/** An error from a command run from the sidebar: shown next to the socket and in the status bar. */
export function reportError(id: string | undefined, error: ErrorInfo): void {
  const reported: ReportedError = { id, error, time: Date.now() };
  useSockets.setState((state) => ({
    lastError: reported,
    socketErrors: id !== undefined && state.sockets[id] ? { ...state.socketErrors, [id]: reported } : state.socketErrors,
  }));
}
