import { afterEach, describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { Engine } from './engine';
import { loggedBytes, logEvents } from './test-support/engine-log';
import { rejection } from './test-support/rejection';
import { waitFor } from './test-support/wait-for';

let engine: Engine;

afterEach(async () => {
  await engine.dispose();
});

/** Every datagram `id` received, as text, in order. */
function received(id: string): string {
  return loggedBytes(engine, id, 'in').toString();
}

const GROUP = '239.255.42.99';

describe('UDP multicast on loopback', () => {
  it('a member receives what another socket sends to the group, until it leaves', async () => {
    engine = new Engine();
    const member = await engine.bindUdp({ host: '0.0.0.0', port: 0 });
    const sender = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const port = member.local?.port ?? 0;

    const joined = await engine.changeMembership('join', { id: member.id, group: GROUP, interface: 'lo' });
    expect(joined.udp?.groups).toEqual([{ group: GROUP, interface: 'lo' }]);
    // IP_MULTICAST_LOOP: the sender's own machine gets the datagram back, on the interface chosen.
    const options = engine.setUdpOptions({ id: sender.id, multicastInterface: 'lo', multicastLoopback: true, multicastTtl: 1 });
    expect(options.udp).toMatchObject({ multicastInterface: 'lo', multicastLoopback: true, multicastTtl: 1, broadcast: false });

    await engine.send({ id: sender.id, data: Buffer.from('to the group;'), target: { host: GROUP, port } });
    await waitFor(() => received(member.id) === 'to the group;', 'the multicast datagram');
    expect(logEvents(engine, member.id).map((e) => e.message)).toContain(`Joined multicast group ${GROUP} on lo`);

    const left = await engine.changeMembership('leave', { id: member.id, group: GROUP, interface: 'lo' });
    expect(left.udp?.groups).toEqual([]);
    await engine.send({ id: sender.id, data: Buffer.from('missed;'), target: { host: GROUP, port } });
    // A unicast marker sent after it: once it is in, the group datagram would have been too.
    await engine.send({ id: sender.id, data: Buffer.from('marker;'), target: { host: '127.0.0.1', port } });
    await waitFor(() => received(member.id).includes('marker;'), 'the unicast marker');
    expect(received(member.id)).toBe('to the group;marker;');
  });

  it('says what is wrong with a join it cannot do', async () => {
    engine = new Engine();
    const v4 = await engine.bindUdp({ host: '0.0.0.0', port: 0 });
    const v6 = await engine.bindUdp({ host: '::1', port: 0 });
    expect((await rejection(Promise.resolve().then(() => engine.changeMembership('join', { id: v4.id, group: 'ff15::1' })))).message).toBe(
      `${v4.id} is an IPv4 socket and ff15::1 an IPv6 group: bind to :: to join it`,
    );
    expect(
      (await rejection(Promise.resolve().then(() => engine.changeMembership('join', { id: v4.id, group: GROUP, interface: 'nosuch0' })))).message,
    ).toBe('No network interface named nosuch0 on this machine');
    engine.changeMembership('join', { id: v4.id, group: GROUP, interface: 'lo' });
    expect((await rejection(Promise.resolve().then(() => engine.changeMembership('join', { id: v4.id, group: GROUP, interface: 'lo' })))).code).toBe(
      'ALREADY_MEMBER',
    );
    expect((await rejection(Promise.resolve().then(() => engine.changeMembership('leave', { id: v4.id, group: '239.1.1.1' })))).message).toBe(
      `${v4.id} has not joined 239.1.1.1`,
    );
    // IPv6 groups are joined on an interface by its scope (the loopback has no multicast route to send on).
    const joined: SocketInfo = engine.changeMembership('join', { id: v6.id, group: 'ff15::42', interface: 'lo' });
    expect(joined.udp?.groups).toEqual([{ group: 'ff15::42', interface: 'lo' }]);
  });
});

describe('UDP broadcast', () => {
  it('is refused until broadcast is on, then reaches a socket bound to any address', async () => {
    engine = new Engine();
    const receiver = await engine.bindUdp({ host: '0.0.0.0', port: 0 });
    const sender = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const target = { host: '127.255.255.255', port: receiver.local?.port ?? 0 };

    const refused = await rejection(engine.send({ id: sender.id, data: Buffer.from('nope'), target }));
    expect(refused.code).toBe('EACCES');
    expect(refused.message).toBe('Permission denied: sending to a broadcast address needs Broadcast turned on for this socket');

    expect(engine.setUdpOptions({ id: sender.id, broadcast: true, ttl: 8 }).udp).toMatchObject({ broadcast: true, ttl: 8 });
    expect(logEvents(engine, sender.id).map((e) => e.message)).toContain('Options: broadcast on, TTL 8');
    await engine.send({ id: sender.id, data: Buffer.from('to everyone'), target });
    await waitFor(() => received(receiver.id) === 'to everyone', 'the broadcast datagram');
  });

  it('can be on from the moment the socket is bound', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0, broadcast: true });
    expect(udp.udp?.broadcast).toBe(true);
  });
});
