import { MAX_LOG_READ } from '@shared/contract/log-limits';
import type { Endpoint, LogEntry, LogHead } from '@shared/contract';
import { invoke } from '../../sync/engine';
import { type SocketsState, useSockets } from '../sockets/sockets';
import { createRangeCache } from './rangeCache';

/**
 * The renderer's window onto logs held in the main process. The log view asks for the seqs it
 * shows (`ensureVisible`); entries are fetched with `log.read` in aligned pages of PAGE_SIZE, at
 * most one request in flight per page, and cached by seq. Entries never change once written, so a
 * cached entry stays valid until it falls below the log's firstSeq, when it is dropped. The log
 * heads come with socket events (the socket store), so no read is needed to learn them.
 */
export const PAGE_SIZE = 200;
/** About how many payload bytes one read should carry at most (beyond the entries on screen). */
const READ_BUDGET_BYTES = 1024 * 1024;
/** Entries kept per socket beyond the ones on screen: fifty pages. */
const MAX_ENTRIES_PER_SOCKET = 50 * PAGE_SIZE;
/**
 * Rows a paused view may keep after they fall out of the ring (holdRows): a few screens either
 * side of the one shown, never a copy of the ring (200,000 entries, turned over in a fraction of
 * a second by a flood of a million lines a second).
 */
export const MAX_HELD_ROWS = 4000;

/** Seq of the newest received entry that named a peer (UDP), per socket, so replies can default to it. */
const lastPeerSeqs = new Map<string, number>();

const logs = createRangeCache<LogEntry, LogHead, { lastPeers: Record<string, Endpoint> }>(
  {
    read: async (id, fromSeq, count) => {
      const result = await invoke('log.read', { id, fromSeq, count });
      return result.ok ? { ok: true, value: { head: result.value.head, items: result.value.entries } } : result;
    },
    indexOf: (entry) => entry.seq,
    boundsOf: (head) => ({ first: head.firstSeq, next: head.nextSeq }),
    knownHead: (id) => useSockets.getState().heads[id],
    slot: PAGE_SIZE,
    // Read on to the end of the page, unless entries are large: then only what is wanted, plus
    // as many more as fit READ_BUDGET_BYTES, so 200 reads of 64 KiB do not travel to show three.
    readCount: (head, from, wantedEnd, pageEnd) =>
      Math.min(pageEnd - from, Math.max(wantedEnd - from, Math.floor(READ_BUDGET_BYTES / averageEntryBytes(head))), MAX_LOG_READ),
    maxItems: MAX_ENTRIES_PER_SOCKET,
    maxHeld: MAX_HELD_ROWS,
    learn: (id, entries, state) => {
      let newestPeer: Endpoint | undefined;
      for (const entry of entries) {
        if (entry.dir === 'in' && entry.peer && entry.seq > (lastPeerSeqs.get(id) ?? -1)) {
          lastPeerSeqs.set(id, entry.seq);
          newestPeer = entry.peer;
        }
      }
      return newestPeer ? { lastPeers: { ...state.lastPeers, [id]: newestPeer } } : undefined;
    },
  },
  { lastPeers: {} },
);

/** Per socket: `versions` bump when entries arrive or go, `errors` holds a failed read, `lastPeers` the sender (UDP) of the newest datagram seen. */
export const useLogCache = logs.store;

export function getEntry(id: string, seq: number): LogEntry | undefined {
  return logs.get(id, seq);
}

/** Sockets whose paused view holds rows: a few at most, looked at with every head (followHeads). */
const holding = new Set<string>();

/**
 * A paused view's snapshot: the entries of [fromSeq, toSeq) that are cached stay readable with
 * getEntry after they fall out of the ring (at most MAX_HELD_ROWS, around the middle), until
 * releaseRows or a Clear log. Replaces the socket's earlier hold.
 */
export function holdRows(id: string, fromSeq: number, toSeq: number): void {
  logs.hold(id, fromSeq, toSeq);
  holding.add(id);
}

export function releaseRows(id: string): void {
  logs.release(id);
  holding.delete(id);
}

/** The seqs a paused view holds, [from, to), if any (see holdRows). */
export function heldRows(id: string): [number, number] | undefined {
  return logs.held(id);
}

/** The newest seq of a socket's log that is cached, if any. */
export function newestCached(id: string): number | undefined {
  return logs.newest(id);
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
  logs.ensure(id, fromSeq, toSeq);
}

function averageEntryBytes(head: LogHead): number {
  const held = head.nextSeq - head.firstSeq;
  return held > 0 ? Math.max(1, head.bytes / held) : 1;
}

/** Follows the log heads: after a reload reads everything again, else drops what fell out of the ring and forgets removed sockets. */
function followHeads(state: SocketsState, previous: SocketsState): void {
  if (state.synced && !previous.synced) {
    // A log by the same id may not be the one cached (a restarted host numbers sockets afresh).
    lastPeerSeqs.clear();
    holding.clear();
    logs.reload();
  }
  if (state.heads !== previous.heads) {
    for (const id of lastPeerSeqs.keys()) {
      const head = state.heads[id];
      const before = previous.heads[id];
      // Gone, or seqs went back (another log under this id): its peers are not this log's.
      if (!head || (before && (head.nextSeq < before.nextSeq || head.firstSeq < before.firstSeq))) lastPeerSeqs.delete(id);
    }
    // What the user cleared goes from a paused view too: only what fell out of the ring is held.
    for (const id of holding) {
      const [head, before] = [state.heads[id], previous.heads[id]];
      if (head && before && wasCleared(before, head)) releaseRows(id);
    }
    logs.followHeads(state.heads);
  }
}

/** Entries left the log other than by falling out of the ring (which `dropped` counts): a Clear log. */
function wasCleared(before: LogHead, head: LogHead): boolean {
  return head.firstSeq - before.firstSeq > head.dropped - before.dropped;
}

/** Started once by startStores (start.ts); returns the stop. */
export function startLogCache(): () => void {
  return useSockets.subscribe(followHeads);
}

/** For tests: forget every cached entry. */
export function resetLogCache(): void {
  lastPeerSeqs.clear();
  holding.clear();
  logs.reset();
}
