/**
 * UDP proxies with a Python echo server as the upstream and real UDP clients on loopback. Timings
 * are asserted as lower bounds only; "nothing arrived" is judged after the echo of a later
 * datagram through a toxic-free session, or after a generous wait.
 */
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataLogEntry, LogEntry, SocketInfo } from '@shared/contract';
import type { ToxicState } from '@shared/proxy';
import { logEvents } from '../engine/test-support/engine-log';
import { waitFor } from '../engine/test-support/wait-for';
import { timerFloor } from '../engine/test-support/timing';
import { freePort } from '../engine/test-support/peers';
import { startUdpEcho, useTestbed, value } from './test-support';
import { MAX_WAITING } from './udp-direction';

const bed = useTestbed();

const clients: DgramSocket[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

interface Client {
  socket: DgramSocket;
  replies: string[];
  send(text: string): void;
}

async function udpClient(port: number): Promise<Client> {
  const socket = createSocket('udp4');
  clients.push(socket);
  const replies: string[] = [];
  socket.on('message', (bytes) => replies.push(bytes.toString()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, replies, send: (text) => socket.send(text, port, '127.0.0.1') };
}

async function udpProxy(upstreamPort: number, extra: Record<string, unknown> = {}): Promise<{ id: string; port: number }> {
  const created = value<{ id: string }>(
    await bed.dispatcher.dispatch('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort, protocol: 'udp', ...extra }),
  );
  return { id: created.id, port: bed.engine.info(created.id).local?.port ?? 0 };
}

function sessionsOf(proxyId: string): SocketInfo[] {
  return bed.engine.snapshot().sockets.filter((s) => s.parentId === proxyId);
}

function toxicOf(proxyId: string): ToxicState | undefined {
  return bed.engine.info(proxyId).proxy?.toxics[0];
}

async function logOf(id: string): Promise<LogEntry[]> {
  return value<{ entries: LogEntry[] }>(await bed.dispatcher.dispatch('log.read', { id, fromSeq: 0, count: 1000 })).entries;
}

const data = (entries: LogEntry[], dir: 'in' | 'out'): string[] =>
  entries.filter((e): e is DataLogEntry => e.dir === dir).map((e) => Buffer.from(e.bytes).toString());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('UDP proxy', () => {
  it('relays each datagram both ways as one conversation with all endpoints, logged in both directions', async () => {
    const echo = await startUdpEcho();
    const proxy = await udpProxy(echo);
    expect(bed.engine.info(proxy.id).proxy).toMatchObject({ protocol: 'udp', udp: { idleTimeoutMs: 60_000, maxSessions: 1000, dropped: 0 } });
    const client = await udpClient(proxy.port);
    for (const word of ['one', 'two', 'three']) client.send(word);
    await waitFor(() => client.replies.length === 3, 'three replies');
    expect(client.replies.sort()).toEqual(['one', 'three', 'two']);
    const [session] = sessionsOf(proxy.id);
    expect(session).toMatchObject({
      kind: 'proxy-conversation',
      state: 'open',
      remote: { port: client.socket.address().port },
      local: { port: proxy.port },
    });
    expect(session.conversation?.upstreamRemote?.port).toBe(echo);
    const entries = await logOf(session.id);
    expect(data(entries, 'out').sort()).toEqual(['one', 'three', 'two']);
    expect(data(entries, 'in').sort()).toEqual(['one', 'three', 'two']);
  });

  it("logs in the order things happened: the session's connected line, then the client's datagrams as sent, then the replies", async () => {
    // The session's upstream socket connects a few turns after its first datagram came.
    const proxy = await udpProxy(await startUdpEcho());
    const client = await udpClient(proxy.port);
    for (const word of ['one', 'two', 'three']) client.send(word);
    await waitFor(() => client.replies.length === 3, 'three replies');
    const [session] = sessionsOf(proxy.id);
    const entries = await logOf(session.id);
    const connected = entries.findIndex((e) => e.dir === 'event' && e.event === 'connected');
    const firstData = entries.findIndex((e) => e.dir !== 'event');
    expect(connected).toBeGreaterThanOrEqual(0);
    expect(firstData).toBeGreaterThan(connected);
    expect(data(entries, 'out')).toEqual(['one', 'two', 'three']);
    const firstReply = entries.findIndex((e) => e.dir === 'in');
    expect(entries.findIndex((e) => e.dir === 'out' && Buffer.from(e.bytes).toString() === 'one')).toBeLessThan(firstReply);
  });

  it('two clients get their own replies, each in its own session', async () => {
    const proxy = await udpProxy(await startUdpEcho());
    const [a, b] = [await udpClient(proxy.port), await udpClient(proxy.port)];
    for (let i = 0; i < 5; i++) {
      a.send(`a${i}`);
      b.send(`b${i}`);
    }
    await waitFor(() => a.replies.length === 5 && b.replies.length === 5, 'five replies each');
    expect(a.replies.every((r) => r.startsWith('a'))).toBe(true);
    expect(b.replies.every((r) => r.startsWith('b'))).toBe(true);
    expect(sessionsOf(proxy.id)).toHaveLength(2);
  });

  it('loss rate 1 drops every datagram and counts each; rate 0 drops none', async () => {
    const upstream = await startUdpEcho();
    const proxy = await udpProxy(upstream, { toxics: [{ type: 'loss', stream: 'upstream', attributes: { rate: 1 } }] });
    const client = await udpClient(proxy.port);
    for (let i = 0; i < 20; i++) client.send(`lost ${i}`);
    await waitFor(() => toxicOf(proxy.id)?.hits === 20, 'twenty hits');
    await sleep(300);
    expect(client.replies).toEqual([]);
    const [session] = sessionsOf(proxy.id);
    // The log shows what went on (nothing either way) and one note for what the toxic dropped.
    const note = `loss toxic 'loss_upstream' dropped 20 datagrams (130 bytes) to the server 127.0.0.1:${upstream}`;
    await waitFor(() => logEvents(bed.engine, session.id).some((e) => e.message === note), 'the drop note');
    let entries = await logOf(session.id);
    expect(data(entries, 'out')).toHaveLength(0);
    expect(data(entries, 'in')).toHaveLength(0);
    expect(toxicOf(proxy.id)).toMatchObject({ conversationCount: 1, conversations: [session.id] });

    value(await bed.dispatcher.dispatch('proxy.updateToxic', { id: proxy.id, name: 'loss_upstream', patch: { attributes: { rate: 0 } } }));
    for (let i = 0; i < 20; i++) client.send(`kept ${i}`);
    await waitFor(() => client.replies.length === 20, 'twenty replies');
    entries = await logOf(session.id);
    expect(data(entries, 'out')).toHaveLength(20);
    expect(data(entries, 'in')).toHaveLength(20);
    expect(toxicOf(proxy.id)?.hits).toBe(20);
  });

  it('latency downstream delays every reply by at least the latency', async () => {
    const proxy = await udpProxy(await startUdpEcho(), { toxics: [{ type: 'latency', attributes: { latency: 250 } }] });
    const client = await udpClient(proxy.port);
    const start = performance.now();
    client.send('ping');
    await waitFor(() => client.replies.length === 1, 'the reply');
    expect(performance.now() - start).toBeGreaterThanOrEqual(timerFloor(250));
  });

  it('duplicate rate 1 sends every datagram twice', async () => {
    const proxy = await udpProxy(await startUdpEcho(), { toxics: [{ type: 'duplicate', stream: 'upstream', attributes: { rate: 1 } }] });
    const client = await udpClient(proxy.port);
    for (let i = 0; i < 5; i++) client.send(`d${i}`);
    await waitFor(() => client.replies.length === 10, 'ten replies');
    await sleep(200);
    expect(client.replies.sort()).toEqual(['d0', 'd0', 'd1', 'd1', 'd2', 'd2', 'd3', 'd3', 'd4', 'd4']);
    expect(toxicOf(proxy.id)?.hits).toBe(5);
    // Logged as sent: each datagram twice, as the server got it.
    expect(data(await logOf(sessionsOf(proxy.id)[0].id), 'out').sort()).toEqual(['d0', 'd0', 'd1', 'd1', 'd2', 'd2', 'd3', 'd3', 'd4', 'd4']);
  });

  it('reorder rate 1 swaps each pair: the held-back datagram goes after the next one', async () => {
    const proxy = await udpProxy(await startUdpEcho(), {
      toxics: [{ type: 'reorder', stream: 'upstream', attributes: { rate: 1, gap: 1, delay: 5000 } }],
    });
    const client = await udpClient(proxy.port);
    // One at a time, so the echo's own order is the proxy's.
    for (let i = 0; i < 6; i++) {
      client.send(`r${i}`);
      if (i % 2 === 1) await waitFor(() => client.replies.length === i + 1, `reply ${i}`);
      else await sleep(20);
    }
    expect(client.replies).toEqual(['r1', 'r0', 'r3', 'r2', 'r5', 'r4']);
    expect(toxicOf(proxy.id)?.hits).toBe(3);
  });

  it('a session closes after its idle timeout and says so; the next datagram opens a new one', async () => {
    const proxy = await udpProxy(await startUdpEcho(), { udp: { idleTimeoutMs: 1000 } });
    const client = await udpClient(proxy.port);
    client.send('hello');
    await waitFor(() => client.replies.length === 1, 'the reply');
    const [first] = sessionsOf(proxy.id);
    await waitFor(() => bed.engine.info(first.id).state === 'closed', 'the session to close', 10_000);
    const events = (await logOf(first.id)).filter((e) => e.dir === 'event').map((e) => (e.dir === 'event' ? e.message : ''));
    expect(events.some((m) => /No datagram either way for 1 s: the session ends/.test(m))).toBe(true);
    client.send('again');
    await waitFor(() => client.replies.length === 2, 'the second reply');
    const sessions = sessionsOf(proxy.id);
    expect(sessions).toHaveLength(2);
    expect(sessions[0].state).toBe('closed');
  });

  it('past maxSessions, datagrams from new clients are dropped and counted', async () => {
    const proxy = await udpProxy(await startUdpEcho(), { udp: { maxSessions: 1 } });
    const [a, b] = [await udpClient(proxy.port), await udpClient(proxy.port)];
    a.send('first');
    await waitFor(() => a.replies.length === 1, 'the first reply');
    for (let i = 0; i < 3; i++) b.send('turned away');
    await waitFor(() => bed.engine.info(proxy.id).proxy?.udp?.dropped === 3, 'three drops counted');
    expect(b.replies).toEqual([]);
    expect(sessionsOf(proxy.id)).toHaveLength(1);
  });

  it('holds a direction: a held datagram is edited and forwarded, another dropped', async () => {
    const proxy = await udpProxy(await startUdpEcho());
    const client = await udpClient(proxy.port);
    client.send('warm');
    await waitFor(() => client.replies.length === 1, 'the first reply');
    const [session] = sessionsOf(proxy.id);
    value(await bed.dispatcher.dispatch('proxy.hold', { id: session.id, stream: 'upstream', hold: true }));
    client.send('keep');
    client.send('drop');
    await waitFor(() => bed.engine.info(session.id).conversation?.held?.upstream === 2, 'two held');
    const held = value<{ messages: { heldId: number; bytes: Uint8Array }[] }>(
      await bed.dispatcher.dispatch('proxy.held', { id: session.id }),
    ).messages;
    const byText = new Map(held.map((m) => [Buffer.from(m.bytes).toString(), m.heldId]));
    value(await bed.dispatcher.dispatch('proxy.release', { id: session.id, stream: 'upstream', heldId: byText.get('drop'), action: 'drop' }));
    value(
      await bed.dispatcher.dispatch('proxy.release', {
        id: session.id,
        stream: 'upstream',
        heldId: byText.get('keep'),
        action: 'forward',
        data: new TextEncoder().encode('edited'),
      }),
    );
    await waitFor(() => client.replies.length === 2, 'the edited reply');
    expect(client.replies[1]).toBe('edited');
    value(await bed.dispatcher.dispatch('proxy.inject', { id: session.id, stream: 'downstream', data: new TextEncoder().encode('injected') }));
    await waitFor(() => client.replies.length === 3, 'the injected datagram');
    expect(client.replies[2]).toBe('injected');
    const cut = await bed.dispatcher.dispatch('proxy.cut', { id: session.id, side: 'client', how: 'fin' });
    expect(cut.ok ? '' : cut.error.message).toMatch(/UDP has no FIN or RST/);
  });

  it('bounds what waits in a held direction: past the limit datagrams are dropped and the log says so', async () => {
    const proxy = await udpProxy(await startUdpEcho());
    value(await bed.dispatcher.dispatch('proxy.hold', { id: proxy.id, stream: 'upstream', hold: true }));
    const client = await udpClient(proxy.port);
    const heldUpstream = (): number => {
      const [session] = sessionsOf(proxy.id);
      return session ? (bed.engine.info(session.id).conversation?.held?.upstream ?? 0) : 0;
    };
    // In batches, each taken by the proxy before the next: the kernel's receive buffer holds a few
    // hundred datagrams, and one it dropped would never reach the queue.
    for (let sent = 0; sent < MAX_WAITING;) {
      for (const end = Math.min(sent + 50, MAX_WAITING); sent < end; sent++) client.send(`held ${sent}`);
      const expected = sent;
      await waitFor(() => heldUpstream() === expected, `${expected} datagrams held`);
    }
    const [session] = sessionsOf(proxy.id);
    const dropped = `${MAX_WAITING} datagrams already wait to the server: datagram dropped`;
    for (let i = 0; i < 50; i++) client.send(`held ${MAX_WAITING + i}`);
    await waitFor(() => logEvents(bed.engine, session.id).some((e) => e.message.startsWith(dropped)), 'the drops past the limit to be logged');
    expect(heldUpstream()).toBe(MAX_WAITING);
    expect(bed.engine.info(session.id).messagesOut).toBe(0);
    const events = (await logOf(session.id)).flatMap((e) => (e.dir === 'event' ? [e.message] : []));
    expect(events.some((m) => m.includes(dropped))).toBe(true);
    expect(client.replies).toEqual([]);
  });

  it('says once when the upstream answers with ICMP port unreachable', async () => {
    const proxy = await udpProxy(await freePort());
    const client = await udpClient(proxy.port);
    for (let i = 0; i < 3; i++) {
      client.send(`nobody ${i}`);
      await sleep(50);
    }
    const [session] = sessionsOf(proxy.id);
    await waitFor(() => bed.engine.info(session.id).messagesOut === 3, 'three datagrams out');
    await sleep(200);
    const errors = (await logOf(session.id)).filter((e) => e.dir === 'event' && e.event === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].dir === 'event' && errors[0].message).toMatch(/nothing is listening there \(ICMP port unreachable\)/);
  });

  it('refuses a bad idle timeout with a clear message', async () => {
    const refused = await bed.dispatcher.dispatch('proxy.create', {
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: 9,
      protocol: 'udp',
      udp: { idleTimeoutMs: 5 },
    });
    expect(refused.ok ? '' : refused.error.message).toMatch(/The idle timeout is at least 100 ms/);
  });

  it('refuses TCP-only toxics on a UDP proxy and UDP ones on a TCP proxy, saying which it takes', async () => {
    const echo = await startUdpEcho();
    const udp = await udpProxy(echo);
    const refused = await bed.dispatcher.dispatch('proxy.addToxic', { id: udp.id, toxic: { type: 'bandwidth', attributes: { rate: 1 } } });
    expect(refused.ok ? '' : refused.error.message).toMatch(
      /bandwidth is a toxic for TCP proxies; a UDP proxy takes latency, loss, duplicate, reorder/,
    );
    const tcp = value<{ id: string }>(
      await bed.dispatcher.dispatch('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort: echo }),
    );
    const refusedTcp = await bed.dispatcher.dispatch('proxy.addToxic', { id: tcp.id, toxic: { type: 'loss', attributes: { rate: 1 } } });
    expect(refusedTcp.ok ? '' : refusedTcp.error.message).toMatch(/loss is a toxic for UDP proxies/);
    const bad = await bed.dispatcher.dispatch('proxy.addToxic', { id: udp.id, toxic: { type: 'loss', attributes: { rate: 2 } } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/rate is between 0 and 1/);
  });
});
