import { create } from 'zustand';
import { MAX_LOG_READ } from '@shared/contract';
import type { Endpoint, ErrorInfo, LogEntry, LogHead } from '@shared/contract';
import { invoke } from '../../sync/engine';
import { type SocketsState, useSockets } from '../sockets/sockets';

/**
 * The renderer's window onto logs held in the main process. The log view asks for the seqs it
 * shows (`ensureRange`); entries are fetched with `log.read` in aligned pages of PAGE_SIZE, at most
 * one request in flight per page, and cached by seq. Entries never change once written, so a
 * cached entry stays valid until it falls below the log's firstSeq, when it is dropped.
 */
export const PAGE_SIZE = 200;
/** About how many payload bytes one read should carry at most (beyond the entries on screen). */
const READ_BUDGET_BYTES = 1024 * 1024;
/** Pages kept per socket beyond the ones on screen; the least recently used go first. */
const MAX_PAGES_PER_SOCKET = 50;

interface Page {
  entries: (LogEntry | undefined)[];
  inFlight: boolean;
  /** Asked for again while a read was in flight: look again when it lands. */
  again: boolean;
  usedAt: number;
}

interface SocketLogCache {
  /** Bumped when what is cached stops being this log (it was cleared, or state was reloaded): reads begun before are dropped. */
  generation: number;
  firstSeq: number;
  nextSeq: number;
  pages: Map<number, Page>;
  wanted: [number, number];
  /** Seq of the newest received entry that named a peer (UDP), so replies can default to it. */
  lastPeerSeq: number;
}

interface LogCacheState {
  /** Bumped whenever entries for a socket arrive or go, so the rows showing them re-render. */
  versions: Record<string, number>;
  /** UDP: the sender of the newest datagram seen in the log. */
  lastPeers: Record<string, Endpoint>;
  readErrors: Record<string, ErrorInfo>;
}

export const useLogCache = create<LogCacheState>()(() => ({ versions: {}, lastPeers: {}, readErrors: {} }));

const caches = new Map<string, SocketLogCache>();
let clock = 0;

export function getEntry(id: string, seq: number): LogEntry | undefined {
  const cache = caches.get(id);
  if (!cache || seq < cache.firstSeq) return undefined;
  return cache.pages.get(Math.floor(seq / PAGE_SIZE))?.entries[seq % PAGE_SIZE];
}

/**
 * Makes sure the rows on screen, [fromSeq, toSeq), and some on either side are cached or on their
 * way: up to PAGE_SIZE / 4 each side for small entries, fewer when entries are large.
 */
export function ensureVisible(id: string, fromSeq: number, toSeq: number): void {
  const head = useSockets.getState().heads[id];
  if (!head) return;
  const margin = Math.max(2, Math.min(PAGE_SIZE / 4, Math.floor(READ_BUDGET_BYTES / 4 / averageEntryBytes(head))));
  ensureRange(id, fromSeq - margin, toSeq + margin);
}

/** Makes sure entries [fromSeq, toSeq) of a socket's log are cached or on their way. */
export function ensureRange(id: string, fromSeq: number, toSeq: number): void {
  const head = useSockets.getState().heads[id];
  if (!head) return;
  const cache = cacheFor(id, head);
  const from = Math.max(fromSeq, cache.firstSeq, head.firstSeq);
  const to = Math.min(toSeq, head.nextSeq);
  if (from >= to) return;
  cache.wanted = [from, to];
  clock++;
  for (let pageIndex = Math.floor(from / PAGE_SIZE); pageIndex <= Math.floor((to - 1) / PAGE_SIZE); pageIndex++) {
    let page = cache.pages.get(pageIndex);
    if (!page) {
      page = { entries: new Array<LogEntry | undefined>(PAGE_SIZE), inFlight: false, again: false, usedAt: clock };
      cache.pages.set(pageIndex, page);
    }
    page.usedAt = clock;
    const pageStart = pageIndex * PAGE_SIZE;
    const firstMissing = findMissing(page, Math.max(from, pageStart), Math.min(to, pageStart + PAGE_SIZE), pageStart);
    if (firstMissing === undefined) continue;
    if (page.inFlight) {
      page.again = true;
      continue;
    }
    const end = Math.min(pageStart + PAGE_SIZE, head.nextSeq);
    // Read on to the end of the page, unless entries are large: then only what is wanted, plus
    // as many more as fit READ_BUDGET_BYTES, so 200 reads of 64 KiB do not travel to show three.
    const wantedEnd = Math.min(to, end);
    const affordable = Math.max(wantedEnd - firstMissing, Math.floor(READ_BUDGET_BYTES / averageEntryBytes(head)));
    const count = Math.min(end - firstMissing, affordable, MAX_LOG_READ);
    void readPage(id, cache, page, firstMissing, count);
  }
  evictPages(cache);
}

function averageEntryBytes(head: LogHead): number {
  const held = head.nextSeq - head.firstSeq;
  return held > 0 ? Math.max(1, head.bytes / held) : 1;
}

function findMissing(page: Page, from: number, to: number, pageStart: number): number | undefined {
  for (let seq = from; seq < to; seq++) if (page.entries[seq - pageStart] === undefined) return seq;
  return undefined;
}

async function readPage(id: string, cache: SocketLogCache, page: Page, fromSeq: number, count: number): Promise<void> {
  if (count <= 0) return;
  page.inFlight = true;
  const generation = cache.generation;
  const result = await invoke('log.read', { id, fromSeq, count });
  page.inFlight = false;
  if (caches.get(id) !== cache || cache.generation !== generation) {
    // Begun before a clear or a reload: what it read may no longer be this log. Ask again.
    if (caches.get(id) === cache) ensureRange(id, cache.wanted[0], cache.wanted[1]);
    return;
  }
  if (!result.ok) {
    useLogCache.setState((state) => ({ readErrors: { ...state.readErrors, [id]: result.error } }));
    return;
  }
  // The ring may have moved on since the head we know: never ask again for what it no longer holds.
  if (result.value.head.firstSeq > cache.firstSeq) dropBelow(cache, result.value.head.firstSeq);
  let newestPeer: Endpoint | undefined;
  for (const entry of result.value.entries) {
    if (entry.seq < cache.firstSeq) continue;
    const target = cache.pages.get(Math.floor(entry.seq / PAGE_SIZE));
    if (target) target.entries[entry.seq % PAGE_SIZE] = entry;
    if (entry.dir === 'in' && entry.peer && entry.seq > cache.lastPeerSeq) {
      cache.lastPeerSeq = entry.seq;
      newestPeer = entry.peer;
    }
  }
  useLogCache.setState((state) => ({
    versions: { ...state.versions, [id]: (state.versions[id] ?? 0) + 1 },
    lastPeers: newestPeer ? { ...state.lastPeers, [id]: newestPeer } : state.lastPeers,
    readErrors: state.readErrors[id] ? withoutKey(state.readErrors, id) : state.readErrors,
  }));
  if (page.again) {
    page.again = false;
    ensureRange(id, cache.wanted[0], cache.wanted[1]);
  }
}

function cacheFor(id: string, head: LogHead): SocketLogCache {
  let cache = caches.get(id);
  if (!cache) {
    cache = {
      generation: 0,
      firstSeq: head.firstSeq,
      nextSeq: head.nextSeq,
      pages: new Map(),
      wanted: [head.firstSeq, head.firstSeq],
      lastPeerSeq: -1,
    };
    caches.set(id, cache);
  }
  return cache;
}

function dropBelow(cache: SocketLogCache, firstSeq: number): void {
  // Everything went (a clear): a read on its way must not put any of it back.
  if (firstSeq >= cache.nextSeq) cache.generation++;
  cache.firstSeq = firstSeq;
  const firstPage = Math.floor(firstSeq / PAGE_SIZE);
  for (const [index, page] of cache.pages) {
    if (index < firstPage && !page.inFlight) cache.pages.delete(index);
    else if (index === firstPage) page.entries.fill(undefined, 0, firstSeq - index * PAGE_SIZE);
  }
}

function evictPages(cache: SocketLogCache): void {
  if (cache.pages.size <= MAX_PAGES_PER_SOCKET) return;
  const [wantedFrom, wantedTo] = cache.wanted;
  const candidates = [...cache.pages.entries()]
    .filter(([index, page]) => !page.inFlight && ((index + 1) * PAGE_SIZE <= wantedFrom || index * PAGE_SIZE >= wantedTo))
    .sort((a, b) => a[1].usedAt - b[1].usedAt);
  for (const [index] of candidates.slice(0, cache.pages.size - MAX_PAGES_PER_SOCKET)) cache.pages.delete(index);
}

/** Follows log heads from the socket store: drops what fell out of a ring, forgets removed sockets. */
function reconcile(heads: Record<string, LogHead>): void {
  const changed: string[] = [];
  const { versions, lastPeers, readErrors } = useLogCache.getState();
  const removed = [...new Set([...Object.keys(versions), ...Object.keys(lastPeers), ...Object.keys(readErrors)])].filter((id) => !heads[id]);
  for (const [id, cache] of caches) {
    const head = heads[id];
    if (!head) {
      caches.delete(id);
      continue;
    }
    if (head.nextSeq < cache.nextSeq || head.firstSeq < cache.firstSeq) {
      // Seqs are never reused for a socket; if they went back, this is not the log we cached.
      caches.delete(id);
      changed.push(id);
      continue;
    }
    if (head.firstSeq > cache.firstSeq) {
      dropBelow(cache, head.firstSeq);
      changed.push(id);
    }
    cache.nextSeq = head.nextSeq;
  }
  if (changed.length === 0 && removed.length === 0) return;
  useLogCache.setState((state) => {
    const versions = withoutKeys(state.versions, removed);
    for (const id of changed) versions[id] = (versions[id] ?? 0) + 1;
    return { versions, lastPeers: withoutKeys(state.lastPeers, removed), readErrors: withoutKeys(state.readErrors, removed) };
  });
}

/**
 * State was reloaded from a snapshot (a reconnect, or the host dropped events for this window):
 * a log by the same id may not be the one cached (a restarted host numbers sockets afresh).
 */
function reload(heads: Record<string, LogHead>): void {
  for (const [id, cache] of caches) {
    cache.generation++;
    cache.pages.clear();
    cache.firstSeq = heads[id]?.firstSeq ?? cache.firstSeq;
    cache.nextSeq = heads[id]?.nextSeq ?? cache.nextSeq;
    cache.lastPeerSeq = -1;
  }
  useLogCache.setState((state) => {
    const versions: Record<string, number> = {};
    for (const id of Object.keys(state.versions)) versions[id] = state.versions[id] + 1;
    return { versions, readErrors: {} };
  });
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  return withoutKeys(record, [key]);
}

function withoutKeys<T>(record: Record<string, T>, keys: readonly string[]): Record<string, T> {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Follows the log heads: after a reload reads everything again, else drops what fell out of the ring. */
function followHeads(state: SocketsState, previous: SocketsState): void {
  if (state.synced && !previous.synced) reload(state.heads);
  if (state.heads !== previous.heads) reconcile(state.heads);
}

/** Started once by startStores (start.ts); returns the stop. */
export function startLogCache(): () => void {
  return useSockets.subscribe(followHeads);
}

/** For tests: forget every cached page. */
export function resetLogCache(): void {
  caches.clear();
  useLogCache.setState({ versions: {}, lastPeers: {}, readErrors: {} });
}
