import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { Engine } from './engine';
import { FLOOD_GAP_MS, SMALL_READ_BYTES, STREAM_GAP_MS, STREAM_READ_BYTES, afterRead, keptAwakeTurns } from './dense-reads';
import { now } from './log';
import { loggedBytes } from './test-support/engine-log';
import { connectClient, stopPeers } from './test-support/peers';
import { waitFor } from './test-support/wait-for';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
let engine: Engine | undefined;

afterEach(async () => {
  await engine?.dispose();
  engine = undefined;
  await stopPeers();
});

/** Turns kept awake by reads of these sizes at these times (ms after a moment no read came near), all in one turn: after a flood's reads, after a stream's. */
async function keptAwakeBy(reads: [bytes: number, atMs: number][]): Promise<{ flood: number; stream: number }> {
  await nextTurn();
  const before = keptAwakeTurns();
  const t = now() + 1000;
  for (const [bytes, at] of reads) afterRead(bytes, t + at);
  await nextTurn();
  const after = keptAwakeTurns();
  return { flood: after.flood - before.flood, stream: after.stream - before.stream };
}

describe('a turn that read a flood of small chunks stays awake before the loop waits again', () => {
  it('once per turn, after small reads close behind one another', async () => {
    expect(
      await keptAwakeBy([
        [64, 0],
        [64, FLOOD_GAP_MS / 2],
        [64, FLOOD_GAP_MS],
      ]),
    ).toEqual({ flood: 1, stream: 0 });
  });

  it("a bulk stream's turn stays awake as a stream's, not a flood's: its large reads have a small one between them now and then", async () => {
    const stream = Array.from({ length: 10 }, (_, i): [number, number][] => [
      [65_483, i * 0.01],
      [53, i * 0.01 + 0.005],
    ]).flat();
    expect(await keptAwakeBy(stream)).toEqual({ flood: 0, stream: 1 });
  });

  it('not after a read that comes alone, nor after large ones far apart (a paste, a slow stream)', async () => {
    const apart = 10 * FLOOD_GAP_MS;
    expect(
      await keptAwakeBy([
        [64, 0],
        [64, apart],
        [SMALL_READ_BYTES + 1, apart + 0.001],
        [64 * 1024, apart + 0.002],
        [STREAM_READ_BYTES, apart + 0.002 + STREAM_GAP_MS * 2],
        [STREAM_READ_BYTES - 1, apart + 0.002 + STREAM_GAP_MS * 2.5],
      ]),
    ).toEqual({ flood: 0, stream: 0 });
  });

  it('in a listener that another process floods with 64-byte writes, every byte logged; a lone message afterwards keeps nothing awake', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const before = keptAwakeTurns();
    // Another process, as a real client is: each send is a segment of its own (TCP_NODELAY).
    const flooder = spawn('python3', [
      '-c',
      [
        'import socket, sys',
        `s = socket.create_connection(('127.0.0.1', ${port}))`,
        's.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)',
        'for i in range(20000): s.sendall(bytes([i % 256]) * 64)',
        'sys.stdin.read()',
      ].join('\n'),
    ]);
    try {
      const connectionId = (): string | undefined => engine?.snapshot().sockets.find((s) => s.parentId === listener.id)?.id;
      await waitFor(() => connectionId() !== undefined, 'the accepted connection');
      const id = connectionId() ?? '';
      const bytesIn = (): number => engine?.snapshot().sockets.find((s) => s.id === id)?.bytesIn ?? 0;
      await waitFor(() => bytesIn() === 64 * 20000, 'the flood logged', 15_000);
      expect(keptAwakeTurns().flood).toBeGreaterThan(before.flood);
      const expected = Buffer.concat(Array.from({ length: 20000 }, (_, i) => Buffer.alloc(64, i % 256)));
      expect(loggedBytes(engine, id, 'in').equals(expected), 'every byte, in order').toBe(true);

      await new Promise((resolve) => setTimeout(resolve, 20));
      const quiet = keptAwakeTurns();
      const client = await connectClient(port);
      await client.write(Buffer.from('PING\r\n'));
      await waitFor(
        () => engine?.snapshot().sockets.some((s) => s.parentId === listener.id && s.id !== id && s.bytesIn === 6) === true,
        'the lone message logged',
      );
      await nextTurn();
      expect(keptAwakeTurns()).toEqual(quiet);
    } finally {
      flooder.kill();
    }
  });

  it("in a listener that another process streams 32 MiB into, every byte logged: its turns stay awake as a stream's", async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const before = keptAwakeTurns();
    const blocks = 512;
    const streamer = spawn('python3', [
      '-c',
      [
        'import socket, sys',
        `s = socket.create_connection(('127.0.0.1', ${port}))`,
        `for i in range(${blocks}): s.sendall(bytes([i % 256]) * 65536)`,
        'sys.stdin.read()',
      ].join('\n'),
    ]);
    try {
      await waitFor(() => engine?.snapshot().sockets.some((s) => s.parentId === listener.id) === true, 'the accepted connection');
      const id = engine.snapshot().sockets.find((s) => s.parentId === listener.id)?.id ?? '';
      await waitFor(() => engine?.snapshot().sockets.find((s) => s.id === id)?.bytesIn === 65536 * blocks, 'the stream logged', 15_000);
      expect(keptAwakeTurns().stream).toBeGreaterThan(before.stream);
      const expected = Buffer.concat(Array.from({ length: blocks }, (_, i) => Buffer.alloc(65536, i % 256)));
      expect(loggedBytes(engine, id, 'in').equals(expected), 'every byte, in order').toBe(true);
    } finally {
      streamer.kill();
    }
  });
});
