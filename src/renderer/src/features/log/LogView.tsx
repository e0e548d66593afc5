import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import type { LogHead } from '@shared/contract';
import { formatCount, plural } from '../../ui/format';
import { droppedSinceClear, useLogRows } from './logRows';
import { useScrollToMatch, useSearchFilter } from './search/searchRows';
import { setPreference, usePreferences } from '../shell/preferences';
import { timingOf } from './timing';
import { ArrowDownIcon } from '../../ui/Icons';
import { LogEntryRow } from './LogEntryRow';
import { estimateRowHeight, logGridColumns } from './logLayout';
import { tailReadDelay } from './tailPace';

/** Pixels from the bottom that still count as "at the latest entry". */
const TAIL_SLACK = 24;

/**
 * Rows per block. The virtualizer lays out blocks of rows, not rows: each change in the list (a
 * batch at the tail, entries falling off the front) makes it lay out everything again, and at
 * 200,000 entries a layout per row took tens of milliseconds and megabytes of garbage per batch.
 * Blocks are aligned to row numbers, so a block keeps its key and measured height while the
 * entries before it fall out of the ring. Small, because a block is drawn whole: with 16 rows the
 * rows drawn beyond the screen cost more layout than the blocks saved.
 */
const BLOCK_ROWS = 8;

/**
 * Blocks on screen are keyed by their number modulo this, and rows by their place in the block, so
 * that React gives the elements of a block that scrolled out to the one that scrolled in: while
 * following a flood every batch brings a whole screen of new rows, and keyed by number each was
 * built anew: a thousand DOM nodes and more per batch, whose collection (a full garbage collection
 * of the page, DOM included) stalled a frame for hundreds of milliseconds. Far more than the blocks
 * a screen can show, so that no two blocks drawn share a key.
 */
const RECYCLED_BLOCK_KEYS = 256;

/**
 * Rows a paused view holds either side of those drawn (see logCache's holdRows): a few screens to
 * scroll through after a flood has pushed them out of the log.
 */
const HELD_MARGIN = 1500;

/** No row is shorter than a line of text, whatever the view. */
const SHORTEST_ROW = estimateRowHeight('text');

/** Where the view is, in rows; what the search needs from it (see searchRows). */
export interface LogViewport {
  /** Brings row `index` (counted from firstSeq) to the middle of the view. */
  scrollToRow(index: number): void;
  /** The first and last rows drawn (counted from firstSeq), or undefined when none is. */
  rowsDrawn(): [number, number] | undefined;
}

interface LogViewProps {
  socketId: string;
  head: LogHead | undefined;
  showPeer: boolean;
  /** Whether a received entry after a sent one shows its round trip (timing.ts). */
  roundTrips: boolean;
}

/**
 * A socket's log, virtualized over [firstSeq, nextSeq): only the rows on screen exist, and only
 * their entries are fetched (see state/logCache). Follows the tail until the user scrolls up;
 * then offers a way back with the count of what arrived meanwhile.
 */
export function LogView({ socketId, head, showPeer, roundTrips }: LogViewProps) {
  const view = usePreferences((state) => state.logView);
  const showDelta = usePreferences((state) => state.showDelta);
  // Log entries as they arrived, or frames when the socket has a framing (state/logRows).
  // With "Only matches", just the search's matches (state/searchRows).
  const rows = useSearchFilter(socketId, useLogRows(socketId, head));
  const { readError, ensureVisible: ensureRowsVisible } = rows;
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  /** nextSeq when the user left the tail; null while following. */
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const { firstSeq: logFirst, nextSeq: headSeq, snapshot } = rows;
  /** Rows before this fell out of the log: the list may keep some (a paused view's, see firstInLog). */
  const inLog = rows.firstInLog ?? logFirst;
  const following = pausedAt === null;
  /**
   * A paused view holds the rows around it (a snapshot, see logCache's holdRows), and its list
   * starts at the first of them once the log has moved past it: the rows stay where they were,
   * shown as read, and those never read say they fell out. Once the log has moved past all of
   * them, the list ends with them too: what lies between fell out, and the log's newest entries
   * are one "Jump to latest" away (not millions of rows further down a list that grows with the flood).
   */
  const held = following ? undefined : snapshot?.held();
  const firstSeq = held && held[0] < logFirst ? held[0] : logFirst;
  const heldEnd = held !== undefined && logFirst >= held[1] ? held[1] : undefined;
  /**
   * Where the list ends. While following, at the newest entry already read: a batch that moves the
   * head only asks for the new tail, and the rows on screen change once, when it arrives. Ending at
   * the head instead drew a screen of "Loading…" rows for every batch and then the entries over
   * them a moment later: two renders, two layouts, and the DOM built twice, ten times a second in
   * a flood. Read entries are contiguous up to the newest, so nothing shown is missing.
   */
  const newestRead = following ? rows.newestRead?.() : undefined;
  const nextSeq = heldEnd !== undefined ? heldEnd : newestRead !== undefined && newestRead >= firstSeq ? Math.min(headSeq, newestRead + 1) : headSeq;
  const count = Math.max(0, nextSeq - firstSeq);
  /** Rows in the log, whether or not shown yet. */
  const total = Math.max(0, headSeq - logFirst);
  /** Rows the list stands for, drawn or not: the log's, and a paused view's snapshot before them or instead of them. */
  const listSize = Math.max(0, (heldEnd ?? headSeq) - firstSeq);

  const firstBlock = Math.floor(firstSeq / BLOCK_ROWS);
  const blockCount = count === 0 ? 0 : Math.ceil(nextSeq / BLOCK_ROWS) - firstBlock;
  /** Rows [from, to) of block `index` (counted from firstBlock). */
  const blockRows = (index: number): [number, number] => {
    const block = firstBlock + index;
    return [Math.max(firstSeq, block * BLOCK_ROWS), Math.min(nextSeq, (block + 1) * BLOCK_ROWS)];
  };
  // getItemKey must keep its identity between renders (a new one makes the virtualizer lay out
  // every block again); estimateSize is only asked about blocks not yet measured.
  const getItemKey = useCallback((index: number) => firstBlock + index, [firstBlock]);
  const rowHeight = estimateRowHeight(view);
  const estimateSize = useCallback(
    (index: number) => {
      const block = firstBlock + index;
      return (Math.min(nextSeq, (block + 1) * BLOCK_ROWS) - Math.max(firstSeq, block * BLOCK_ROWS)) * rowHeight;
    },
    [firstBlock, firstSeq, nextSeq, rowHeight],
  );

  /**
   * While following, the blocks drawn are the last ones, enough to fill the view with the shortest
   * rows, wherever the view was scrolled: the rows that arrive are drawn in the same render that
   * pins the view to the bottom. Otherwise that render drew the blocks at the old position, and
   * the scroll that followed drew the new ones: two renders and two layouts per batch.
   */
  const rangeExtractor = useCallback(
    (range: Range): number[] => {
      if (!following || range.count === 0) return defaultRangeExtractor(range);
      const height = scrollRef.current?.clientHeight ?? 0;
      // One more than fills the view, for the last block, which may hold a single row; and the
      // overscan (one block) above: a wheel, Page Up or a scrollbar drag that stops following
      // shows those rows at once, where otherwise an empty strip waits for the next render
      // (rendering is not forced into the scroll event: useFlushSync below). No more than that:
      // blocks above are drawn anew with every batch in a flood and seldom seen.
      const blocks = Math.min(range.count, Math.ceil(height / (BLOCK_ROWS * SHORTEST_ROW)) + 1 + range.overscan);
      return Array.from({ length: blocks }, (_, i) => range.count - blocks + i);
    },
    [following],
  );

  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: blockCount,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    rangeExtractor,
    overscan: 1,
    // A scroll re-renders the list in a task of its own rather than inside the scroll event: while
    // following a flood every batch scrolls the view (the pin below), and a render forced into that
    // event made the frame's one long task longer, with key presses waiting behind it.
    useFlushSync: false,
  });

  /**
   * The measuring ref of a block, one function per block number: an element React reuses for
   * another block (see RECYCLED_BLOCK_KEYS) gets a new ref, and so is measured as that block.
   */
  const [blockRefs] = useState(() => new Map<number, (element: HTMLDivElement | null) => void>());
  const measureBlock = (block: number): ((element: HTMLDivElement | null) => void) => {
    let ref = blockRefs.get(block);
    if (!ref) {
      ref = (element) => virtualizer.measureElement(element);
      blockRefs.set(block, ref);
    }
    return ref;
  };
  useEffect(() => {
    // Only the blocks drawn need theirs.
    const drawn = new Set(virtualizer.getVirtualItems().map((item) => Number(item.key)));
    for (const block of blockRefs.keys()) if (!drawn.has(block)) blockRefs.delete(block);
  });

  /** A row to centre once its block is drawn (a search match far from the view). */
  const pendingCentre = useRef<number | null>(null);
  const centreRow = (seq: number): boolean => {
    const element = scrollRef.current;
    const row = element?.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
    if (!element || !row) return false;
    const top = row.getBoundingClientRect().top - element.getBoundingClientRect().top + element.scrollTop;
    element.scrollTop = top - (element.clientHeight - row.offsetHeight) / 2;
    return true;
  };
  useLayoutEffect(() => {
    if (pendingCentre.current !== null && centreRow(pendingCentre.current)) pendingCentre.current = null;
  });
  const items = virtualizer.getVirtualItems();
  const goToRow = (seq: number): void => {
    if (centreRow(seq)) return;
    // Not drawn: go to about where it is (blocks not yet drawn have estimated heights), and
    // centre it exactly once its block is drawn.
    const blockIndex = Math.floor(seq / BLOCK_ROWS) - firstBlock;
    const element = scrollRef.current;
    const [blockStart] = virtualizer.getOffsetForIndex(blockIndex, 'start') ?? [0];
    if (element) element.scrollTop = blockStart + (seq - blockRows(blockIndex)[0]) * rowHeight - element.clientHeight / 2;
    pendingCentre.current = seq;
  };
  /**
   * A row the log holds beyond a paused list that ends with its snapshot (a search match in the
   * entries the log moved on to): the snapshot goes, and the row is gone to once the list has it.
   */
  const pendingJump = useRef<number | null>(null);
  const [, redraw] = useState(0);
  useLayoutEffect(() => {
    const seq = pendingJump.current;
    if (seq === null || seq < firstSeq || seq >= nextSeq) return;
    pendingJump.current = null;
    goToRow(seq);
  });
  const viewport: LogViewport = {
    scrollToRow(index) {
      const seq = logFirst + index;
      if (seq < nextSeq || !snapshot) return goToRow(seq);
      snapshot.release();
      pendingJump.current = seq;
      redraw((tick) => tick + 1);
    },
    rowsDrawn() {
      const drawn = virtualizer.getVirtualItems();
      if (drawn.length === 0) return undefined;
      return [blockRows(drawn[0].index)[0] - logFirst, blockRows(drawn[drawn.length - 1].index)[1] - 1 - logFirst];
    },
  };
  useScrollToMatch(socketId, rows, viewport, () => setPausedAt((current) => current ?? headSeq));

  const visibleFrom = items.length > 0 ? blockRows(items[0].index)[0] : firstSeq;
  const visibleTo = items.length > 0 ? blockRows(items[items.length - 1].index)[1] : firstSeq;

  /** When the tail was last asked for while following (see tailPace). */
  const tailReadAt = useRef(-Infinity);
  useEffect(() => {
    // Following: the newest screenful, wherever the list ends now (see nextSeq above); in a flood
    // no more often than tailPace allows. Each batch runs this again: the timer is set afresh for
    // the newest head, the wait still counted from the last read.
    if (following && newestRead !== undefined && headSeq > nextSeq) {
      const screenRows = Math.max(visibleTo - visibleFrom, BLOCK_ROWS);
      const readTail = (): void => {
        tailReadAt.current = performance.now();
        ensureRowsVisible(Math.max(firstSeq, headSeq - screenRows), headSeq);
      };
      const delay = tailReadDelay(headSeq - nextSeq, screenRows, performance.now() - tailReadAt.current);
      if (delay > 0) {
        const timer = setTimeout(readTail, delay);
        return () => clearTimeout(timer);
      }
      readTail();
      return undefined;
    }
    // nextSeq is a dependency so that, at the tail, rows that have just arrived get read.
    if (visibleTo > visibleFrom && nextSeq > visibleFrom) ensureRowsVisible(visibleFrom, visibleTo);
    // Paused: what is read around the view stays when a flood pushes it out of the log. Within
    // the list only: a hold never reaches for rows the list no longer has.
    if (!following && visibleTo > visibleFrom)
      snapshot?.hold(
        Math.max(firstSeq, visibleFrom - HELD_MARGIN),
        Math.min(nextSeq, visibleTo + HELD_MARGIN),
        Math.floor((visibleFrom + visibleTo) / 2),
      );
    return undefined;
  }, [ensureRowsVisible, snapshot, visibleFrom, visibleTo, nextSeq, following, newestRead, headSeq, firstSeq]);
  // Following again (or gone): the snapshot goes, and with it the rows that fell out.
  useEffect(() => (following || !snapshot ? undefined : () => snapshot.release()), [following, snapshot]);

  // Following the tail: after every change in what is shown or in measured heights, pin the view
  // to the bottom. Rows are measured as their entries arrive, so this may take a few rounds; it
  // converges because each round only measures rows that were not measured before.
  const totalSize = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!following || count === 0 || !element) return;
    const bottom = element.scrollHeight - element.clientHeight;
    if (Math.abs(element.scrollTop - bottom) > 1) element.scrollTop = bottom;
  }, [following, count, totalSize, view]);

  // Row heights depend on the view: after switching between text and hex, forget every height and
  // measure the rows on screen again at once. A row whose height happens not to change would
  // otherwise keep the estimate, since the resize observer only reports changes.
  const measuredView = useRef(view);
  useLayoutEffect(() => {
    if (measuredView.current === view) return;
    measuredView.current = view;
    virtualizer.measure();
    // Lays the rows out again from estimates now, so that each resize below compares against
    // the estimate rather than the height the row had in the other view.
    virtualizer.getTotalSize();
    // resizeItem, not measureElement: the latter skips rows while the list counts as scrolling.
    scrollRef.current
      ?.querySelectorAll<HTMLElement>('[data-index]')
      .forEach((row) => virtualizer.resizeItem(Number(row.dataset.index), row.offsetHeight));
  }, [view, virtualizer]);

  /**
   * Only the user pauses following: a wheel or key up, or dragging the scrollbar. Scroll events
   * alone cannot tell the user's scrolling from the list adjusting itself as rows are measured.
   */
  const userScrollUntil = useRef(0);
  const draggingScrollbar = useRef(false);
  const pause = (): void => {
    const element = scrollRef.current;
    if (element && element.scrollHeight > element.clientHeight) setPausedAt((current) => current ?? headSeq);
  };
  const noteUserScroll = (): void => {
    userScrollUntil.current = performance.now() + 300;
  };

  /** The block at the top of the view and how far into it, so the view can stay put when entries drop off the front. */
  const anchor = useRef<{ block: number; delta: number } | null>(null);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    const kept = anchor.current;
    if (following || !element || !kept) return;
    const index = kept.block - firstBlock;
    if (index < 0) return;
    const offset = virtualizer.getOffsetForIndex(index, 'start');
    if (offset) element.scrollTop = offset[0] + kept.delta;
  }, [firstSeq, firstBlock, following, virtualizer]);

  const onScroll = (): void => {
    const element = scrollRef.current;
    if (!element) return;
    const top = virtualizer.getVirtualItemForOffset(element.scrollTop);
    anchor.current = top ? { block: firstBlock + top.index, delta: element.scrollTop - top.start } : null;
    const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight <= TAIL_SLACK;
    const byUser = draggingScrollbar.current || performance.now() < userScrollUntil.current;
    if (atEnd && byUser) setPausedAt(null);
    else if (!atEnd && byUser) pause();
  };

  const onWheel = (event: WheelEvent<HTMLDivElement>): void => {
    noteUserScroll();
    if (event.deltaY < 0) pause();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'End' && (event.ctrlKey || event.metaKey || event.target === event.currentTarget)) {
      event.preventDefault();
      setPausedAt(null);
      return;
    }
    if (['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', ' '].includes(event.key)) noteUserScroll();
    if (event.key === 'ArrowUp' || event.key === 'PageUp' || event.key === 'Home') pause();
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    // Only a press on the scroll container itself (its scrollbar), not on a row.
    if (event.target !== event.currentTarget) return;
    draggingScrollbar.current = true;
    const release = (): void => {
      draggingScrollbar.current = false;
      window.removeEventListener('pointerup', release);
    };
    window.addEventListener('pointerup', release);
  };

  const jumpToLatest = (): void => {
    setPausedAt(null);
    scrollRef.current?.focus({ preventScroll: true });
  };

  // Reading a payload in full is reading, not following: stay on it as it grows. The row count
  // is read through a ref so that the callback, and with it every memoized row, stays the same.
  const latestNextSeq = useRef(headSeq);
  useEffect(() => {
    latestNextSeq.current = headSeq;
  }, [headSeq]);
  const expand = useCallback((seq: number) => {
    setExpanded((current) => new Set(current).add(seq));
    setPausedAt((current) => current ?? latestNextSeq.current);
  }, []);

  const dropped = rows.dropped;
  const budgetDropped = droppedSinceClear(head).budget;
  const newSincePause = pausedAt === null ? 0 : Math.max(0, headSeq - pausedAt);
  /** Paused with rows on screen that the log no longer holds: all of them, or some. */
  const shownFellOut = following || count === 0 || visibleFrom >= inLog ? undefined : visibleTo <= inLog ? 'all' : 'some';

  return (
    <div className="relative flex min-h-0 flex-1 flex-col bg-canvas">
      <div
        className={`grid ${logGridColumns(showPeer, showDelta)} shrink-0 gap-x-2 border-b border-line px-3 py-1 text-[11px] font-medium text-faint`}
      >
        <span aria-hidden="true">Time</span>
        {showDelta && (
          <span aria-hidden="true" title="Time since the previous entry">
            Δ
          </span>
        )}
        <span aria-hidden="true">Dir</span>
        <span aria-hidden="true" className="text-right">
          Size
        </span>
        {showPeer && <span aria-hidden="true">Peer</span>}
        <span className="flex items-center justify-between gap-3">
          <span aria-hidden="true">{view === 'hex' ? 'Payload (offset · hex · ASCII)' : 'Payload'}</span>
          <span className="flex items-center gap-3 font-normal">
            <label className="flex items-center gap-1" title="A column with the time since the previous entry">
              <input type="checkbox" checked={showDelta} onChange={(event) => setPreference('showDelta', event.target.checked)} className="size-3" />Δ
              time
            </label>
            {total > 0 && <span className="tabular-nums">{plural(total, 'entry', 'entries')}</span>}
          </span>
        </span>
      </div>
      {dropped > 0 && (
        <div role="status" className="shrink-0 border-b border-line bg-chrome px-3 py-1 text-xs text-muted">
          {plural(dropped, 'entry', 'entries')} dropped (log limit
          {budgetDropped > 0 ? `; ${plural(budgetDropped, 'entry', 'entries')} to keep all logs within their memory budget` : ''})
        </div>
      )}
      <div
        ref={scrollRef}
        role="region"
        aria-label="Message log"
        tabIndex={0}
        onScroll={onScroll}
        onWheel={onWheel}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onTouchMove={noteUserScroll}
        className="min-h-0 flex-1 overflow-auto outline-none focus-visible:outline-2 focus-visible:-outline-offset-2"
      >
        {count === 0 ? (
          <p className="px-3 py-6 text-center text-xs text-muted">
            {rows.filtered ? 'No entries match the search.' : 'Nothing yet. Bytes sent and received appear here.'}
          </p>
        ) : (
          <div role="list" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const [from, to] = blockRows(item.index);
              const seqs: number[] = [];
              for (let seq = from; seq < to; seq++) seqs.push(seq);
              return (
                <div
                  key={Number(item.key) % RECYCLED_BLOCK_KEYS}
                  data-index={item.index}
                  ref={measureBlock(Number(item.key))}
                  className="absolute top-0 left-0 w-full"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {seqs.map((seq) => {
                    // Two numbers rather than an object, so a memoized row re-renders only when they change.
                    const timing = timingOf(rows.entryAt, seq, firstSeq, roundTrips);
                    return (
                      <div
                        key={seq % BLOCK_ROWS}
                        data-seq={seq}
                        role="listitem"
                        aria-posinset={seq - firstSeq + 1}
                        aria-setsize={listSize}
                        className="border-b border-line/50"
                      >
                        <LogEntryRow
                          seq={seq}
                          entry={rows.entryAt(seq)}
                          fellOut={seq < inLog}
                          view={view}
                          showPeer={showPeer}
                          showDelta={showDelta}
                          delta={timing.delta}
                          roundTrip={timing.roundTrip}
                          expanded={expanded.has(seq)}
                          onExpand={expand}
                        />
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {readError && (
        <p role="alert" className="shrink-0 border-t border-line px-3 py-1 text-xs text-danger">
          Could not read the log: {readError.message}
        </p>
      )}
      {shownFellOut && (
        <div role="status" className="flex shrink-0 items-center gap-3 border-t border-line bg-chrome px-3 py-1 text-xs text-muted">
          <span className="min-w-0 flex-1 truncate">
            Paused · {plural(newSincePause, 'newer entry', 'newer entries')} since ·{' '}
            {shownFellOut === 'all' ? 'the rows shown have fallen out of the log' : 'some of the rows shown have fallen out of the log'}
          </span>
          <button type="button" onClick={jumpToLatest} className="inline-flex shrink-0 items-center gap-1 text-fg hover:underline">
            <ArrowDownIcon className="size-3.5" />
            Jump to latest
          </button>
        </div>
      )}
      {pausedAt !== null && count > 0 && !shownFellOut && (
        <button
          type="button"
          onClick={jumpToLatest}
          className="absolute right-4 bottom-3 inline-flex h-7 items-center gap-1.5 rounded-full border border-line-strong bg-panel px-3 text-xs text-fg shadow-md hover:bg-chrome"
        >
          <ArrowDownIcon className="size-3.5" />
          Jump to latest{newSincePause > 0 ? ` (${formatCount(newSincePause)} new)` : ''}
        </button>
      )}
    </div>
  );
}
