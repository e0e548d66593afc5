import type { FrameItem, FramesHead } from '@shared/contract';
import { invoke } from '../../../sync/engine';
import { type SocketsState, useSockets } from '../../sockets/sockets';
import { MAX_HELD_ROWS } from '../logCache';
import { createRangeCache, type RangeCacheState } from '../rangeCache';

/**
 * The renderer's window onto a socket's frames, which main computes from the log under the
 * socket's framing (log.readFrames). Like the log cache, it holds only what is on screen and a
 * margin; unlike it, the frame count is learnt from main, so every log change asks for the head
 * again together with the newest frames (what a view following the tail shows). One request per
 * socket is in flight at a time; what is asked for meanwhile is gathered into the next one.
 */
const TAIL = 60;
const PAGE = 200;
/** Frames kept per socket beyond those wanted; the farthest from the view go first. */
const MAX_CACHED = 3000;

const frames = createRangeCache<FrameItem, FramesHead, Record<never, never>>(
  {
    read: async (id, fromIndex, count) => {
      const result = await invoke('log.readFrames', { id, fromIndex, count });
      return result.ok ? { ok: true, value: { head: result.value.head, items: result.value.frames } } : result;
    },
    indexOf: (frame) => frame.index,
    boundsOf: (head) => ({ first: head.firstIndex, next: head.nextIndex }),
    slot: PAGE,
    oneReadAtATime: true,
    tail: TAIL,
    startsOver: (previous, head) => previous.generation !== head.generation,
    behind: (head) => head.behind,
    maxItems: MAX_CACHED,
    // A paused view keeps the frames it shows when the log's ring has turned over past them, as it keeps entries (logCache's holdRows).
    maxHeld: MAX_HELD_ROWS,
    // The tail stays too: a view that follows it needs it next.
    keep: (index, head) => index >= head.nextIndex - TAIL,
  },
  {},
);

export type FrameCacheState = RangeCacheState<FramesHead>;

/** Per socket: the frames `heads` main last answered with, `versions` bumped when frames arrive, `errors` of a failed read. */
export const useFrameCache = frames.store;

/** A complete frame by index, or one of the pending frames that follow them. */
export function getFrame(id: string, index: number): FrameItem | undefined {
  const head = useFrameCache.getState().heads[id];
  if (head && index >= head.nextIndex) return head.pending[index - head.nextIndex];
  return frames.get(id, index);
}

/**
 * A paused view's snapshot of frames: those of [from, to) that are cached stay readable with
 * getFrame after the log's ring turns over past them (a re-framing or a clear starts over, and
 * lets them go with everything else). Replaces the socket's earlier hold.
 */
export function holdFrames(id: string, from: number, to: number): void {
  frames.hold(id, from, to);
}

export function releaseFrames(id: string): void {
  frames.release(id);
}

/** The frames a paused view holds, [from, to), if any. */
export function heldFrames(id: string): [number, number] | undefined {
  return frames.held(id);
}

/** The log of `id` changed: read the frame head and the newest frames again. */
export function refreshFrames(id: string): void {
  frames.refresh(id);
}

/** Makes sure frames [from, to) are cached or on their way. */
export function ensureFrames(id: string, from: number, to: number): void {
  frames.ensure(id, from, to);
}

/** Forgets sockets that went away; after a reload from a snapshot, reads everything again. */
function followSockets(state: SocketsState, previous: SocketsState): void {
  // A restarted host numbers sockets afresh: frames cached under an id may belong to another socket.
  if (state.synced && !previous.synced) frames.reload();
  if (state.sockets !== previous.sockets) frames.forgetAbsent((id) => state.sockets[id] !== undefined);
}

/** Started once by startStores (start.ts); returns the stop. */
export function startFrameCache(): () => void {
  return useSockets.subscribe(followSockets);
}

/** For tests: forget everything. */
export function resetFrameCache(): void {
  frames.reset();
}
