import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DatagramSink, type Sender, receiveDatagrams, receiveThroughEvents, udpHandleOf } from './udp-receive';
import { waitFor } from './test-support/wait-for';

const sockets: Socket[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

interface Received {
  bytes: Buffer;
  sender: Sender;
}

function collector(): { sink: DatagramSink; received: Received[] } {
  const received: Received[] = [];
  // Copied: the test must see what arrived, whatever the receiver does with its buffer later.
  const sink: DatagramSink = (bytes, sender) => received.push({ bytes: Buffer.from(bytes), sender: { ...sender } });
  return { sink, received };
}

/** Datagrams of every size 0…count-1 with a per-sender pattern, sent one after another from two peers in turn. */
async function sendFromTwoPeers(to: Socket, count: number): Promise<{ port: number; bytes: Buffer }[]> {
  const peers = [await bound(), await bound()];
  const port = to.address().port;
  const sent: { port: number; bytes: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const peer = peers[i % 2];
    const bytes = Buffer.alloc(i, (i * 7 + peer.address().port) & 0xff);
    if (i > 0) bytes[0] = i & 0xff;
    await new Promise<void>((resolve, reject) => peer.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    sent.push({ port: peer.address().port, bytes });
  }
  return sent;
}

function expectDelivered(received: Received[], sent: { port: number; bytes: Buffer }[]): void {
  expect(received.length).toBe(sent.length);
  received.forEach(({ bytes, sender }, i) => {
    expect(bytes.equals(sent[i].bytes)).toBe(true);
    expect(sender).toMatchObject({ address: '127.0.0.1', port: sent[i].port, family: 'IPv4' });
  });
}

describe('datagrams from the UDP handle', () => {
  it('delivers every datagram byte-exact with its sender, without a message event', async () => {
    const socket = await bound();
    const { sink, received } = collector();
    const viaEvents = vi.fn();
    socket.on('message', viaEvents);
    receiveDatagrams(socket, sink);
    const sent = await sendFromTwoPeers(socket, 120);
    await waitFor(() => received.length === sent.length, 'every datagram');
    expectDelivered(received, sent);
    expect(viaEvents).not.toHaveBeenCalled();
  });

  it('a receive error still reaches the socket as Node reports it', async () => {
    const socket = await bound();
    receiveDatagrams(socket, collector().sink);
    const error = new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    const handle = udpHandleOf(socket) as { onmessage: (nread: number, handle: unknown) => void };
    // What libuv hands over for a failed recvmsg (-ECONNREFUSED on Linux).
    handle.onmessage(-111, handle);
    expect((await error).code).toBe('ECONNREFUSED');
  });

  it('the fallback (message events) delivers the same datagrams', async () => {
    const socket = await bound();
    const { sink, received } = collector();
    receiveThroughEvents(socket, sink);
    const sent = await sendFromTwoPeers(socket, 120);
    await waitFor(() => received.length === sent.length, 'every datagram');
    expectDelivered(received, sent);
  });

  it('a socket without the handle Node keeps today falls back, and says so once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const socket = await bound();
    const key = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'state symbol');
    expect(key).toBeDefined();
    const state: unknown = Reflect.get(socket, key as symbol);
    // What a Node that keeps its state elsewhere looks like (put back so that close() works).
    Reflect.deleteProperty(socket, key as symbol);
    const notes: string[] = [];
    const { sink, received } = collector();
    receiveDatagrams(socket, sink, (message) => notes.push(message));
    receiveDatagrams(
      socket,
      () => undefined,
      (message) => notes.push(message),
    );
    Reflect.set(socket, key as symbol, state);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/onmessage.*'message' event/);
    expect(warn).toHaveBeenCalledTimes(1);
    const sent = await sendFromTwoPeers(socket, 20);
    await waitFor(() => received.length === sent.length, 'every datagram');
    expectDelivered(received, sent);
  });
});
