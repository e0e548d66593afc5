import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataLogEntry } from '@shared/contract';
import { Engine } from './engine';
import { allEntries, eventKinds } from './test-support/engine-log';
import { binaryPayload, freePort, startChild, stopPeers } from './test-support/peers';
import { UNRESOLVABLE_HOST } from './test-support/dns';
import { rejection } from './test-support/rejection';
import { waitFor } from './test-support/wait-for';

let engine: Engine;
const dgramPeers: DgramSocket[] = [];

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
  await Promise.all(dgramPeers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function dataEntries(id: string, dir: 'in' | 'out'): DataLogEntry[] {
  return allEntries(engine, id).filter((e): e is DataLogEntry => e.dir === dir);
}

/** A node dgram peer that collects datagrams with their senders. */
async function dgramPeer(type: 'udp4' | 'udp6', address: string) {
  const socket = createSocket(type);
  dgramPeers.push(socket);
  const received: { bytes: Buffer; port: number; address: string }[] = [];
  socket.on('message', (bytes, rinfo) => received.push({ bytes, port: rinfo.port, address: rinfo.address }));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return { socket, received, port: socket.address().port };
}

describe('UDP socket', () => {
  it('exchanges datagrams both ways with a socat peer and records its endpoint', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    expect(udp).toMatchObject({ kind: 'udp', state: 'open', local: { address: '127.0.0.1', family: 'IPv4' } });
    const port = udp.local?.port ?? 0;
    expect(port).toBeGreaterThan(0);
    const socatPort = await freePort();
    const socat = await startChild(
      'socat',
      ['-d', '-d', 'STDIO', `UDP:127.0.0.1:${port},bind=127.0.0.1:${socatPort}`],
      /starting data transfer loop/,
    );

    const fromPeer = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x68, 0x69, 0x80]);
    socat.child.stdin.write(fromPeer);
    await waitFor(() => engine.info(udp.id).messagesIn === 1, 'the datagram from socat');
    const [received] = dataEntries(udp.id, 'in');
    expect(Buffer.from(received.bytes).equals(fromPeer)).toBe(true);
    expect(received.peer).toEqual({ address: '127.0.0.1', port: socatPort, family: 'IPv4' });

    const toPeer = binaryPayload(500);
    const result = await engine.send({ id: udp.id, data: toPeer, target: { host: '127.0.0.1', port: socatPort } });
    expect(result).toEqual({ bytes: toPeer.length, recipients: 1 });
    await waitFor(() => socat.stdout().length === toPeer.length, 'the datagram at socat');
    expect(socat.stdout().equals(toPeer)).toBe(true);
    const [sent] = dataEntries(udp.id, 'out');
    expect(sent.peer).toEqual({ address: '127.0.0.1', port: socatPort, family: 'IPv4' });
    expect(engine.info(udp.id)).toMatchObject({
      bytesIn: fromPeer.length,
      bytesOut: toPeer.length,
      messagesIn: 1,
      messagesOut: 1,
    });
  });

  it('gets replies from a socat echo (UDP-RECVFROM … EXEC:cat) via the default target', async () => {
    engine = new Engine();
    const echoPort = await freePort();
    await startChild('socat', ['-d', '-d', `UDP-RECVFROM:${echoPort},bind=127.0.0.1,fork`, 'EXEC:cat'], /receiving on/);
    const udp = await engine.bindUdp({
      host: '127.0.0.1',
      port: 0,
      defaultTarget: { host: '127.0.0.1', port: echoPort },
    });
    expect(udp.defaultTarget).toEqual({ host: '127.0.0.1', port: echoPort });
    const payload = randomBytes(1200);
    await engine.send({ id: udp.id, data: payload });
    await waitFor(() => engine.info(udp.id).messagesIn === 1, 'the echo');
    const [echo] = dataEntries(udp.id, 'in');
    expect(Buffer.from(echo.bytes).equals(payload)).toBe(true);
    expect(echo.peer).toMatchObject({ address: '127.0.0.1', port: echoPort });
  });

  it('sends and receives over IPv6 loopback', async () => {
    engine = new Engine();
    const peer = await dgramPeer('udp6', '::1');
    const udp = await engine.bindUdp({ host: '::1', port: 0 });
    expect(udp.local).toMatchObject({ address: '::1', family: 'IPv6' });
    const payload = randomBytes(64);
    await engine.send({ id: udp.id, data: payload, target: { host: '::1', port: peer.port } });
    await waitFor(() => peer.received.length === 1, 'the datagram at the peer');
    expect(peer.received[0].bytes.equals(payload)).toBe(true);
    expect(peer.received[0].port).toBe(udp.local?.port);

    peer.socket.send(Buffer.from('reply'), udp.local?.port ?? 0, '::1');
    await waitFor(() => engine.info(udp.id).messagesIn === 1, 'the reply');
    expect(dataEntries(udp.id, 'in')[0].peer).toEqual({ address: '::1', port: peer.port, family: 'IPv6' });
  });

  it('a dual-stack :: socket reaches IPv4 targets (mapped addresses)', async () => {
    engine = new Engine();
    const peer = await dgramPeer('udp4', '127.0.0.1');
    const udp = await engine.bindUdp({ host: '::', port: 0 });
    expect(udp.local?.family).toBe('IPv6');
    await engine.send({ id: udp.id, data: Buffer.from('v4'), target: { host: '127.0.0.1', port: peer.port } });
    await waitFor(() => peer.received.length === 1, 'the datagram at the IPv4 peer');
    expect(peer.received[0].bytes.toString()).toBe('v4');
    // Sent as ::ffff:127.0.0.1, logged as the IPv4 peer it is.
    expect(dataEntries(udp.id, 'out')[0].peer).toEqual({ address: '127.0.0.1', port: peer.port, family: 'IPv4' });
  });

  it('many datagrams from two peers in turn: each logged byte-exact with its own peer, no fallback said', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const peers = [await dgramPeer('udp4', '127.0.0.1'), await dgramPeer('udp4', '127.0.0.1')];
    const sent: { bytes: Buffer; port: number }[] = [];
    for (let i = 0; i < 200; i++) {
      // Two from one peer, one from the other: the sender changes at irregular steps.
      const peer = peers[i % 3 === 2 ? 1 : 0];
      const bytes = randomBytes(i % 70);
      await new Promise<void>((resolve, reject) =>
        peer.socket.send(bytes, udp.local?.port ?? 0, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      );
      sent.push({ bytes, port: peer.port });
    }
    await waitFor(() => engine.info(udp.id).messagesIn === sent.length, 'every datagram');
    const logged = dataEntries(udp.id, 'in');
    expect(logged.map((e) => e.peer)).toEqual(sent.map(({ port }) => ({ address: '127.0.0.1', port, family: 'IPv4' })));
    logged.forEach((entry, i) => expect(Buffer.from(entry.bytes).equals(sent[i].bytes)).toBe(true));
    expect(eventKinds(engine, udp.id)).not.toContain('info');
  });

  it('resolves target host names', async () => {
    engine = new Engine();
    const peer = await dgramPeer('udp4', '127.0.0.1');
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    await engine.send({ id: udp.id, data: Buffer.from('named'), target: { host: 'localhost', port: peer.port } });
    await waitFor(() => peer.received.length === 1, 'the datagram');
    expect(dataEntries(udp.id, 'out')[0].peer).toEqual({ address: '127.0.0.1', port: peer.port, family: 'IPv4' });
  });

  it('needs a target when there is no default, and the default can be set and cleared', async () => {
    engine = new Engine();
    const peer = await dgramPeer('udp4', '127.0.0.1');
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const none = await rejection(engine.send({ id: udp.id, data: Buffer.from('x') }));
    expect(none.code).toBe('NO_TARGET');
    expect(engine.info(udp.id).messagesOut).toBe(0);

    const updated = engine.setDefaultTarget(udp.id, { host: '127.0.0.1', port: peer.port });
    expect(updated.defaultTarget).toEqual({ host: '127.0.0.1', port: peer.port });
    await engine.send({ id: udp.id, data: Buffer.from('to default') });
    await waitFor(() => peer.received.length === 1, 'the datagram');

    const cleared = engine.setDefaultTarget(udp.id, undefined);
    expect('defaultTarget' in cleared).toBe(false);
    expect((await rejection(engine.send({ id: udp.id, data: Buffer.from('x') }))).code).toBe('NO_TARGET');
  });

  it('closes, then refuses to send', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    await engine.close(udp.id);
    expect(engine.info(udp.id).state).toBe('closed');
    expect(eventKinds(engine, udp.id)).toEqual(['bound', 'closed']);
    const err = await rejection(engine.send({ id: udp.id, data: Buffer.from('x'), target: { host: '127.0.0.1', port: 9 } }));
    expect(err.code).toBe('NOT_OPEN');
    // The port is free again.
    const again = await engine.bindUdp({ host: '127.0.0.1', port: udp.local?.port ?? 0 });
    expect(again.local?.port).toBe(udp.local?.port);
  });
});

describe('UDP errors', () => {
  it('EMSGSIZE: names the size, the limit of the family and the target, IPv6 in brackets', async () => {
    engine = new Engine();
    const v4 = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const v6 = await engine.bindUdp({ host: '::1', port: 0 });
    const tooLarge = Buffer.alloc(70_000);
    const [onV4, onV6] = await Promise.all([
      rejection(engine.send({ id: v4.id, data: tooLarge, target: { host: '127.0.0.1', port: 9 } })),
      rejection(engine.send({ id: v6.id, data: tooLarge, target: { host: '::1', port: 9 } })),
    ]);
    expect(onV4.toInfo()).toEqual({
      code: 'EMSGSIZE',
      message: 'A datagram of 70,000 bytes is larger than UDP allows (65,507 on IPv4): not sent to 127.0.0.1:9',
    });
    expect(onV6.toInfo()).toEqual({
      code: 'EMSGSIZE',
      message: 'A datagram of 70,000 bytes is larger than UDP allows (65,527 on IPv6): not sent to [::1]:9',
    });
  });

  it('EADDRINUSE, and nothing left behind', async () => {
    engine = new Engine();
    const first = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const port = first.local?.port ?? 0;
    const err = await rejection(engine.bindUdp({ host: '127.0.0.1', port }));
    expect(err.code).toBe('EADDRINUSE');
    expect(err.message).toBe(`127.0.0.1:${port} is already in use`);
    expect(engine.snapshot().sockets.map((s) => s.id)).toEqual([first.id]);
  });

  it('an IPv4 socket cannot send to an IPv6 address', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const err = await rejection(engine.send({ id: udp.id, data: Buffer.from('x'), target: { host: '::1', port: 9 } }));
    expect(err.code).toBe('EAFNOSUPPORT');
    expect(err.message).toBe(`${udp.id} is an IPv4 socket; it cannot send to the IPv6 address ::1`);
  });

  it('target host not found', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const err = await rejection(engine.send({ id: udp.id, data: Buffer.from('x'), target: { host: UNRESOLVABLE_HOST, port: 9 } }));
    expect(err.message).toBe(`Host not found: ${UNRESOLVABLE_HOST}`);
    expect(engine.info(udp.id).messagesOut).toBe(0);
  });

  it('bind host not found', async () => {
    engine = new Engine();
    const err = await rejection(engine.bindUdp({ host: UNRESOLVABLE_HOST, port: 0 }));
    expect(err.message).toBe(`Host not found: ${UNRESOLVABLE_HOST}`);
    expect(engine.snapshot().sockets).toEqual([]);
  });
});
