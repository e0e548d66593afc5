import { useCallback, useEffect, useMemo, useRef } from 'react';
import { MAX_HELD_ROWS } from '../logCache';
import type { LogRows, RowSnapshot } from '../logRows';
import type { LogViewport } from '../LogView';
import { isSearching, matchesOf, registerViewport, releaseMatches, useLogSearch } from './logSearch';
import { useSockets } from '../../sockets/sockets';

/** The log view's rows, and whether they are only the search's matches. */
export interface SearchRows extends LogRows {
  filtered: boolean;
}

/** True while the log view shows only the search's matches. */
function useFiltering(socketId: string): boolean {
  return useLogSearch((state) => isSearching(state[socketId]) && (state[socketId]?.onlyMatches ?? false));
}

/**
 * The log view's rows with "Show only matches" on: the matching entries, numbered by their place
 * among the matches (see MatchList), read through the unfiltered rows. Otherwise `rows` as given.
 */
export function useSearchFilter(socketId: string, rows: LogRows): SearchRows {
  const filtering = useFiltering(socketId);
  const version = useLogSearch((state) => state[socketId]?.version ?? 0);
  const { entryAt: entryOfSeq, ensureVisible: ensureSeqs } = rows;

  const entryAt = useCallback(
    (index: number) => {
      const seq = matchesOf(socketId).at(index);
      return seq === undefined ? undefined : entryOfSeq(seq);
    },
    // `version` is a dependency so that rows re-read entries when matches change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [socketId, entryOfSeq, version],
  );

  // Matches [from, to) are seqs in runs; each run of consecutive seqs is one read.
  const ensureVisible = useCallback(
    (from: number, to: number) => {
      const list = matchesOf(socketId);
      let runStart: number | undefined;
      let previous = -2;
      for (let index = from; index < to; index++) {
        const seq = list.at(index);
        if (seq === undefined) continue;
        if (runStart !== undefined && seq !== previous + 1) {
          ensureSeqs(runStart, previous + 1);
          runStart = undefined;
        }
        runStart ??= seq;
        previous = seq;
      }
      if (runStart !== undefined) ensureSeqs(runStart, previous + 1);
    },
    // `version`: new matches make a new function, so the view asks for their entries.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [socketId, ensureSeqs, version],
  );

  const snapshot = useMatchSnapshot(socketId, rows.snapshot);

  if (!filtering) return { ...rows, filtered: false };
  const list = matchesOf(socketId);
  // Rows are matches here, not seqs: the newest entry read says nothing about them.
  return {
    ...rows,
    firstSeq: list.firstIndex,
    nextSeq: list.nextIndex,
    firstInLog: list.lowerBound(rows.firstSeq),
    entryAt,
    ensureVisible,
    newestRead: undefined,
    snapshot,
    filtered: true,
  };
}

/**
 * A paused "Only matches" view's hold, in matches: the matches from the first held on stay in the
 * list after their entries fall out of the log, and the entries (or frames) of those around the
 * view stay in the cache, held through `entries` over the seqs they span: at most MAX_HELD_ROWS
 * of them, around the match at the view's centre (sparse matches may span far more seqs).
 */
function useMatchSnapshot(socketId: string, entries: RowSnapshot | undefined): RowSnapshot | undefined {
  return useMemo<RowSnapshot | undefined>(() => {
    if (!entries) return undefined;
    return {
      hold(from, to, centre) {
        const list = matchesOf(socketId);
        list.keepFrom(from);
        const first = list.at(from);
        const last = list.at(to - 1);
        const middle = list.at(centre);
        if (first === undefined || last === undefined || middle === undefined) return;
        const start = Math.max(first, Math.min(middle - MAX_HELD_ROWS / 2, last + 1 - MAX_HELD_ROWS));
        const end = Math.min(last + 1, start + MAX_HELD_ROWS);
        entries.hold(start, end, middle);
      },
      release() {
        entries.release();
        releaseMatches(socketId);
      },
      held() {
        const seqs = entries.held();
        if (!seqs) return undefined;
        const list = matchesOf(socketId);
        const from = list.lowerBound(seqs[0]);
        const to = list.lowerBound(seqs[1]);
        return from < to ? [from, to] : undefined;
      },
    };
  }, [socketId, entries]);
}

/**
 * Scrolls the log view to the current match after each next/previous (and stops following the
 * tail), and tells the search which seqs are on screen, so the first "next" starts from there.
 */
export function useScrollToMatch(socketId: string, rows: SearchRows, viewport: LogViewport, pauseFollowing: () => void): void {
  const filtering = rows.filtered;
  const jump = useLogSearch((state) => state[socketId]?.jump ?? 0);
  const current = useLogSearch((state) => state[socketId]?.current ?? null);

  // The row number a seq has in this view: itself unfiltered, its place among the matches filtered.
  const latest = useRef({ rows, filtering, viewport, pauseFollowing });
  useEffect(() => {
    latest.current = { rows, filtering, viewport, pauseFollowing };
  });

  useEffect(() => {
    if (jump === 0 || current === null) return;
    const { rows: shown, filtering: filtered, viewport: view, pauseFollowing: pause } = latest.current;
    const row = filtered ? matchesOf(socketId).lowerBound(current) : current;
    const index = row - shown.firstSeq;
    if (index < 0 || index >= shown.nextSeq - shown.firstSeq) return;
    pause();
    view.scrollToRow(index);
  }, [socketId, jump, current]);

  useEffect(
    () =>
      registerViewport(socketId, () => {
        const { rows: shown, filtering: filtered, viewport: view } = latest.current;
        const drawn = view.rowsDrawn();
        if (!drawn) return undefined;
        const seqOf = (index: number): number => {
          const row = shown.firstSeq + index;
          return filtered ? (matchesOf(socketId).at(row) ?? row) : row;
        };
        return [seqOf(drawn[0]), seqOf(drawn[1])];
      }),
    [socketId],
  );
}

/** How a log row of the selected socket stands in the search: the current match, a match, or neither. */
export function useMatchMark(seq: number): 'current' | 'match' | null {
  return useLogSearch((state) => {
    const id = useSockets.getState().selectedId;
    if (id === null) return null;
    const search = state[id];
    if (!isSearching(search) || !search) return null;
    if (search.current === seq) return 'current';
    // Showing only matches, marking each of them would say nothing.
    return !search.onlyMatches && matchesOf(id).has(seq) ? 'match' : null;
  });
}
