import { beforeEach, describe, expect, it } from 'vitest';
import type { Command, Input, Output, Result, Snapshot } from '@shared/contract';
import { socketInfo as socket } from '@shared/test-support/socket-info';
import { fakeTransport as fakeTransportWith } from '../test-support/fakeTransport';
import { initialSocketsState, useSockets } from '../features/sockets/sockets';
import { startSync } from './sync';

/** A transport whose snapshot reply and events the test releases by hand. */
function fakeTransport() {
  const snapshotReplies: ((result: Result<Snapshot>) => void)[] = [];
  const fake = fakeTransportWith(<C extends Command>(command: C, _input: Input<C>): Promise<Result<Output<C>>> => {
    if (command !== 'app.snapshot') throw new Error(`unexpected ${command}`);
    return new Promise((resolve) => snapshotReplies.push(resolve as (result: Result<Snapshot>) => void));
  });
  return {
    ...fake,
    replySnapshot: (snapshot: Snapshot) => snapshotReplies.shift()?.({ ok: true, value: snapshot }),
    pendingSnapshots: () => snapshotReplies.length,
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('startSync', () => {
  beforeEach(() => useSockets.setState(initialSocketsState, true));

  it('applies the snapshot, then replays held batches newer than it', async () => {
    const fake = fakeTransport();
    const stop = startSync(fake.transport);
    fake.status({ state: 'open' });
    expect(fake.pendingSnapshots()).toBe(1);
    // Arrive before the snapshot reply: one already included in it (rev 5), one newer (rev 6).
    fake.emit({ rev: 5, events: [{ type: 'socket.upsert', socket: socket('a', { bytesIn: 99 }) }] });
    fake.emit({ rev: 6, events: [{ type: 'socket.upsert', socket: socket('b') }] });
    fake.replySnapshot({ rev: 5, sockets: [socket('a', { bytesIn: 10 })], logs: [] });
    await flush();
    const state = useSockets.getState();
    expect(state.sockets.a.bytesIn).toBe(10);
    expect(Object.keys(state.sockets).sort()).toEqual(['a', 'b']);
    expect(state.synced).toBe(true);
    stop();
  });

  it('takes a fresh snapshot when the host says it dropped batches, and holds batches until it lands', async () => {
    const fake = fakeTransport();
    const stop = startSync(fake.transport);
    fake.status({ state: 'open' });
    fake.replySnapshot({ rev: 2, sockets: [socket('a'), socket('removed-meanwhile')], logs: [] });
    await flush();
    fake.resync();
    expect(useSockets.getState().synced).toBe(false);
    expect(fake.pendingSnapshots()).toBe(1);
    fake.emit({ rev: 9, events: [{ type: 'socket.upsert', socket: socket('c') }] });
    fake.replySnapshot({ rev: 8, sockets: [socket('a'), socket('b')], logs: [] });
    await flush();
    expect(Object.keys(useSockets.getState().sockets).sort()).toEqual(['a', 'b', 'c']);
    expect(useSockets.getState().synced).toBe(true);
    stop();
  });

  it('ignores batches at or below the last applied rev', async () => {
    const fake = fakeTransport();
    const stop = startSync(fake.transport);
    fake.status({ state: 'open' });
    fake.replySnapshot({ rev: 3, sockets: [], logs: [] });
    await flush();
    fake.emit({ rev: 3, events: [{ type: 'socket.upsert', socket: socket('old') }] });
    fake.emit({ rev: 4, events: [{ type: 'socket.upsert', socket: socket('new') }] });
    fake.emit({ rev: 4, events: [{ type: 'socket.upsert', socket: socket('duplicate') }] });
    expect(Object.keys(useSockets.getState().sockets)).toEqual(['new']);
    stop();
  });

  it('asks for a fresh snapshot after a reconnect and replaces state with it', async () => {
    const fake = fakeTransport();
    const stop = startSync(fake.transport);
    fake.status({ state: 'open' });
    fake.replySnapshot({ rev: 1, sockets: [socket('gone')], logs: [] });
    await flush();
    fake.status({ state: 'closed', reason: 'host went away' });
    expect(useSockets.getState().synced).toBe(false);
    fake.status({ state: 'open' });
    fake.replySnapshot({ rev: 40, sockets: [socket('kept')], logs: [] });
    await flush();
    expect(Object.keys(useSockets.getState().sockets)).toEqual(['kept']);
    expect(useSockets.getState().selectedId).toBe('kept');
    stop();
  });

  it('applies a whole batch as one store update, and moves the selection off a removed socket', async () => {
    const fake = fakeTransport();
    const stop = startSync(fake.transport);
    fake.status({ state: 'open' });
    fake.replySnapshot({
      rev: 1,
      sockets: [socket('listener', { kind: 'tcp-listener', state: 'listening' }), socket('conn', { kind: 'tcp-connection', parentId: 'listener' })],
      logs: [],
    });
    await flush();
    useSockets.setState({ selectedId: 'conn' });
    let updates = 0;
    const unsubscribe = useSockets.subscribe(() => updates++);
    fake.emit({
      rev: 2,
      events: [
        { type: 'log.head', head: { id: 'conn', firstSeq: 0, nextSeq: 3, dropped: 0, bytes: 12 } },
        { type: 'engine.error', id: 'conn', error: { code: 'ECONNRESET', message: 'The peer reset the connection' }, time: 5 },
        { type: 'socket.removed', id: 'conn' },
      ],
    });
    unsubscribe();
    const state = useSockets.getState();
    expect(updates).toBe(1);
    expect(state.selectedId).toBe('listener');
    expect(state.heads.conn).toBeUndefined();
    expect(state.lastError?.error.message).toBe('The peer reset the connection');
    stop();
  });

  it('applies the batches that arrive between two frames as one store update, and drops them for a newer snapshot', async () => {
    const fake = fakeTransport();
    const frames: (() => void)[] = [];
    const stop = startSync(fake.transport, 1000, (apply) => frames.push(apply));
    fake.status({ state: 'open' });
    fake.replySnapshot({ rev: 1, sockets: [socket('a')], logs: [] });
    await flush();
    let updates = 0;
    const unsubscribe = useSockets.subscribe(() => updates++);
    fake.emit({ rev: 2, events: [{ type: 'socket.upsert', socket: socket('a', { bytesIn: 1 }) }] });
    fake.emit({ rev: 3, events: [{ type: 'socket.upsert', socket: socket('b') }] });
    fake.emit({ rev: 4, events: [{ type: 'socket.upsert', socket: socket('a', { bytesIn: 2 }) }] });
    expect(updates).toBe(0);
    expect(frames).toHaveLength(1);
    frames.shift()?.();
    expect(updates).toBe(1);
    expect(useSockets.getState().sockets.a.bytesIn).toBe(2);
    expect(Object.keys(useSockets.getState().sockets).sort()).toEqual(['a', 'b']);

    // Queued before a resync's snapshot, which already holds them: never applied over it.
    fake.emit({ rev: 5, events: [{ type: 'socket.upsert', socket: socket('a', { bytesIn: 3 }) }] });
    fake.resync();
    fake.replySnapshot({ rev: 6, sockets: [socket('a', { bytesIn: 4 })], logs: [] });
    await flush();
    for (const frame of frames.splice(0)) frame();
    expect(useSockets.getState().sockets.a.bytesIn).toBe(4);
    unsubscribe();
    stop();
  });
});
