import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, FrameItem, FramesHead, Input, Output, Result } from '@shared/contract';
import type { Transport } from '../../../transport';
import { setTransport } from '../../../sync/engine';
import { socketInfo as socket } from '@shared/test-support/socket-info';
import { ensureFrames, getFrame, refreshFrames, resetFrameCache, startFrameCache, useFrameCache } from './frameCache';
import { applyEvents, applySnapshot, initialSocketsState, useSockets } from '../../sockets/sockets';

interface Read {
  fromIndex: number;
  count: number;
  release: () => void;
}

/** Frames [0, total) of generation `generation` behind a transport whose replies the test releases. */
function fakeFrames() {
  const reads: Read[] = [];
  const state = { total: 10, generation: 1 };
  const transport: Transport = {
    invoke<C extends Command>(command: C, input: Input<C>): Promise<Result<Output<C>>> {
      if (command !== 'log.readFrames') throw new Error(`unexpected ${command}`);
      const { fromIndex, count } = input as Input<'log.readFrames'>;
      return new Promise((resolve) => {
        reads.push({
          fromIndex,
          count,
          release: () => {
            const start = fromIndex < 0 ? Math.max(0, state.total + fromIndex) : fromIndex;
            const frames: FrameItem[] = [];
            for (let index = start; index < Math.min(state.total, start + count); index++) {
              frames.push({ index, seq: index, time: state.generation, dir: 'event', event: 'info', message: `frame ${index}` });
            }
            const head: FramesHead = {
              id: 's',
              generation: state.generation,
              framing: { mode: 'fixed', size: 1 },
              firstIndex: 0,
              nextIndex: state.total,
              dropped: 0,
              pending: [],
              behind: false,
            };
            resolve({ ok: true, value: { head, frames } } as Result<Output<C>>);
          },
        });
      });
    },
    subscribe: () => () => undefined,
    onStatus: () => () => undefined,
  };
  return { transport, reads, state };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('frame cache', () => {
  let stop = (): void => undefined;
  beforeEach(() => {
    stop = startFrameCache();
    resetFrameCache();
  });
  afterEach(() => stop());

  it('reads the tail for the head first, then only the frames wanted and missing, one request at a time', async () => {
    const fake = fakeFrames();
    fake.state.total = 500;
    setTransport(fake.transport);
    refreshFrames('s');
    ensureFrames('s', 100, 120);
    expect(fake.reads.map((r) => r.fromIndex)).toEqual([-60]);
    fake.reads[0].release();
    await flush();
    expect(useFrameCache.getState().heads.s?.nextIndex).toBe(500);
    expect(getFrame('s', 499)).toMatchObject({ index: 499 });
    expect(fake.reads.slice(1).map((r) => [r.fromIndex, r.count])).toEqual([[100, 20]]);
    fake.reads[1].release();
    await flush();
    expect(getFrame('s', 110)).toMatchObject({ message: 'frame 110' });
    ensureFrames('s', 100, 120);
    expect(fake.reads).toHaveLength(2);
  });

  it('starts over when main answers for a new framing', async () => {
    const fake = fakeFrames();
    setTransport(fake.transport);
    refreshFrames('s');
    fake.reads[0].release();
    await flush();
    expect(getFrame('s', 3)).toMatchObject({ time: 1 });
    fake.state.generation = 2;
    fake.state.total = 2;
    refreshFrames('s');
    fake.reads[1].release();
    await flush();
    expect(getFrame('s', 3)).toBeUndefined();
    expect(getFrame('s', 1)).toMatchObject({ time: 2 });
  });

  it('forgets the head, version and error of a removed socket', async () => {
    const fake = fakeFrames();
    setTransport(fake.transport);
    useSockets.setState({ ...initialSocketsState, sockets: { s: socket('s') } }, true);
    refreshFrames('s');
    fake.reads[0].release();
    await flush();
    useFrameCache.setState((state) => ({ errors: { ...state.errors, s: { code: 'X', message: 'x' } } }));
    expect(useFrameCache.getState().versions.s).toBe(1);
    applyEvents([{ type: 'socket.removed', id: 's' }]);
    expect(useFrameCache.getState()).toEqual({ heads: {}, versions: {}, errors: {} });
    expect(getFrame('s', 3)).toBeUndefined();
  });

  it('after a reload from a snapshot, drops cached frames and a read begun before', async () => {
    const fake = fakeFrames();
    setTransport(fake.transport);
    useSockets.setState({ ...initialSocketsState, synced: true, sockets: { s: socket('s') } }, true);
    refreshFrames('s');
    fake.reads[0].release();
    await flush();
    ensureFrames('s', 0, 10);
    refreshFrames('s');
    expect(getFrame('s', 3)).toMatchObject({ time: 1 });
    useSockets.setState({ synced: false });
    // A restarted host: another socket under the same id, and a framing generation that happens to match.
    fake.state.total = 4;
    applySnapshot({ rev: 1, sockets: [socket('s')], logs: [] });
    expect(getFrame('s', 3)).toBeUndefined();
    expect(useFrameCache.getState().versions.s).toBe(2);
    fake.reads[1]?.release();
    await flush();
    expect(getFrame('s', 3)).toBeUndefined();
  });
});
