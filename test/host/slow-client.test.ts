import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Result, ServerMessage, SocketInfo } from '@shared/contract';
import { decodeWire, encodeWire } from '@shared/wire';
import { type Core, createCore } from '../../src/main/core';
import { waitFor } from '../../src/main/engine/test-support/wait-for';
import { CLIENT_BEHIND, type ClientLimits } from '../../src/main/host/client';
import { type Host, startHost } from '../../src/main/host/server';
import { initialSocketsState, useSockets } from '../../src/renderer/src/features/sockets/sockets';
import { startSync } from '../../src/renderer/src/sync/sync';
import { websocketTransport, type WebSocketTransportOptions } from '../../src/renderer/src/transport/websocket';
import { dispatchOk } from '../../src/main/test-support/core';

/** Small bounds, so a few MiB of replies put a page far behind. */
const LIMITS: ClientLimits = {
  behindBytes: 256 * 1024,
  maxUnreadBytes: 2 * 1024 * 1024,
  maxHeldEvents: 20,
  maxWaitingCommands: 64,
  maxWaitingBytes: 1024 * 1024,
};
const ENTRY_BYTES = 16 * 1024;
const ENTRIES = 400;
/** One `log.read` of the whole log: ENTRIES × ENTRY_BYTES as base64, about 8.5 MB. */
const REPLY_BYTES = Math.ceil((ENTRIES * ENTRY_BYTES * 4) / 3);

let core: Core;
let host: Host;
let rendererDir: string;
let sink: Server;
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'sockscope-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Sockscope</title>');
  core = createCore({ batch: { intervalMs: 5 } });
  host = await startHost({ core, rendererDir, clientLimits: LIMITS });
  // A peer that reads and discards everything, for sockets with something in their logs.
  sink = createServer((socket) => socket.resume().on('error', () => undefined));
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await host.close();
  await core.dispose();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
  rmSync(rendererDir, { recursive: true, force: true });
});

const run = <T>(command: string, input: unknown): Promise<T> => dispatchOk<T>(core, command, input);

/** A client socket whose log holds ENTRIES sends of ENTRY_BYTES each. */
async function socketWithLargeLog(): Promise<string> {
  const client = await run<SocketInfo>('tcp.connect', { host: '127.0.0.1', port: (sink.address() as AddressInfo).port });
  const data = new Uint8Array(ENTRY_BYTES).fill(0x61);
  for (let i = 0; i < ENTRIES; i++) await run('socket.send', { id: client.id, data });
  return client.id;
}

const wsUrl = (): string => `ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(host.token)}`;

/** Samples the largest backlog the host holds for any page until `done` holds. */
async function largestBacklog(done: () => boolean): Promise<{ unreadBytes: number; heldEvents: number; waitingCommands: number }> {
  const largest = { unreadBytes: 0, heldEvents: 0, waitingCommands: 0 };
  await waitFor(
    () => {
      for (const backlog of host.backlogs()) {
        largest.unreadBytes = Math.max(largest.unreadBytes, backlog.unreadBytes);
        largest.heldEvents = Math.max(largest.heldEvents, backlog.heldEvents);
        largest.waitingCommands = Math.max(largest.waitingCommands, backlog.waitingCommands);
      }
      return done();
    },
    'the host to settle',
    15_000,
  );
  return largest;
}

/** A page that connects, then stops reading: the results it would read land in `results` once it reads again. */
async function stoppedPage(): Promise<{ ws: WebSocket; results: Map<number, Result<unknown>> }> {
  const ws = new WebSocket(wsUrl());
  cleanups.push(() => ws.terminate());
  const results = new Map<number, Result<unknown>>();
  ws.on('message', (data: Buffer) => {
    const message = decodeWire(data.toString()) as ServerMessage;
    if (message.type === 'result') results.set(message.callId, message.result);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  ws.pause();
  return { ws, results };
}

describe('a page that stops reading', () => {
  it('has its commands wait (or their replies refused) instead of replies piling up in the host; every call settles', async () => {
    const id = await socketWithLargeLog();
    const { ws, results } = await stoppedPage();
    // Twelve reads of the whole log: about 100 MB of replies without a bound.
    for (let callId = 1; callId <= 12; callId++) {
      ws.send(encodeWire({ type: 'command', callId, command: 'log.read', input: { id, fromSeq: 0, count: 2000 } }));
    }
    // Settled once nothing has moved for a second: each command answered, refused or waiting for the page.
    let quietSince = performance.now();
    let lastUnread = -1;
    const largest = await largestBacklog(() => {
      const unread = host.backlogs()[0]?.unreadBytes ?? -1;
      if (unread !== lastUnread) [quietSince, lastUnread] = [performance.now(), unread];
      return unread > 0 && performance.now() - quietSince > 1000;
    });
    // The kernel takes a few MB; the host holds at most one reply beyond its bound.
    expect(largest.unreadBytes).toBeGreaterThan(LIMITS.behindBytes);
    expect(largest.unreadBytes).toBeLessThan(LIMITS.maxUnreadBytes + REPLY_BYTES + 1024 * 1024);
    expect(largest.waitingCommands).toBeGreaterThan(0);

    ws.resume();
    await waitFor(() => results.size === 12, 'every call to settle', 15_000);
    const outcomes = [...results.values()].map((result) => (result.ok ? 'ok' : result.error.code));
    expect(outcomes.filter((outcome) => outcome !== 'ok' && outcome !== CLIENT_BEHIND)).toEqual([]);
    expect(outcomes).toContain('ok');
    const refused = [...results.values()].find((result) => !result.ok);
    if (refused && !refused.ok) expect(refused.error.message).toMatch(/^Not sent: this page has [\d.]+ MiB of earlier replies still to read/);
  });

  it('gets a reply refused with CLIENT_BEHIND when it would land on too much unread', async () => {
    const id = await socketWithLargeLog();
    // A peer that does not read yet, so a large send to it stays in flight.
    const stalled: Socket[] = [];
    const slowPeer = createServer((socket) => stalled.push(socket.pause()));
    await new Promise<void>((resolve) => slowPeer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => (stalled.forEach((socket) => socket.destroy()), slowPeer.close()));
    const toSlowPeer = await run<SocketInfo>('tcp.connect', { host: '127.0.0.1', port: (slowPeer.address() as AddressInfo).port });
    await waitFor(() => stalled.length === 1, 'the slow peer to accept');

    const { ws, results } = await stoppedPage();
    ws.send(encodeWire({ type: 'command', callId: 1, command: 'socket.send', input: { id: toSlowPeer.id, data: new Uint8Array(12 * 1024 * 1024) } }));
    await waitFor(() => (core.engine.info(toSlowPeer.id).bytesOut ?? 0) > 0 || core.engine.info(toSlowPeer.id).queuedBytes > 0, 'the send to start');
    ws.send(encodeWire({ type: 'command', callId: 2, command: 'log.read', input: { id, fromSeq: 0, count: 2000 } }));
    await waitFor(() => (host.backlogs()[0]?.unreadBytes ?? 0) > LIMITS.maxUnreadBytes, 'the read reply to wait unread', 15_000);
    // The send completes now, while the page still has the large reply unread.
    stalled[0].resume();
    await waitFor(() => core.engine.info(toSlowPeer.id).queuedBytes === 0, 'the send to finish', 15_000);
    ws.resume();
    await waitFor(() => results.size === 2, 'both calls to settle', 15_000);
    expect(results.get(2)).toMatchObject({ ok: true });
    expect(results.get(1)).toMatchObject({ ok: false, error: { code: CLIENT_BEHIND } });
  });

  it('has its events merged, then dropped past the bound, and resyncs from a snapshot to the right state', async () => {
    const id = await socketWithLargeLog();
    const sockets: WebSocket[] = [];
    class RecordedWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    }
    useSockets.setState(initialSocketsState, true);
    const transport = websocketTransport(wsUrl(), { WebSocket: RecordedWebSocket as unknown as WebSocketTransportOptions['WebSocket'] });
    const stopSync = startSync(transport);
    cleanups.push(() => (stopSync(), transport.close()));
    await waitFor(() => useSockets.getState().synced, 'the first snapshot');
    expect(Object.keys(useSockets.getState().sockets)).toEqual([id]);

    // The page stops reading, with two large replies it has not read yet.
    sockets[0].pause();
    const reads = [1, 2].map(() => transport.invoke('log.read', { id, fromSeq: 0, count: 2000 }));
    await waitFor(() => (host.backlogs()[0]?.unreadBytes ?? 0) > LIMITS.behindBytes, 'the page to fall behind');
    // Meanwhile: more sockets than the host holds events for, and one of the old ones goes away.
    const port = (sink.address() as AddressInfo).port;
    const added = [];
    for (let i = 0; i < LIMITS.maxHeldEvents + 10; i++) added.push(await run<SocketInfo>('tcp.connect', { host: '127.0.0.1', port }));
    await run('socket.remove', { id });
    await run('socket.close', { id: added[0].id });
    const largest = await largestBacklog(() => host.backlogs()[0]?.resyncPending === true);
    expect(largest.heldEvents).toBeLessThanOrEqual(LIMITS.maxHeldEvents + 1);
    expect(host.backlogs()[0].heldEvents).toBe(0);

    sockets[0].resume();
    await Promise.all(reads);
    const engineState = (): string[] =>
      core.engine
        .snapshot()
        .sockets.map((s) => `${s.id}:${s.state}`)
        .sort();
    const pageState = (): string[] =>
      Object.values(useSockets.getState().sockets)
        .map((s) => `${s.id}:${s.state}`)
        .sort();
    await waitFor(() => useSockets.getState().synced && pageState().join() === engineState().join(), 'the page to match the engine', 15_000);
    expect(pageState()).toHaveLength(added.length);
    expect(useSockets.getState().sockets[id]).toBeUndefined();
    expect(host.backlogs()[0].resyncPending).toBe(false);
  });
});
