import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { ErrorInfo, Result } from '@shared/contract';
import { beforeNextFrame } from '../../sync/sync';

/**
 * The renderer's window onto a numbered sequence held in the main process (a socket's log
 * entries, or its frames): the views ask for the indexes they show, and items are read, kept
 * by index, and dropped when they fall below the sequence's first index or far from the view.
 * What the log cache and the frame cache share lives here: per-socket windows, a generation that
 * drops reads begun before a clear or a reload, reads in flight per slot with one more look when
 * more was asked for meanwhile, eviction, and a store the rows subscribe to. The kinds differ in
 * where the head (first and next index) comes from, how much one read asks for, and what they
 * learn from the items.
 */
export interface RangeBounds {
  first: number;
  next: number;
}

export interface RangeCacheSpec<Item, Head, Extra> {
  /** Reads `count` items from `from`; a negative `from` reads the newest `-from` (the tail). */
  read(id: string, from: number, count: number): Promise<Result<{ head: Head; items: readonly Item[] }>>;
  indexOf(item: Item): number;
  boundsOf(head: Head): RangeBounds;
  /**
   * The head when it is known without reading (log heads come with socket events, and
   * `followHeads` keeps the windows in step with them). Without it the head is learnt from each
   * read and kept in the store's `heads`.
   */
  knownHead?(id: string): Head | undefined;
  /** Items per slot: a read starts and ends within one slot; at most one read per slot is in flight. */
  slot: number;
  /** At most one read per socket in flight, whatever the slot. */
  oneReadAtATime?: boolean;
  /** How many to read from `from` (the first missing) when up to `wantedEnd` is wanted and the slot ends at `slotEnd`. */
  readCount?(head: Head, from: number, wantedEnd: number, slotEnd: number): number;
  /** Read the newest `tail` items first, and again after `refresh`, to learn the head. */
  tail?: number;
  /** The items cached under `previous` are other items under `head` (a new framing). */
  startsOver?(previous: Head, head: Head): boolean;
  /** Main has more to give than it did: read the tail again (main frames a large log a slice per read). */
  behind?(head: Head): boolean;
  /** Items kept per socket beyond those wanted; the farthest from the view go first. */
  maxItems: number;
  /** Items never evicted (the tail a following view needs next). */
  keep?(index: number, head: Head): boolean;
  /** At most this many indexes may be held (`hold`): a paused view keeps rows near it, not the whole sequence. */
  maxHeld?: number;
  /** What the store learns from items that arrived, beside the versions (the log's newest peer). */
  learn?(id: string, items: readonly Item[], state: Extra): Partial<Extra> | undefined;
}

export type RangeCacheState<Head> = {
  /** The head of the last read, for kinds whose head is learnt from reads. */
  heads: Record<string, Head>;
  /** Bumped whenever items for a socket arrive or go, so the rows showing them re-render. */
  versions: Record<string, number>;
  errors: Record<string, ErrorInfo>;
};

/** Extra per-socket records the store holds; each forgets a socket that goes. */
type PerSocket = Record<string, Record<string, unknown>>;

interface Window<Item, Head> {
  /** Bumped when what is cached stops being this sequence (it was cleared, or state was reloaded): reads begun before are dropped. */
  generation: number;
  first: number;
  next: number;
  items: Map<number, Item>;
  inFlight: Set<number>;
  /** Asked for more while a read was in flight: look again when it lands. */
  again: boolean;
  /** The tail must be read (again) to learn where the sequence stands. */
  stale: boolean;
  wanted: [number, number];
  /** The head of the last read. */
  head: Head | undefined;
  /** The highest index put in `items` (it may have gone since: `newest` checks). */
  newest: number;
  /** Indexes [from, to) kept when they fall below `first` (see `hold`); empty when from >= to. */
  held: [number, number];
}

const NOTHING_HELD: [number, number] = [0, 0];
const isHeld = (window: { held: [number, number] }, index: number): boolean => index >= window.held[0] && index < window.held[1];

const TAIL_SLOT = -1;

export interface RangeCache<Item, Head, Extra extends PerSocket> {
  store: UseBoundStore<StoreApi<RangeCacheState<Head> & Extra>>;
  get(id: string, index: number): Item | undefined;
  /**
   * Keeps the items of [from, to) that are cached (at most `maxHeld` of the indexes, from the
   * middle of the range out) when the sequence moves past them: a paused view goes on showing
   * what it read while a flood turns the sequence over. Replaces any earlier hold.
   */
  hold(id: string, from: number, to: number): void;
  /** Gives up the hold: held items below the sequence's first go now. */
  release(id: string): void;
  /**
   * The indexes held, [from, to), from the first cached to the last: those between that are below
   * the sequence's first fell out before they were read. Undefined if none is cached.
   */
  held(id: string): [number, number] | undefined;
  /** The highest index cached for a socket, if any. */
  newest(id: string): number | undefined;
  /** Makes sure items [from, to) are cached or on their way. */
  ensure(id: string, from: number, to: number): void;
  /** The sequence changed where the head cannot tell: read the tail (and with it the head) again. */
  refresh(id: string): void;
  /** Follows externally known heads: drops what fell below them, forgets sequences that went back or away. */
  followHeads(heads: Record<string, Head>): void;
  /** Forgets every socket `present` says is gone. */
  forgetAbsent(present: (id: string) => boolean): void;
  /** State was reloaded from a snapshot: an id may now name another socket, so everything is read again. */
  reload(): void;
  /** For tests: forget everything. */
  reset(): void;
}

export function createRangeCache<Item, Head, Extra extends PerSocket>(
  spec: RangeCacheSpec<Item, Head, Extra>,
  extra: Extra,
): RangeCache<Item, Head, Extra> {
  type State = RangeCacheState<Head> & Extra;
  const initial = (): State => ({ heads: {}, versions: {}, errors: {}, ...extra });
  const store = create<RangeCacheState<Head> & Extra>()(initial);
  const windows = new Map<string, Window<Item, Head>>();

  const headOf = (id: string): Head | undefined => (spec.knownHead ? spec.knownHead(id) : store.getState().heads[id]);

  function windowFor(id: string): Window<Item, Head> {
    let window = windows.get(id);
    if (!window) {
      const head = spec.knownHead?.(id);
      const { first, next } = head ? spec.boundsOf(head) : { first: 0, next: 0 };
      window = {
        generation: 0,
        first,
        next,
        items: new Map(),
        inFlight: new Set(),
        again: false,
        stale: spec.tail !== undefined,
        wanted: [first, first],
        head: undefined,
        newest: -1,
        held: NOTHING_HELD,
      };
      windows.set(id, window);
    }
    return window;
  }

  function get(id: string, index: number): Item | undefined {
    const window = windows.get(id);
    if (!window || (index < window.first && !isHeld(window, index))) return undefined;
    return window.items.get(index);
  }

  function hold(id: string, from: number, to: number): void {
    const window = windows.get(id);
    if (!window) return;
    const most = spec.maxHeld ?? 0;
    if (to - from > most) {
      const middle = Math.floor((from + to) / 2);
      from = middle - Math.floor(most / 2);
      to = from + most;
    }
    // A hold never reaches back for what fell out before it was asked for: that is gone already.
    const [heldFrom, heldTo] = window.held;
    const kept = (index: number): boolean => index >= window.first || (index >= heldFrom && index < heldTo);
    while (from < to && !kept(from)) from++;
    window.held = from < to ? [from, to] : NOTHING_HELD;
    if (window.first > heldFrom && dropUnheld(window) > 0) bumpVersion(id);
  }

  function release(id: string): void {
    const window = windows.get(id);
    if (!window || window.held === NOTHING_HELD) return;
    window.held = NOTHING_HELD;
    if (dropUnheld(window) > 0) bumpVersion(id);
  }

  /** The rows showing a socket's items read them again. */
  function bumpVersion(id: string): void {
    store.setState((state) => ({ ...state, versions: { ...state.versions, [id]: (state.versions[id] ?? 0) + 1 } }));
  }

  function held(id: string): [number, number] | undefined {
    const window = windows.get(id);
    if (!window) return undefined;
    // At most maxHeld lookups, and only while a view is paused.
    let [from, to] = window.held;
    while (from < to && !window.items.has(from)) from++;
    while (to > from && !window.items.has(to - 1)) to--;
    return from < to ? [from, to] : undefined;
  }

  function newest(id: string): number | undefined {
    const window = windows.get(id);
    return window?.items.has(window.newest) ? window.newest : undefined;
  }

  function ensure(id: string, from: number, to: number): void {
    if (spec.knownHead && !spec.knownHead(id)) return;
    const window = windowFor(id);
    window.wanted = [from, to];
    pump(id, window);
  }

  function refresh(id: string): void {
    const window = windowFor(id);
    window.stale = true;
    pump(id, window);
  }

  const busy = (window: Window<Item, Head>, slot: number): boolean =>
    window.inFlight.has(slot) || (spec.oneReadAtATime === true && window.inFlight.size > 0);

  /** Starts the reads for what is wanted and missing, as far as the slots in flight allow. */
  function pump(id: string, window: Window<Item, Head>): void {
    const head = headOf(id);
    if (spec.tail !== undefined && (window.stale || !head)) {
      if (busy(window, TAIL_SLOT)) {
        window.again = true;
        return;
      }
      window.stale = false;
      void read(id, window, TAIL_SLOT, -spec.tail, spec.tail);
      return;
    }
    if (!head) return;
    const bounds = spec.boundsOf(head);
    const from = Math.max(window.wanted[0], window.first, bounds.first);
    const to = Math.min(window.wanted[1], bounds.next);
    for (let slot = Math.floor(from / spec.slot); slot * spec.slot < to; slot++) {
      const slotEnd = Math.min((slot + 1) * spec.slot, bounds.next);
      const wantedEnd = Math.min(to, slotEnd);
      const missing = firstMissing(window, Math.max(from, slot * spec.slot), wantedEnd);
      if (missing === undefined) continue;
      if (busy(window, slot)) {
        window.again = true;
        continue;
      }
      const count = spec.readCount ? spec.readCount(head, missing, wantedEnd, slotEnd) : wantedEnd - missing;
      void read(id, window, slot, missing, count);
    }
  }

  function firstMissing(window: Window<Item, Head>, from: number, to: number): number | undefined {
    for (let index = from; index < to; index++) if (!window.items.has(index)) return index;
    return undefined;
  }

  async function read(id: string, window: Window<Item, Head>, slot: number, from: number, count: number): Promise<void> {
    if (count <= 0) return;
    window.inFlight.add(slot);
    const generation = window.generation;
    const result = await spec.read(id, from, count);
    window.inFlight.delete(slot);
    if (windows.get(id) !== window) return;
    if (window.generation !== generation) {
      // Begun before a clear or a reload: what it read may no longer be this sequence. Ask again.
      pump(id, window);
      return;
    }
    if (!result.ok) {
      store.setState((state) => ({ ...state, errors: { ...state.errors, [id]: result.error } }));
      return;
    }
    apply(id, window, result.value.head, result.value.items);
    if (window.again || window.stale) {
      window.again = false;
      pump(id, window);
    }
  }

  function apply(id: string, window: Window<Item, Head>, head: Head, items: readonly Item[]): void {
    if (window.head !== undefined && spec.startsOver?.(window.head, head)) {
      window.items.clear();
      window.newest = -1;
    }
    window.head = head;
    const bounds = spec.boundsOf(head);
    // The sequence may have moved on since the head we know: never ask again for what it no longer holds.
    if (bounds.first > window.first) dropBelow(window, bounds.first);
    if (!spec.knownHead) window.next = bounds.next;
    // An item never changes within a generation: keeping the object read first lets the rows
    // showing it skip re-rendering (and re-decoding) when it is read again.
    for (const item of items) {
      const index = spec.indexOf(item);
      if (index >= window.first && !window.items.has(index)) {
        window.items.set(index, item);
        if (index > window.newest) window.newest = index;
      }
    }
    if (spec.behind?.(head)) window.stale = true;
    evict(window, head);
    landed.push({
      id,
      window,
      change: (state) => {
        const { [id]: _cleared, ...errors } = state.errors;
        return {
          ...state,
          ...spec.learn?.(id, items, state),
          heads: spec.knownHead ? state.heads : { ...state.heads, [id]: head },
          versions: { ...state.versions, [id]: (state.versions[id] ?? 0) + 1 },
          errors: state.errors[id] ? errors : state.errors,
        };
      },
    });
    if (landed.length === 1) beforeNextFrame(showLanded);
  }

  /**
   * Reads that landed since the last frame, told to the store together in the frame's one update
   * (see beforeNextFrame): rows re-render once a frame, with the socket events of that frame,
   * rather than once per reply in the WebSocket's task, each with its own layout.
   */
  let landed: { id: string; window: Window<Item, Head>; change: (state: State) => State }[] = [];
  function showLanded(): void {
    // A socket forgotten meanwhile gets no version back.
    const changes = landed.filter(({ id, window }) => windows.get(id) === window);
    landed = [];
    if (changes.length > 0) store.setState((state) => changes.reduce((current, { change }) => change(current), state));
  }

  function dropBelow(window: Window<Item, Head>, first: number): void {
    // Everything went (a clear): a read on its way must not put any of it back.
    if (first >= window.next) window.generation++;
    window.first = first;
    dropUnheld(window);
  }

  /** Drops the items below the sequence's first that no hold keeps; returns how many. */
  function dropUnheld(window: Window<Item, Head>): number {
    let dropped = 0;
    for (const index of window.items.keys()) {
      if (index < window.first && !isHeld(window, index)) {
        window.items.delete(index);
        dropped++;
      }
    }
    return dropped;
  }

  function evict(window: Window<Item, Head>, head: Head): void {
    if (window.items.size <= spec.maxItems) return;
    const [from, to] = window.wanted;
    // The farthest from the view are the lowest below it and the highest above it: sorted once as
    // numbers (a typed array sorts natively), they are taken from both ends. Following a log at
    // 20 k entries/s this runs on every read, over ten thousand items: a comparator sort by
    // distance cost milliseconds and an array of boxed keys each time.
    const candidates = new Float64Array(window.items.size);
    let count = 0;
    for (const index of window.items.keys()) {
      if ((index < from || index > to) && !isHeld(window, index) && !spec.keep?.(index, head)) candidates[count++] = index;
    }
    const sorted = candidates.subarray(0, count).sort();
    let low = 0;
    let high = count - 1;
    for (let excess = window.items.size - spec.maxItems; excess > 0 && low <= high; excess--) {
      const below = from - sorted[low];
      const above = sorted[high] - to;
      if (below > 0 && (above <= 0 || below >= above)) window.items.delete(sorted[low++]);
      else window.items.delete(sorted[high--]);
    }
  }

  function followHeads(heads: Record<string, Head>): void {
    const changed: string[] = [];
    for (const [id, window] of windows) {
      const head = heads[id];
      if (!head) continue;
      const { first, next } = spec.boundsOf(head);
      if (next < window.next || first < window.first) {
        // Indexes are never reused for a socket; if they went back, this is not the sequence we cached.
        windows.delete(id);
        changed.push(id);
        continue;
      }
      if (first > window.first) {
        dropBelow(window, first);
        changed.push(id);
      }
      window.next = next;
    }
    forget((id) => heads[id] !== undefined, changed);
  }

  /** Forgets the sockets that are not present, and bumps the versions of `changed`. */
  function forget(present: (id: string) => boolean, changed: readonly string[] = []): void {
    const state = store.getState();
    const known = new Set<string>(windows.keys());
    for (const record of Object.values(state)) for (const id of Object.keys(record)) known.add(id);
    const gone = [...known].filter((id) => !present(id));
    for (const id of gone) windows.delete(id);
    if (gone.length === 0 && changed.length === 0) return;
    store.setState((current) => {
      const next: Record<string, Record<string, unknown>> = {};
      for (const [key, record] of Object.entries(current)) next[key] = gone.some((id) => id in record) ? withoutKeys(record, gone) : record;
      const versions = { ...(next.versions as Record<string, number>) };
      for (const id of changed) versions[id] = (versions[id] ?? 0) + 1;
      return { ...(next as RangeCacheState<Head> & Extra), versions };
    });
  }

  function reload(): void {
    for (const [id, window] of windows) {
      window.generation++;
      window.items.clear();
      window.newest = -1;
      window.held = NOTHING_HELD;
      window.stale = spec.tail !== undefined;
      window.head = undefined;
      const head = spec.knownHead?.(id);
      if (head) ({ first: window.first, next: window.next } = spec.boundsOf(head));
    }
    // Bumping every version makes the views showing items ask for them again.
    store.setState((state) => {
      const versions: Record<string, number> = {};
      for (const [id, version] of Object.entries(state.versions)) versions[id] = version + 1;
      return { ...state, versions, errors: {} };
    });
  }

  function reset(): void {
    windows.clear();
    landed = [];
    store.setState(initial(), true);
  }

  return { store, get, hold, release, held, newest, ensure, refresh, followHeads, forgetAbsent: (present) => forget(present), reload, reset };
}

function withoutKeys<T>(record: Record<string, T>, keys: readonly string[]): Record<string, T> {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
}
