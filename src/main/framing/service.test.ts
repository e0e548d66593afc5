import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { FrameItem, SocketInfo } from '@shared/contract';
import { Engine } from '../engine/engine';
import { connectClient, stopPeers, type TestClient } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { FramingService } from './service';

let engine: Engine;
let framing: FramingService;

afterEach(async () => {
  framing.dispose();
  await engine.dispose();
  await stopPeers();
});

const LF = { mode: 'delimiter' as const, delimiter: [0x0a] };
const text = (item: FrameItem): string => (item.dir === 'event' ? `[${item.event}]` : new TextDecoder().decode(item.bytes));
const dataFrames = (items: FrameItem[]): string[] => items.filter((i) => i.dir !== 'event').map(text);

function start(log?: { maxEntries: number }, catchUpBytes?: number): void {
  engine = new Engine(log ? { log } : {});
  framing = new FramingService(engine, catchUpBytes);
}

/** A listener with one client connected; returns the client and the accepted connection. */
async function acceptedClient(): Promise<{ listener: SocketInfo; client: TestClient; connection: () => SocketInfo }> {
  const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
  const client = await connectClient(listener.local?.port ?? 0);
  await waitFor(() => engine.snapshot().sockets.some((s) => s.parentId === listener.id), 'the connection to be accepted');
  const id = engine.snapshot().sockets.find((s) => s.parentId === listener.id)?.id ?? '';
  return { listener, client, connection: () => engine.info(id) };
}

/** Writes each piece and waits until the engine has logged it, so each is one chunk in the log. */
async function sendPieces(client: TestClient, connection: () => SocketInfo, pieces: string[]): Promise<void> {
  for (const piece of pieces) {
    const before = connection().bytesIn;
    await client.write(Buffer.from(piece));
    await waitFor(() => connection().bytesIn === before + piece.length, `"${piece}" to arrive`);
  }
}

describe('FramingService', () => {
  it('reads a frame longer than a read gives (1 MiB) whole, for the Decoded view', async () => {
    start();
    const { listener, client, connection } = await acceptedClient();
    framing.set({ id: listener.id, framing: LF });
    const line = `${'x'.repeat(1_500_000)}\n`;
    await client.write(Buffer.from(line));
    await waitFor(() => connection().bytesIn === line.length, 'the long line to arrive');
    const { frames } = framing.read({ id: connection().id, fromIndex: 0, count: 100 });
    const long = frames.find((f) => f.dir === 'in');
    if (long?.dir !== 'in') throw new Error('the long line was not framed');
    expect(long.bytes.length).toBe(1024 * 1024);
    expect(long.frame.length).toBe(line.length);
    const whole = framing.readBytes({ id: connection().id, index: long.index });
    expect(new TextDecoder().decode(whole.bytes)).toBe(line);
    expect(() => framing.readBytes({ id: connection().id, index: 999 })).toThrow('no longer in the log');
  });

  it('frames a connection by its listener framing, across reads, with the unfinished line pending', async () => {
    start();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    framing.set({ id: listener.id, framing: LF, decoder: 'json' });
    const client = await connectClient(listener.local?.port ?? 0);
    await waitFor(
      () => engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.framing !== undefined),
      'the connection to inherit the framing',
    );
    const id = engine.snapshot().sockets.find((s) => s.parentId === listener.id)?.id ?? '';
    expect(engine.info(id)).toMatchObject({ framing: LF, decoder: 'json' });

    await sendPieces(client, () => engine.info(id), ['{"a":1}\n{"b"', ':2}\n{"c"']);
    const { head, frames } = framing.read({ id, fromIndex: 0, count: 100 });
    expect(dataFrames(frames)).toEqual(['{"a":1}\n', '{"b":2}\n']);
    expect(frames.find((f) => text(f) === '{"b":2}\n')).toMatchObject({ frame: { chunks: 2, complete: true, tail: 1 } });
    expect(head.pending.map(text)).toEqual(['{"c"']);
    expect(head.pending[0]).toMatchObject({ dir: 'in', index: head.nextIndex, frame: { complete: false } });
  });

  it('still frames new connections by their listener after the only framed listener before it was removed', async () => {
    start();
    const first = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    framing.set({ id: first.id, framing: LF });
    await engine.remove(first.id);
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    framing.set({ id: listener.id, framing: LF, decoder: 'json' });
    await connectClient(listener.local?.port ?? 0);
    await waitFor(
      () => engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.framing !== undefined),
      'the connection to inherit the framing',
    );
    const connection = engine.snapshot().sockets.find((s) => s.parentId === listener.id);
    expect(connection).toMatchObject({ framing: LF, decoder: 'json' });
  });

  it('applies a listener framing set later to the connections it already has, and starts their frames over', async () => {
    start();
    const { listener, client, connection } = await acceptedClient();
    await sendPieces(client, connection, ['a\nb', '\n']);
    const raw = framing.read({ id: connection().id, fromIndex: 0, count: 100 });
    expect(dataFrames(raw.frames)).toEqual(['a\nb', '\n']);

    framing.set({ id: listener.id, framing: LF });
    const lines = framing.read({ id: connection().id, fromIndex: 0, count: 100 });
    expect(dataFrames(lines.frames)).toEqual(['a\n', 'b\n']);
    expect(lines.head.generation).not.toBe(raw.head.generation);
  });

  it('reads the last frames with a negative index, and follows the log as it grows', async () => {
    start();
    const { client, connection } = await acceptedClient();
    framing.set({ id: connection().id, framing: { mode: 'fixed', size: 2 } });
    await sendPieces(client, connection, ['aabbc']);
    expect(framing.read({ id: connection().id, fromIndex: -1, count: 1 }).frames.map(text)).toEqual(['bb']);
    await sendPieces(client, connection, ['cdd']);
    const { head, frames } = framing.read({ id: connection().id, fromIndex: -2, count: 5 });
    expect(frames.map(text)).toEqual(['cc', 'dd']);
    expect(head.pending).toEqual([]);
  });

  it('drops frames whose bytes fell out of the log, and counts them', async () => {
    start({ maxEntries: 6 });
    const { client, connection } = await acceptedClient();
    const id = connection().id;
    framing.set({ id, framing: LF });
    await sendPieces(client, connection, ['1\n', '2\n', '3\n']);
    expect(dataFrames(framing.read({ id, fromIndex: 0, count: 100 }).frames)).toEqual(['1\n', '2\n', '3\n']);
    await sendPieces(client, connection, ['4\n', '5\n', '6\n', '7\n']);
    const { head, frames } = framing.read({ id, fromIndex: 0, count: 100 });
    const logHead = engine.readLog(id, 0, 0).head;
    expect(frames.every((f) => f.seq >= logHead.firstSeq)).toBe(true);
    expect(dataFrames(frames).at(-1)).toBe('7\n');
    expect(head.dropped).toBe(head.firstIndex);
    expect(head.dropped).toBeGreaterThan(0);
  });

  it('starts over after the log is cleared, and keeps in step with the stream', async () => {
    start();
    const { client, connection } = await acceptedClient();
    const id = connection().id;
    framing.set({ id, framing: LF });
    await sendPieces(client, connection, ['one\ntw']);
    framing.read({ id, fromIndex: 0, count: 100 });
    engine.clearLog(id);
    await sendPieces(client, connection, ['o\nthree\n']);
    const { head, frames } = framing.read({ id, fromIndex: 0, count: 100 });
    // "two" began before the clear: its start is gone, so it is not shown; "three" is whole.
    expect(dataFrames(frames)).toEqual(['three\n']);
    expect(head.pending).toEqual([]);
  });

  it('drops a frame begun before a clear even when the view was read between the clear and its end', async () => {
    start();
    const { client, connection } = await acceptedClient();
    const id = connection().id;
    framing.set({ id, framing: LF });
    await sendPieces(client, connection, ['secret-par']);
    framing.read({ id, fromIndex: 0, count: 100 });
    engine.clearLog(id);
    framing.read({ id, fromIndex: 0, count: 100 });
    await sendPieces(client, connection, ['t2 tail\nnext\n']);
    const { head, frames } = framing.read({ id, fromIndex: 0, count: 100 });
    expect(dataFrames(frames)).toEqual(['next\n']);
    expect(head.dropped).toBeGreaterThan(0);
  });

  it('frames a large log a slice per read, saying it is behind until it has caught up', async () => {
    start(undefined, 8);
    const { client, connection } = await acceptedClient();
    const id = connection().id;
    await sendPieces(client, connection, ['one\ntwo\n', 'three\nfour\n', 'five\n']);
    framing.set({ id, framing: LF });
    const first = framing.read({ id, fromIndex: 0, count: 100 });
    expect(first.head.behind).toBe(true);
    expect(dataFrames(first.frames)).toEqual(['one\n', 'two\n']);
    let reads = 1;
    let last = first;
    while (last.head.behind && reads < 10) {
      last = framing.read({ id, fromIndex: 0, count: 100 });
      reads++;
    }
    expect(reads).toBe(3);
    expect(dataFrames(last.frames)).toEqual(['one\n', 'two\n', 'three\n', 'four\n', 'five\n']);
  });

  it('searches frames whole: a word cut across reads is found, in its frame, and so are events', async () => {
    start(undefined, 8);
    const { client, connection } = await acceptedClient();
    const id = connection().id;
    framing.set({ id, framing: LF });
    await sendPieces(client, connection, ['hello wo', 'rld\nbye\nhello ', 'again\n', 'pend']);
    const query = { text: 'HELLO', direction: 'any' as const, caseSensitive: false };
    // The framing catches up a slice at a time: search until done, as the app does.
    const found: number[] = [];
    let fromIndex = 0;
    for (let calls = 0; calls < 10; calls++) {
      const step = framing.search({ id, query, fromIndex, limit: 1000 });
      found.push(...step.matches);
      fromIndex = step.cursor;
      if (step.done) break;
    }
    const { frames } = framing.read({ id, fromIndex: 0, count: 100 });
    expect(found.map((index) => text(frames.find((f) => f.index === index) as FrameItem))).toEqual(['hello world\n', 'hello again\n']);
    // A search in the log itself sees each read: "world" is cut in two there.
    expect(engine.searchLog({ id, query: { ...query, text: 'world' }, fromSeq: 0, backwards: false, limit: 100 }).matches).toEqual([]);
    expect(framing.search({ id, query: { ...query, text: 'world' }, fromIndex: 0, limit: 100 }).matches).toHaveLength(1);
    // Log events between frames are searched as the log shows them; the pending "pend" is not.
    expect(framing.search({ id, query: { ...query, text: 'accepted from' }, fromIndex: 0, limit: 100 }).matches).toHaveLength(1);
    expect(framing.search({ id, query: { ...query, text: 'pend' }, fromIndex: 0, limit: 100 }).matches).toEqual([]);
  });

  it('frames each UDP datagram on its own and keeps its sender', async () => {
    start();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    framing.set({ id: udp.id, framing: LF });
    const sender = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
      for (const datagram of ['a\nb', 'c\n']) {
        const before = engine.info(udp.id).messagesIn;
        sender.send(datagram, udp.local?.port ?? 0, '127.0.0.1');
        await waitFor(() => engine.info(udp.id).messagesIn === before + 1, 'the datagram');
      }
      const { frames } = framing.read({ id: udp.id, fromIndex: 0, count: 100 });
      const data = frames.filter((f) => f.dir === 'in');
      expect(data.map(text)).toEqual(['a\n', 'b', 'c\n']);
      expect(data[1]).toMatchObject({ frame: { problem: 'The datagram ended before the frame did' } });
      expect(data.every((f) => f.dir === 'in' && f.peer?.port === sender.address().port)).toBe(true);
    } finally {
      sender.close();
    }
  });
});
