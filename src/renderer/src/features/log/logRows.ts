import { useCallback, useEffect, useMemo } from 'react';
import type { ErrorInfo, FrameInfo, LogEntry, LogHead } from '@shared/contract';
import { sameFraming } from '@shared/framing-names';
import { ensureFrames, getFrame, heldFrames, holdFrames, refreshFrames, releaseFrames, useFrameCache } from './framing/frameCache';
import { ensureVisible, getEntry, heldRows, holdRows, newestCached, releaseRows, useLogCache } from './logCache';
import { useSockets } from '../sockets/sockets';

/** A row of the log view: a log entry, or a frame (a data entry with `frame`) under a framing. */
export type LogRowEntry = LogEntry & { frame?: FrameInfo; index?: number };

/** The number the search knows a row by: a frame's index under a framing, else the entry's seq. */
export const searchKey = (entry: LogRowEntry): number => entry.index ?? entry.seq;

/**
 * What the log view lists, numbered from `firstSeq` to `nextSeq`: the socket's log entries as they
 * arrived, or, when the socket has a framing, its frames (then the numbers are frame indexes, and
 * the pending frames come last).
 */
export interface LogRows {
  firstSeq: number;
  nextSeq: number;
  dropped: number;
  entryAt: (row: number) => LogRowEntry | undefined;
  ensureVisible: (from: number, to: number) => void;
  readError: ErrorInfo | undefined;
  /** The newest row already read, where the rows are the log's entries themselves (see LogView's following). */
  newestRead?: () => number | undefined;
  /** Where rows can outlive the log (its entries, see logCache's holdRows): what a paused view keeps. */
  snapshot?: RowSnapshot;
  /**
   * The first row still in the log, where the list keeps rows before it (a paused "Only matches"
   * view, see searchRows): those fell out. `firstSeq` when absent.
   */
  firstInLog?: number;
}

/** A paused view's hold on the rows around it, so they stay shown after they fall out of the log. */
export interface RowSnapshot {
  /** Holds rows [from, to), those around `centre` first when not all can be held. */
  hold: (from: number, to: number, centre: number) => void;
  release: () => void;
  /** The rows held, [from, to), if any. */
  held: () => [number, number] | undefined;
}

export function useLogRows(socketId: string, head: LogHead | undefined): LogRows {
  const framed = useSockets((state) => {
    const framing = state.sockets[socketId]?.framing;
    return framing !== undefined && framing.mode !== 'raw';
  });
  // Re-render when entries or frames for this socket land in their cache.
  useLogCache((state) => state.versions[socketId] ?? 0);
  useFrameCache((state) => state.versions[socketId] ?? 0);
  const logError = useLogCache((state) => state.errors[socketId]);
  const frameError = useFrameCache((state) => state.errors[socketId]);
  const frames = useFrameCache((state) => state.heads[socketId]);

  // Every change in the log may complete or extend a frame: ask again for where frames stand.
  const logFirst = head?.firstSeq;
  const logNext = head?.nextSeq;
  const framing = useSockets((state) => state.sockets[socketId]?.framing);
  useEffect(() => {
    if (framed) refreshFrames(socketId);
  }, [framed, socketId, logFirst, logNext, framing]);

  const ensureEntries = useCallback((from: number, to: number) => ensureVisible(socketId, from, to), [socketId]);
  const ensureFramesShown = useCallback((from: number, to: number) => ensureFrames(socketId, from, to), [socketId]);
  const entryAt = useCallback((seq: number) => getEntry(socketId, seq), [socketId]);
  const newestRead = useCallback(() => newestCached(socketId), [socketId]);
  const snapshot = useMemo<RowSnapshot>(
    () => ({ hold: (from, to) => holdRows(socketId, from, to), release: () => releaseRows(socketId), held: () => heldRows(socketId) }),
    [socketId],
  );
  const frameAt = useCallback((index: number) => getFrame(socketId, index), [socketId]);
  const frameSnapshot = useMemo<RowSnapshot>(
    () => ({ hold: (from, to) => holdFrames(socketId, from, to), release: () => releaseFrames(socketId), held: () => heldFrames(socketId) }),
    [socketId],
  );

  if (!framed) {
    return {
      firstSeq: head?.firstSeq ?? 0,
      nextSeq: head?.nextSeq ?? 0,
      dropped: droppedSinceClear(head).entries,
      entryAt,
      ensureVisible: ensureEntries,
      readError: logError,
      newestRead,
      snapshot,
    };
  }
  // Until main has answered for the current framing, show nothing rather than the old frames.
  const current = frames !== undefined && framing !== undefined && sameFraming(frames.framing, framing);
  return {
    firstSeq: current ? frames.firstIndex : 0,
    nextSeq: current ? frames.nextIndex + frames.pending.length : 0,
    dropped: current ? frames.dropped : 0,
    entryAt: frameAt,
    ensureVisible: ensureFramesShown,
    readError: frameError,
    snapshot: frameSnapshot,
  };
}

/**
 * Entries that fell out of the log since it was last cleared (`budget`: of those, taken for the
 * memory budget): the head's counts go on across a clear, and what fell out before it is not
 * missing from what the user sees now.
 */
export function droppedSinceClear(head: LogHead | undefined): { entries: number; budget: number } {
  return {
    entries: (head?.dropped ?? 0) - (head?.cleared?.dropped ?? 0),
    budget: (head?.budgetDropped ?? 0) - (head?.cleared?.budgetDropped ?? 0),
  };
}
