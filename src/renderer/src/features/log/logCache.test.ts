import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, Input, LogEntry, LogHead, Output, Result } from '@shared/contract';
import type { Transport } from '../../transport';
import { setTransport } from '../../sync/engine';
import {
  ensureRange,
  getEntry,
  heldRows,
  holdRows,
  MAX_HELD_ROWS,
  PAGE_SIZE,
  releaseRows,
  resetLogCache,
  startLogCache,
  useLogCache,
} from './logCache';
import { applyEvents, applySnapshot, initialSocketsState, useSockets } from '../sockets/sockets';

interface Read {
  fromSeq: number;
  count: number;
  resolve: () => void;
}

/** A log of `nextSeq` entries behind a transport whose log.read replies the test releases. */
function fakeLog(head: LogHead) {
  const reads: Read[] = [];
  let current = head;
  const transport: Transport = {
    invoke<C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> {
      if (command !== 'log.read') throw new Error(`unexpected ${command}`);
      const { fromSeq, count } = input as Input<'log.read'>;
      return new Promise((resolve) => {
        reads.push({
          fromSeq,
          count,
          resolve: () => {
            const entries: LogEntry[] = [];
            const start = Math.max(fromSeq, current.firstSeq);
            for (let seq = start; seq < Math.min(current.nextSeq, start + count); seq++) {
              entries.push({ seq, time: seq, dir: 'in', bytes: new Uint8Array([seq & 0xff]) });
            }
            resolve({ ok: true, value: { head: current, entries } } as Result<Output<C>>);
          },
        });
      });
    },
    subscribe: () => () => undefined,
    onStatus: () => () => undefined,
  };
  return {
    transport,
    reads,
    setHead(next: LogHead) {
      current = next;
      applyEvents([{ type: 'log.head', head: next }]);
    },
  };
}

/** Socket 's' with entries [0, nextSeq) of `bytes` in all, its head known to the socket store, read through a fake log. */
function openLog(nextSeq: number, bytes: number) {
  const head: LogHead = { id: 's', firstSeq: 0, nextSeq, dropped: 0, bytes };
  const log = fakeLog(head);
  setTransport(log.transport);
  log.setHead(head);
  return log;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Socket 's' with entries [0, nextSeq) of a byte each, [from, to) of them read into the cache. */
async function readLog(nextSeq: number, from: number, to: number) {
  const log = openLog(nextSeq, nextSeq);
  ensureRange('s', from, to);
  log.reads.forEach((read) => read.resolve());
  await flush();
  return log;
}

describe('log cache', () => {
  let stop = (): void => undefined;
  beforeEach(() => {
    stop = startLogCache();
    resetLogCache();
    useSockets.setState(initialSocketsState, true);
  });
  afterEach(() => stop());

  it('reads aligned pages once, however often the same rows are asked for', async () => {
    const log = openLog(1000, 1000);
    ensureRange('s', 150, 260);
    ensureRange('s', 150, 260);
    ensureRange('s', 170, 250);
    expect(log.reads.map((r) => [r.fromSeq, r.count])).toEqual([
      [150, 50],
      [200, 200],
    ]);
    log.reads.forEach((read) => read.resolve());
    await flush();
    expect(getEntry('s', 150)?.seq).toBe(150);
    expect(getEntry('s', 259)?.seq).toBe(259);
    expect(getEntry('s', 149)).toBeUndefined();
  });

  it('fetches again after an in-flight read when more of the page was wanted meanwhile', async () => {
    const log = openLog(10, 10);
    ensureRange('s', 0, 10);
    log.setHead({ id: 's', firstSeq: 0, nextSeq: 15, dropped: 0, bytes: 15 });
    ensureRange('s', 0, 15);
    expect(log.reads).toHaveLength(1);
    log.reads[0].resolve();
    await flush();
    // One follow-up read for what was asked for while the first was in flight.
    expect(log.reads.map((r) => [r.fromSeq, r.count])).toEqual([
      [0, 10],
      [10, 5],
    ]);
    log.reads[1].resolve();
    await flush();
    expect(getEntry('s', 14)?.seq).toBe(14);
    ensureRange('s', 0, 15);
    expect(log.reads).toHaveLength(2);
  });

  it('drops cached entries that fell out of the ring', async () => {
    const log = openLog(PAGE_SIZE * 2, 0);
    ensureRange('s', 0, PAGE_SIZE * 2);
    log.reads.forEach((read) => read.resolve());
    await flush();
    expect(getEntry('s', 10)).toBeDefined();
    log.setHead({ id: 's', firstSeq: PAGE_SIZE + 5, nextSeq: PAGE_SIZE * 2, dropped: PAGE_SIZE + 5, bytes: 0 });
    expect(getEntry('s', 10)).toBeUndefined();
    expect(getEntry('s', PAGE_SIZE + 4)).toBeUndefined();
    expect(getEntry('s', PAGE_SIZE + 5)?.seq).toBe(PAGE_SIZE + 5);
  });

  it('keeps what a paused view holds after a flood turns the ring over, until it lets go', async () => {
    const log = await readLog(1000, 0, 1000);
    holdRows('s', 100, 300);
    const versionBefore = useLogCache.getState().versions.s;
    // The ring turned over several times between two reads: all 1,000 entries fell out.
    log.setHead({ id: 's', firstSeq: 5000, nextSeq: 6000, dropped: 5000, bytes: 1000 });
    expect(getEntry('s', 100)?.seq).toBe(100);
    expect(getEntry('s', 299)?.seq).toBe(299);
    expect(getEntry('s', 99)).toBeUndefined();
    expect(getEntry('s', 300)).toBeUndefined();
    expect(heldRows('s')).toEqual([100, 300]);
    // What is held is what was read: the rows never read at either end are not kept in its place.
    holdRows('s', 0, 2000);
    expect(heldRows('s')).toEqual([100, 300]);
    holdRows('s', 100, 300);
    // Moving the hold (the user scrolls) never reaches back for what fell out unheld, and lets go of what it leaves.
    holdRows('s', 0, 250);
    expect(heldRows('s')).toEqual([100, 250]);
    expect(getEntry('s', 260)).toBeUndefined();
    expect(getEntry('s', 200)?.seq).toBe(200);
    expect(useLogCache.getState().versions.s).toBeGreaterThan(versionBefore ?? 0);
    // Following again: what fell out goes.
    releaseRows('s');
    expect(heldRows('s')).toBeUndefined();
    expect(getEntry('s', 200)).toBeUndefined();
  });

  it('holds at most MAX_HELD_ROWS, around the middle of what is asked for', async () => {
    await readLog(100_000, 47_000, 53_000);
    holdRows('s', 0, 100_000);
    const held = heldRows('s') ?? [0, 0];
    expect(held[1] - held[0]).toBe(MAX_HELD_ROWS);
    expect(held[0]).toBe(50_000 - MAX_HELD_ROWS / 2);
  });

  it('lets go of the held rows when the log is cleared: only what fell out of the ring is kept', async () => {
    const log = await readLog(1000, 800, 1000);
    holdRows('s', 800, 1000);
    // Clear log: every entry goes, and none counts as dropped.
    log.setHead({ id: 's', firstSeq: 1000, nextSeq: 1000, dropped: 0, bytes: 0, cleared: { dropped: 0, budgetDropped: 0 } });
    expect(getEntry('s', 900)).toBeUndefined();
    expect(heldRows('s')).toBeUndefined();
  });

  it('forgets a removed socket', async () => {
    const log = openLog(5, 0);
    ensureRange('s', 0, 5);
    log.reads[0].resolve();
    await flush();
    applyEvents([{ type: 'socket.removed', id: 's' }]);
    expect(getEntry('s', 0)).toBeUndefined();
  });

  it('forgets everything it kept about a removed socket: versions, peers and read errors', async () => {
    const log = openLog(5, 0);
    ensureRange('s', 0, 5);
    log.reads[0].resolve();
    await flush();
    useLogCache.setState((state) => ({ errors: { ...state.errors, s: { code: 'X', message: 'x' } } }));
    expect(useLogCache.getState().versions.s).toBeGreaterThan(0);
    expect(useLogCache.getState().lastPeers).toEqual({});
    applyEvents([{ type: 'socket.removed', id: 's' }]);
    expect(useLogCache.getState()).toEqual({ heads: {}, versions: {}, errors: {}, lastPeers: {} });
  });

  it('after a reload from a snapshot, drops what it cached and reads begun before, and reads again', async () => {
    const log = fakeLog({ id: 's', firstSeq: 0, nextSeq: 5, dropped: 0, bytes: 0 });
    setTransport(log.transport);
    useSockets.setState({ synced: true });
    log.setHead({ id: 's', firstSeq: 0, nextSeq: 5, dropped: 0, bytes: 0 });
    ensureRange('s', 0, 5);
    log.reads[0].resolve();
    await flush();
    expect(getEntry('s', 0)).toMatchObject({ seq: 0, dir: 'in' });
    ensureRange('s', 0, 5);
    log.setHead({ id: 's', firstSeq: 0, nextSeq: 8, dropped: 0, bytes: 0 });
    ensureRange('s', 0, 8);
    expect(log.reads).toHaveLength(2);
    // A restarted host: a socket by the same id with another log, which a seq check cannot tell apart.
    setTransport(log.transport);
    useSockets.setState({ synced: false });
    applySnapshot({ rev: 1, sockets: [], logs: [{ id: 's', firstSeq: 0, nextSeq: 8, dropped: 0, bytes: 0 }] });
    expect(getEntry('s', 0)).toBeUndefined();
    log.reads[1].resolve();
    await flush();
    expect(getEntry('s', 6)).toBeUndefined();
    // The stale read is not kept, and the rows wanted are asked for again.
    expect(log.reads).toHaveLength(3);
    expect(log.reads[2]).toMatchObject({ fromSeq: 0 });
  });
});
