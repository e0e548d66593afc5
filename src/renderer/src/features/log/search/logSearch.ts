import { create } from 'zustand';
import type { LogDirection, LogHead, LogSearchQuery, Result } from '@shared/contract';
import { MAX_SEARCH_MATCHES } from '@shared/contract/log-limits';
import { RAW_FRAMING, sameFraming } from '@shared/framing-names';
import { invoke } from '../../../sync/engine';
import { type FrameCacheState, useFrameCache } from '../framing/frameCache';
import { MatchList } from './matchList';
import { type SocketsState, useSockets } from '../../sockets/sockets';

export type SearchMode = 'text' | 'hex';

/** What the user set in the search bar. */
export interface SearchForm {
  text: string;
  mode: SearchMode;
  direction: LogDirection;
  caseSensitive: boolean;
  /** Show only matching entries instead of highlighting them among the rest. */
  onlyMatches: boolean;
}

export interface SocketSearch extends SearchForm {
  open: boolean;
  /** Matches found so far (see `lists`); a new number whenever the list changes. */
  version: number;
  /** Every seq below this has been searched. */
  scannedTo: number;
  scanning: boolean;
  error: string | null;
  /** The seq of the match Enter / Shift+Enter went to. */
  current: number | null;
  /** Bumped by each next/previous, so the view scrolls even when the match is the same. */
  jump: number;
}

const closedSearch: SocketSearch = {
  text: '',
  mode: 'text',
  direction: 'any',
  caseSensitive: false,
  onlyMatches: false,
  open: false,
  version: 0,
  scannedTo: 0,
  scanning: false,
  error: null,
  current: null,
  jump: 0,
};

/**
 * Log search per socket. The search runs in main (`log.search`, or `log.searchFrames` under a
 * framing), a bounded slice per call, from the oldest held entry (or frame) up; the matches (seqs,
 * or frame indexes) are kept here and followed as the log grows and as its ring drops old entries.
 */
export const useLogSearch = create<Record<string, SocketSearch>>()(() => ({}));

/** Match seqs per socket: mutable and large, so they live outside the store (its `version` says when they change). */
const lists = new Map<string, MatchList>();
/** A search per socket at a time: results of an older generation are dropped. */
const generations = new Map<string, number>();
const debounceTimers = new Map<string, ReturnType<typeof setTimeout>>();
/** How a log view tells which seqs it shows, so that "next" starts from there. */
const viewports = new Map<string, () => [number, number] | undefined>();

/** Typing waits this long before the search starts over. */
const TYPING_DELAY_MS = 150;

export function searchOf(id: string): SocketSearch {
  return useLogSearch.getState()[id] ?? closedSearch;
}

export function matchesOf(id: string): MatchList {
  let list = lists.get(id);
  if (!list) lists.set(id, (list = new MatchList()));
  return list;
}

/** A paused "Only matches" view follows again (or is gone): the matches it kept (MatchList.keepFrom) go, those below the log's first entry now. */
export function releaseMatches(id: string): void {
  const list = lists.get(id);
  if (!list) return;
  list.keepFrom(undefined);
  const first = useSockets.getState().heads[id]?.firstSeq;
  if (first !== undefined) dropFallenOut(id, list, first);
}

/**
 * Forgets the matches below the log's first entry (they fell out of its ring), and the current one
 * among them. Framed, the numbers are frame indexes: main says which are gone, when searched again.
 */
function dropFallenOut(id: string, list: MatchList, firstSeq: number): void {
  if (isFramed(id) || !list.dropBelow(firstSeq)) return;
  const search = searchOf(id);
  set(id, { version: search.version + 1, current: search.current !== null && search.current < firstSeq ? null : search.current });
}

/** True while the bar is open with something to look for (text, bytes or a direction). */
export function isSearching(search: SocketSearch | undefined): boolean {
  return search !== undefined && search.open && (search.text !== '' || search.direction !== 'any');
}

/** Under a framing the view shows frames, and the search looks at frames (numbered by index), not entries. */
export function isFramed(id: string): boolean {
  const framing = useSockets.getState().sockets[id]?.framing;
  return framing !== undefined && framing.mode !== 'raw';
}

function set(id: string, patch: Partial<SocketSearch>): void {
  useLogSearch.setState((state) => ({ [id]: { ...(state[id] ?? closedSearch), ...patch } }));
}

export function openSearch(id: string): void {
  if (searchOf(id).open) return;
  set(id, { open: true });
  restart(id, 0);
}

export function closeSearch(id: string): void {
  generations.set(id, (generations.get(id) ?? 0) + 1);
  clearTimeout(debounceTimers.get(id));
  lists.delete(id);
  frameGenerations.delete(id);
  set(id, { open: false, scanning: false, current: null, error: null, version: searchOf(id).version + 1 });
}

export function updateSearch(id: string, patch: Partial<SearchForm>): void {
  const before = searchOf(id);
  set(id, patch);
  const requery = (['text', 'mode', 'direction', 'caseSensitive'] as const).some((key) => key in patch && patch[key] !== before[key]);
  if (requery) restart(id, 'text' in patch ? TYPING_DELAY_MS : 0);
}

export function registerViewport(id: string, visibleSeqs: () => [number, number] | undefined): () => void {
  viewports.set(id, visibleSeqs);
  return () => {
    if (viewports.get(id) === visibleSeqs) viewports.delete(id);
  };
}

/** Enter / Shift+Enter: the next or previous match, wrapping around; the first from the view when none is current. */
export function stepMatch(id: string, step: 1 | -1): void {
  const search = searchOf(id);
  const list = lists.get(id);
  if (!list || list.length === 0) return;
  let index: number;
  if (search.current === null) {
    const view = viewports.get(id)?.();
    if (view) index = step > 0 ? list.lowerBound(view[0]) : list.lowerBound(view[1] + 1) - 1;
    else index = step > 0 ? list.firstIndex : list.nextIndex - 1;
  } else {
    const at = list.lowerBound(search.current);
    index = step > 0 ? (list.at(at) === search.current ? at + 1 : at) : at - 1;
  }
  if (index >= list.nextIndex) index = list.firstIndex;
  if (index < list.firstIndex) index = list.nextIndex - 1;
  set(id, { current: list.at(index) ?? null, jump: search.jump + 1 });
}

/** "3 of 12": the current match's place among all of them, 1-based; 0 when none is current. */
export function currentPosition(id: string): number {
  const { current } = searchOf(id);
  const list = lists.get(id);
  if (current === null || !list?.has(current)) return 0;
  return list.lowerBound(current) - list.firstIndex + 1;
}

function toQuery(search: SocketSearch): LogSearchQuery {
  const base = { direction: search.direction, caseSensitive: search.caseSensitive };
  if (search.text === '') return base;
  return search.mode === 'hex' ? { ...base, hex: search.text } : { ...base, text: search.text };
}

function restart(id: string, delayMs: number): void {
  const generation = (generations.get(id) ?? 0) + 1;
  generations.set(id, generation);
  clearTimeout(debounceTimers.get(id));
  lists.set(id, new MatchList());
  const searching = isSearching(searchOf(id));
  set(id, { scannedTo: 0, current: null, error: null, scanning: searching, version: searchOf(id).version + 1 });
  if (!searching) return;
  debounceTimers.set(
    id,
    setTimeout(() => void scan(id, generation), delayMs),
  );
}

/** The frame numbering each framed search's matches belong to: a new one means they are void. */
const frameGenerations = new Map<string, number>();

/** One bounded step: the matches found, the oldest number still held, where to go on, and whether that was all. */
interface Step {
  matches: number[];
  first: number;
  cursor: number;
  done: boolean;
  /** Framed: the numbering of the frames. */
  generation?: number;
}

async function step(id: string, search: SocketSearch, head: LogHead): Promise<Result<Step> | undefined> {
  const query = toQuery(search);
  if (isFramed(id)) {
    const result = await invoke('log.searchFrames', { id, query, fromIndex: search.scannedTo, limit: MAX_SEARCH_MATCHES });
    if (!result.ok) return result;
    const { matches, firstIndex, cursor, done, generation } = result.value;
    return { ok: true, value: { matches, first: firstIndex, cursor, done, generation } };
  }
  const fromSeq = Math.max(search.scannedTo, head.firstSeq);
  if (fromSeq >= head.nextSeq) return undefined;
  const result = await invoke('log.search', { id, query, fromSeq, limit: MAX_SEARCH_MATCHES });
  if (!result.ok) return result;
  const { matches, head: searched, cursor } = result.value;
  return { ok: true, value: { matches, first: searched.firstSeq, cursor, done: cursor >= searched.nextSeq } };
}

/** Searches from where it got to up to the log's end (or the last frame), one bounded call at a time. */
async function scan(id: string, generation: number): Promise<void> {
  for (;;) {
    const search = searchOf(id);
    const head = useSockets.getState().heads[id];
    if (generations.get(id) !== generation || !isSearching(search) || !head) return;
    set(id, { scanning: true });
    const result = await step(id, search, head);
    if (generations.get(id) !== generation) return;
    if (result === undefined) {
      set(id, { scanning: false });
      return;
    }
    if (!result.ok) {
      set(id, { scanning: false, error: result.error.message });
      return;
    }
    const found = result.value;
    if (found.generation !== undefined && found.generation !== frameGenerations.get(id)) {
      const renumbered = frameGenerations.has(id) && search.scannedTo > 0;
      frameGenerations.set(id, found.generation);
      // The frames were cut afresh since the search began: what it found numbers other frames now.
      if (renumbered) {
        restart(id, 0);
        return;
      }
    }
    const list = matchesOf(id);
    list.append(found.matches);
    list.dropBelow(found.first);
    const { current } = searchOf(id);
    set(id, { scannedTo: found.cursor, version: searchOf(id).version + 1, current: current !== null && current < found.first ? null : current });
    // Done, unless the log moved on while this step was answered: then look again.
    if (found.done && useSockets.getState().heads[id] === head) {
      set(id, { scanning: false });
      return;
    }
  }
}

// The frames were cut afresh (the framing changed, even to and fro within one batch of events):
// a framed search's matches number other frames now.
function followFraming(state: FrameCacheState, previous: FrameCacheState): void {
  if (state.heads === previous.heads) return;
  for (const [id, search] of Object.entries(useLogSearch.getState())) {
    const generation = state.heads[id]?.generation;
    const known = frameGenerations.get(id);
    if (isSearching(search) && isFramed(id) && generation !== undefined && known !== undefined && generation !== known) {
      frameGenerations.delete(id);
      restart(id, 0);
    }
  }
}

// Follow every log: search what arrives, forget matches that fall out of the ring, and searches
// of sockets that are gone.
function followLogs(state: SocketsState, previous: SocketsState): void {
  // A new framing numbers the rows afresh: searches of those sockets start over.
  if (state.sockets !== previous.sockets) {
    for (const [id, search] of Object.entries(useLogSearch.getState())) {
      const framing = state.sockets[id]?.framing;
      const before = previous.sockets[id]?.framing;
      if (isSearching(search) && framing !== before && !sameFraming(framing ?? RAW_FRAMING, before ?? RAW_FRAMING)) {
        frameGenerations.delete(id);
        restart(id, 0);
      }
    }
  }
  if (state.heads === previous.heads) return;
  for (const [id, search] of Object.entries(useLogSearch.getState())) {
    const head = state.heads[id];
    if (!head) {
      closeSearch(id);
      useLogSearch.setState((all) => {
        const rest = { ...all };
        delete rest[id];
        return rest;
      }, true);
      continue;
    }
    if (!isSearching(search)) continue;
    const list = lists.get(id);
    if (list) dropFallenOut(id, list, head.firstSeq);
    const grew = isFramed(id) ? head !== previous.heads[id] : head.nextSeq > search.scannedTo;
    if (!search.scanning && grew) void scan(id, generations.get(id) ?? 0);
  }
}

/** Started once by startStores (start.ts); the stop also drops searches still waiting for typing to pause. */
export function startLogSearch(): () => void {
  const unsubscribers = [useFrameCache.subscribe(followFraming), useSockets.subscribe(followLogs)];
  return () => {
    unsubscribers.forEach((unsubscribe) => unsubscribe());
    debounceTimers.forEach((timer) => clearTimeout(timer));
    debounceTimers.clear();
  };
}
