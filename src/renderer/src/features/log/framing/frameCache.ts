import { create } from 'zustand';
import type { ErrorInfo, FrameItem, FramesHead } from '@shared/contract';
import { invoke } from '../../../sync/engine';
import { type SocketsState, useSockets } from '../../sockets/sockets';

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

interface SocketFrames {
  generation: number;
  items: Map<number, FrameItem>;
  inFlight: boolean;
  /** The log changed since the last read: the head and the tail must be read again. */
  stale: boolean;
  wanted: [number, number];
}

export interface FrameCacheState {
  heads: Record<string, FramesHead>;
  /** Bumped when frames for a socket arrive, so the rows showing them re-render. */
  versions: Record<string, number>;
  errors: Record<string, ErrorInfo>;
}

export const useFrameCache = create<FrameCacheState>()(() => ({ heads: {}, versions: {}, errors: {} }));

const caches = new Map<string, SocketFrames>();

/** A complete frame by index, or one of the pending frames that follow them. */
export function getFrame(id: string, index: number): FrameItem | undefined {
  const head = useFrameCache.getState().heads[id];
  if (head && index >= head.nextIndex) return head.pending[index - head.nextIndex];
  return caches.get(id)?.items.get(index);
}

/** The log of `id` changed: read the frame head and the newest frames again. */
export function refreshFrames(id: string): void {
  const cache = cacheFor(id);
  cache.stale = true;
  void pump(id, cache);
}

/** Makes sure frames [from, to) are cached or on their way. */
export function ensureFrames(id: string, from: number, to: number): void {
  const cache = cacheFor(id);
  cache.wanted = [from, to];
  void pump(id, cache);
}

function cacheFor(id: string): SocketFrames {
  let cache = caches.get(id);
  if (!cache) {
    cache = { generation: -1, items: new Map(), inFlight: false, stale: true, wanted: [0, 0] };
    caches.set(id, cache);
  }
  return cache;
}

/** What to read next: the tail when stale, else the first frame wanted and missing; or nothing. */
function nextRead(id: string, cache: SocketFrames): { fromIndex: number; count: number } | undefined {
  const head = useFrameCache.getState().heads[id];
  if (cache.stale || !head) return { fromIndex: -TAIL, count: TAIL };
  const from = Math.max(cache.wanted[0], head.firstIndex);
  const to = Math.min(cache.wanted[1], head.nextIndex);
  for (let index = from; index < to; index++) {
    if (!cache.items.has(index)) return { fromIndex: index, count: Math.min(PAGE, Math.max(to - index, 1)) };
  }
  return undefined;
}

async function pump(id: string, cache: SocketFrames): Promise<void> {
  if (cache.inFlight) return;
  for (let read = nextRead(id, cache); read; read = nextRead(id, cache)) {
    cache.inFlight = true;
    cache.stale = false;
    const result = await invoke('log.readFrames', { id, ...read });
    cache.inFlight = false;
    if (caches.get(id) !== cache) return;
    if (!result.ok) {
      useFrameCache.setState((state) => ({ errors: { ...state.errors, [id]: result.error } }));
      return;
    }
    apply(id, cache, result.value.head, result.value.frames);
  }
}

function apply(id: string, cache: SocketFrames, head: FramesHead, frames: FrameItem[]): void {
  if (head.generation !== cache.generation) {
    cache.generation = head.generation;
    cache.items.clear();
  }
  for (const index of cache.items.keys()) if (index < head.firstIndex) cache.items.delete(index);
  // A complete frame never changes within a generation: keeping the object read first lets the
  // rows showing it skip re-rendering (and re-decoding) when the tail is read again.
  for (const frame of frames) if (!cache.items.has(frame.index)) cache.items.set(frame.index, frame);
  // Main frames a large log a slice per read: keep asking until it has caught up.
  if (head.behind) cache.stale = true;
  evict(cache, head);
  useFrameCache.setState((state) => {
    const { [id]: _cleared, ...errors } = state.errors;
    return {
      heads: { ...state.heads, [id]: head },
      versions: { ...state.versions, [id]: (state.versions[id] ?? 0) + 1 },
      errors,
    };
  });
}

function evict(cache: SocketFrames, head: FramesHead): void {
  if (cache.items.size <= MAX_CACHED) return;
  const [from, to] = cache.wanted;
  const distance = (index: number): number => (index < from ? from - index : index >= to ? index - to : 0);
  // The tail stays too: a view that follows it needs it next.
  const keep = (index: number): boolean => index >= head.nextIndex - TAIL;
  const far = [...cache.items.keys()].filter((index) => !keep(index)).sort((a, b) => distance(b) - distance(a));
  for (const index of far.slice(0, cache.items.size - MAX_CACHED)) cache.items.delete(index);
}

/** Forgets sockets that went away; after a reload from a snapshot, reads everything again. */
function followSockets(state: SocketsState, previous: SocketsState): void {
  // A restarted host numbers sockets afresh: frames cached under an id may belong to another socket.
  const reloaded = state.synced && !previous.synced;
  if (reloaded) caches.clear();
  if (state.sockets === previous.sockets && !reloaded) return;
  const { heads, versions, errors } = useFrameCache.getState();
  const known = new Set([...caches.keys(), ...Object.keys(heads), ...Object.keys(versions), ...Object.keys(errors)]);
  const gone = [...known].filter((id) => !state.sockets[id]);
  for (const id of gone) caches.delete(id);
  if (gone.length === 0 && !reloaded) return;
  useFrameCache.setState((current) => {
    const keep = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).filter(([id]) => !gone.includes(id)));
    // Bumping every version makes the views showing frames ask for them again.
    const bumped = Object.fromEntries(Object.entries(keep(current.versions)).map(([id, version]) => [id, version + (reloaded ? 1 : 0)]));
    return { heads: keep(current.heads), versions: bumped, errors: reloaded ? {} : keep(current.errors) };
  });
}

/** Started once by startStores (start.ts); returns the stop. */
export function startFrameCache(): () => void {
  return useSockets.subscribe(followSockets);
}

/** For tests: forget everything. */
export function resetFrameCache(): void {
  caches.clear();
  useFrameCache.setState({ heads: {}, versions: {}, errors: {} }, true);
}
