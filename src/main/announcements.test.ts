import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import type { EngineEvent, EventBatch, SocketInfo } from '@shared/contract';
import { EventBatcher, EventCoalescer } from './batcher';
import { Engine, SOCKETS_ONLY } from './engine/engine';
import { engineLink } from './scenario/engine-link';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.dispose();
  engine = undefined;
});

/**
 * The batcher builds its events from the sockets when a batch goes out (Engine.announceTo);
 * every batch must say what the engine's events, as they happened, coalesced would have said.
 */
describe('batches built from marks', () => {
  it('equal the coalesced events of the same changes, in the same order, with nothing after a removal', async () => {
    engine = new Engine();
    const batcher = new EventBatcher({ intervalMs: 5 });
    engine.announceTo(batcher);
    const eager = new EventCoalescer();
    engine.subscribe((event) => eager.add(event));
    const batches: EventBatch[] = [];
    const expected: EngineEvent[][] = [];
    batcher.subscribe((batch) => {
      batches.push(batch);
      expected.push(eager.take());
    });

    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const client = await engine.connectTcp({ host: '127.0.0.1', port: listener.local?.port ?? 0, timeoutMs: 5000 });
    for (let i = 0; i < 20; i++) await engine.send({ id: client.id, data: Buffer.from(`ping ${i}`) });
    const connection = () => engine?.snapshot().sockets.find((s) => s.parentId === listener.id);
    await until(() => (connection()?.bytesIn ?? 0) >= 20 * 6);
    const accepted = connection()?.id ?? '';
    await engine.send({ id: accepted, data: Buffer.from('pong') });
    await engine.close(client.id);
    await until(() => connection()?.state === 'closed');
    await engine.remove(client.id);
    await engine.remove(listener.id);
    await until(() => batches.some((b) => b.events.some((e) => e.type === 'socket.removed' && e.id === listener.id)));
    batcher.flush();

    // A listener that takes heads and counters is told each change as it is marked (and builds
    // it), so each batch says the same events in the same order, a log head never older, and all
    // batches together end where all the events end.
    expect(batches.map((b) => b.events.map(keyOf))).toEqual(expected.map((events) => events.map(keyOf)));
    batches.forEach((batch, i) =>
      batch.events.forEach((event, j) => {
        const eager = expected[i]?.[j];
        if (event.type === 'log.head' && eager?.type === 'log.head') expect(event.head.nextSeq).toBeGreaterThanOrEqual(eager.head.nextSeq);
        else if (event.type !== 'socket.stats' && event.type !== 'socket.upsert') expect(event).toEqual(eager);
      }),
    );
    expect(latest(batches.flatMap((b) => b.events))).toEqual(latest(expected.flat()));
    const all = batches.flatMap((b) => b.events);
    for (const id of [client.id, listener.id]) {
      const removedAt = all.findIndex((e) => e.type === 'socket.removed' && e.id === id);
      expect(removedAt).toBeGreaterThanOrEqual(0);
      expect(all.slice(removedAt + 1).filter((e) => idOf(e) === id)).toEqual([]);
    }
    const known = new Set<string>();
    for (const batch of batches) {
      // A new socket's upsert comes before its log head, as it was announced first: a client never
      // gets the head of a log whose socket it does not know. (Later, a notice's head may precede
      // the upsert of the state change after it.)
      const at = (type: EngineEvent['type'], id: string) => batch.events.findIndex((e) => e.type === type && idOf(e) === id);
      for (const id of new Set(batch.events.map(idOf))) {
        if (id === undefined || known.has(id)) continue;
        known.add(id);
        if (at('log.head', id) >= 0) expect(at('socket.upsert', id)).toBeGreaterThanOrEqual(0);
        if (at('log.head', id) >= 0) expect(at('socket.upsert', id)).toBeLessThan(at('log.head', id));
      }
    }
    batcher.dispose();
  });

  it('are built for a listener only of the kinds it takes', async () => {
    engine = new Engine();
    const seen: string[] = [];
    engine.subscribe((event) => seen.push(event.type), SOCKETS_ONLY);
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    await engine.send({ id: udp.id, data: Buffer.from('self'), target: { host: '127.0.0.1', port: udp.local?.port ?? 0 } });
    await until(() => (engine?.info(udp.id).bytesIn ?? 0) > 0);
    await engine.remove(udp.id);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['socket.upsert', 'socket.removed']));
  });
});

/**
 * A stream marks its socket once per batch (SocketRecord.publishSoon), not once per read: the
 * batch still says every read, and a sink that comes later is not left out.
 */
describe('a socket receiving a stream', () => {
  it('is said up to its last read in the batches, to a sink added while it was marked in another', async () => {
    engine = new Engine();
    // Holds its batch until flushed: the connection stays marked in it.
    const holding = new EventBatcher({ intervalMs: 60_000 });
    const stopHolding = engine.announceTo(holding);
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const client = await engine.connectTcp({ host: '127.0.0.1', port: listener.local?.port ?? 0, timeoutMs: 5000 });
    const connection = () => engine?.snapshot().sockets.find((s) => s.parentId === listener.id);
    await until(() => connection() !== undefined);
    const id = connection()?.id ?? '';
    const sent = { bytes: 0 };
    const sendOne = async (i: number): Promise<void> => {
      const data = Buffer.from(`message ${i};`);
      await engine?.send({ id: client.id, data });
      sent.bytes += data.byteLength;
      await until(() => (connection()?.bytesIn ?? 0) === sent.bytes);
    };
    await sendOne(0);

    const later = new EventBatcher({ intervalMs: 5 });
    engine.announceTo(later);
    const heads: number[] = [];
    let bytesIn = 0;
    later.subscribe((batch) => {
      for (const event of batch.events) {
        if (event.type === 'log.head' && event.head.id === id) heads.push(event.head.nextSeq);
        if (event.type === 'socket.stats' && event.stats.id === id) bytesIn = event.stats.bytesIn;
      }
    });
    for (let i = 1; i <= 30; i++) await sendOne(i);
    const last = () => engine?.snapshot().logs.find((head) => head.id === id)?.nextSeq;
    await until(() => heads.at(-1) === last() && bytesIn === sent.bytes);
    // Each batch says the socket once at most, and never goes back.
    expect(heads).toEqual([...new Set(heads)].sort((a, b) => a - b));

    // The holding sink leaves with its marks unbuilt: what comes next still reaches the other.
    stopHolding();
    holding.dispose();
    await sendOne(31);
    await until(() => heads.at(-1) === last() && bytesIn === sent.bytes);
    later.dispose();
  });
});

/**
 * A sequence reads its socket's log as it grows (engineLink): that socket alone is marked as
 * often as it needs, the others still once per batch.
 */
describe('a sequence running on one socket', () => {
  it('hears every read on its socket while another socket is marked once until its batch is built', async () => {
    engine = new Engine();
    // Never builds its marks: a socket marked in it stays marked.
    const headMarks = new Map<string, number>();
    engine.announceTo({
      event: () => undefined,
      changed: () => undefined,
      headChanged: (source) => headMarks.set(source.id, (headMarks.get(source.id) ?? 0) + 1),
      removed: () => undefined,
    });
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const followed = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const other = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const acceptedFrom = (client: SocketInfo) => () =>
      engine?.snapshot().sockets.find((s) => s.parentId === listener.id && s.remote?.port === client.local?.port);
    const followedEnd = acceptedFrom(followed);
    const otherEnd = acceptedFrom(other);
    await until(() => followedEnd() !== undefined && otherEnd() !== undefined);
    const otherId = otherEnd()?.id ?? '';

    const link = engineLink(engine, followedEnd()?.id ?? '');
    let heard = '';
    link.receive(
      (bytes) => (heard += Buffer.from(bytes).toString()),
      () => undefined,
    );
    headMarks.clear();
    let expected = '';
    let otherBytes = 0;
    for (let i = 0; i < 5; i++) {
      const message = `step ${i};`;
      expected += message;
      await engine.send({ id: followed.id, data: Buffer.from(message) });
      await until(() => heard === expected);
      await engine.send({ id: other.id, data: Buffer.from(message) });
      otherBytes += message.length;
      await until(() => otherEnd()?.bytesIn === otherBytes);
    }
    // Five reads, each in a turn of its own, and one mark: nobody built the first.
    expect(headMarks.get(otherId)).toBe(1);
    link.release?.();
  });
});

function idOf(event: EngineEvent): string | undefined {
  if (event.type === 'socket.upsert') return event.socket.id;
  if (event.type === 'socket.stats') return event.stats.id;
  if (event.type === 'log.head') return event.head.id;
  if (event.type === 'socket.removed' || event.type === 'engine.error') return event.id;
  return undefined;
}

function keyOf(event: EngineEvent): string {
  return `${event.type} ${idOf(event) ?? ''}`;
}

/**
 * What a client holds after all these events: the last of each kind for each socket, and of a
 * removed socket only that it was removed. A socket removed in the turn of its last change is
 * never announced with that change by the eager events (the turn's announcements go out after its
 * I/O, when the socket is gone), while a batch built before the removal may already say it.
 */
function latest(events: EngineEvent[]): Map<string, EngineEvent> {
  const last = new Map<string, EngineEvent>();
  for (const event of events) {
    if (event.type === 'socket.removed') for (const [key, kept] of last) if (idOf(kept) === event.id) last.delete(key);
    last.set(keyOf(event), event);
  }
  return last;
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/**
 * A burst of accepted connections is shown a few per batch while it lasts (arrivals.ts): each
 * one still reaches the page, once, as an upsert before anything else about it.
 */
describe('a burst of accepted connections', () => {
  it('shows every connection once, its upsert before its log head or counters', async () => {
    engine = new Engine();
    const batcher = new EventBatcher({ intervalMs: 5, arrivalsDuringBurst: 5 });
    engine.announceTo(batcher);
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const events: string[] = [];
    batcher.subscribe((batch) => {
      for (const e of batch.events) {
        if (e.type === 'socket.upsert' && e.socket.parentId === listener.id) events.push(`upsert:${e.socket.id}`);
        else if (e.type === 'log.head' && e.head.id !== listener.id) events.push(`head:${e.head.id}`);
        else if (e.type === 'socket.stats' && e.stats.id !== listener.id) events.push(`stats:${e.stats.id}`);
      }
    });
    const clients = await Promise.all(
      Array.from(
        { length: 200 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect({ host: '127.0.0.1', port: listener.local?.port ?? 0 }, () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    // Half of them say something at once: counters and a log head for connections that may still wait to be shown.
    for (const client of clients.slice(0, 100)) client.write('hello');
    const accepted = () => engine?.snapshot().sockets.filter((s) => s.parentId === listener.id) ?? [];
    const shown = () => events.filter((e) => e.startsWith('upsert:'));
    await until(() => accepted().length === 200 && new Set(shown()).size === 200);
    for (const client of clients) client.destroy();

    expect(shown()).toHaveLength(200);
    expect(new Set(shown())).toEqual(new Set(accepted().map((s) => `upsert:${s.id}`)));
    for (const [i, e] of events.entries()) {
      const id = e.slice(e.indexOf(':') + 1);
      if (!e.startsWith('upsert:')) expect(events.slice(0, i)).toContain(`upsert:${id}`);
    }
    batcher.dispose();
  });
});
