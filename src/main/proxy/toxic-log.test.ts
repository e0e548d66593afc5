/**
 * What a conversation's log says under toxics: the bytes that left the chain into the other side,
 * when they were written on, and a note for what a toxic dropped. A raw recording server tells
 * what really arrived.
 */
import { describe, expect, it } from 'vitest';
import type { DataLogEntry } from '@shared/contract';
import { allEntries, logEvents, loggedBytes } from '../engine/test-support/engine-log';
import { connectClient } from '../engine/test-support/peers';
import { timerFloor } from '../engine/test-support/timing';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy, startRecordingServer, useTestbed, value } from './test-support';

const bed = useTestbed();

function addToxic(id: string, toxic: Record<string, unknown>): Promise<void> {
  return bed.dispatcher.dispatch('proxy.addToxic', { id, toxic }).then((result) => void value(result));
}

/** The proxy's conversation, once it is open. */
async function openConversation(proxyId: string): Promise<string> {
  let id: string | undefined;
  await waitFor(() => {
    id = bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation' && s.parentId === proxyId && s.state === 'open')?.id;
    return id !== undefined;
  }, 'the conversation to open');
  return id as string;
}

const notes = (id: string): string[] => logEvents(bed.engine, id).map((event) => event.message);

describe('the log of a conversation under toxics', () => {
  it('timeout: nothing reaches the server, nothing is logged as sent, and one note says what was dropped', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    await addToxic(proxy.id, { name: 'stall', type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    const client = await connectClient(proxy.port);
    const id = await openConversation(proxy.id);
    await client.write(Buffer.from('PING\r\n'));
    await client.write(Buffer.from('PING\r\nPING\r\n'));
    const note = `timeout toxic 'stall' dropped 18 bytes to the server 127.0.0.1:${upstream.port}`;
    await waitFor(() => notes(id).includes(note), 'the drop note');
    expect(upstream.reads).toHaveLength(0);
    expect(loggedBytes(bed.engine, id, 'out').byteLength).toBe(0);
    // One note for the run, not one per read; it says which direction lost how much, for a capture's gap.
    expect(notes(id).filter((message) => message.includes('dropped'))).toEqual([note]);
    expect(logEvents(bed.engine, id).find((event) => event.message === note)?.lost).toEqual({ dir: 'out', bytes: 18 });
  });

  it('limit_data 10 with 16 bytes sent: the log shows the 10 bytes the server got and a note for the 6 dropped', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    await addToxic(proxy.id, { name: 'cap', type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } });
    const client = await connectClient(proxy.port);
    const id = await openConversation(proxy.id);
    await client.write(Buffer.from('0123456789abcdef'));
    await waitFor(() => client.closed, 'the connection to close at the limit');
    const note = `limit_data toxic 'cap' dropped 6 bytes to the server 127.0.0.1:${upstream.port}`;
    await waitFor(() => notes(id).includes(note), 'the drop note');
    expect(Buffer.concat(upstream.reads).toString()).toBe('0123456789');
    expect(loggedBytes(bed.engine, id, 'out').toString()).toBe('0123456789');
  });

  it('latency: the reply is logged when it is written to the client, after the delay', async () => {
    let repliedAt = 0;
    const upstream = await startRecordingServer((socket) =>
      socket.on('data', () => {
        repliedAt = performance.now();
        socket.write('+PONG\r\n');
      }),
    );
    const proxy = await createProxy(bed, upstream.port);
    await addToxic(proxy.id, { type: 'latency', attributes: { latency: 300 } });
    const client = await connectClient(proxy.port);
    const id = await openConversation(proxy.id);
    await client.write(Buffer.from('PING\r\n'));
    await waitFor(() => client.received().toString() === '+PONG\r\n', 'the reply');
    const reply = allEntries(bed.engine, id).find((entry): entry is DataLogEntry => entry.dir === 'in');
    // Log times are performance.now() on the epoch's origin (log.ts's now()). The toxic sleeps a
    // fraction of a millisecond less than 300 on timers of whole milliseconds: a margin of 2 ms.
    // Logged as it was read, the reply showed under a millisecond after it was written.
    expect(reply && reply.time - performance.timeOrigin - repliedAt).toBeGreaterThanOrEqual(timerFloor(300) - 1);
  });

  it('slicer: each slice is logged as its own entry, as the server read it', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    await addToxic(proxy.id, { type: 'slicer', stream: 'upstream', attributes: { average_size: 10, size_variation: 0, delay: 20_000 } });
    const client = await connectClient(proxy.port);
    const id = await openConversation(proxy.id);
    await client.write(Buffer.from('0123456789'.repeat(4)));
    await waitFor(() => Buffer.concat(upstream.reads).byteLength === 40, 'all 40 bytes at the server');
    const sent = allEntries(bed.engine, id).filter((entry): entry is DataLogEntry => entry.dir === 'out');
    expect(sent.map((entry) => Buffer.from(entry.bytes).toString())).toEqual(Array(4).fill('0123456789'));
  });

  it('reset_peer: the reply it dropped is said before the reset, and nothing is logged as sent to the client', async () => {
    const upstream = await startRecordingServer((socket) => socket.on('data', () => socket.write('+PONG\r\n')));
    const proxy = await createProxy(bed, upstream.port);
    await addToxic(proxy.id, { name: 'rst', type: 'reset_peer', attributes: { timeout: 200 } });
    const client = await connectClient(proxy.port);
    const id = await openConversation(proxy.id);
    await client.write(Buffer.from('PING\r\n'));
    await waitFor(() => client.closed, 'the reset');
    const said = notes(id);
    const dropped = said.indexOf(`reset_peer toxic 'rst' dropped 7 bytes to the client 127.0.0.1:${client.localPort}`);
    expect(dropped).toBeGreaterThanOrEqual(0);
    expect(dropped).toBeLessThan(said.indexOf('reset_peer toxic: reset 200 ms after the first data'));
    expect(logEvents(bed.engine, id)[dropped].lost).toEqual({ dir: 'in', bytes: 7 });
    expect(loggedBytes(bed.engine, id, 'in').byteLength).toBe(0);
    expect(loggedBytes(bed.engine, id, 'out').toString()).toBe('PING\r\n');
  });

  it('a reply still in a latency toxic when the conversation is closed is said as not delivered, not logged as sent', async () => {
    let replied = false;
    const upstream = await startRecordingServer((socket) => {
      socket.on('data', () => {
        replied = true;
        socket.write('+PONG\r\n');
      });
      socket.on('end', () => socket.end());
    });
    const proxy = await createProxy(bed, upstream.port);
    await addToxic(proxy.id, { type: 'latency', attributes: { latency: 10_000 } });
    const client = await connectClient(proxy.port);
    const id = await openConversation(proxy.id);
    await client.write(Buffer.from('PING\r\n'));
    await waitFor(() => replied && (bed.engine.info(proxy.id).proxy?.toxics[0].hits ?? 0) > 0, 'the reply to enter the toxic');
    value(await bed.dispatcher.dispatch('socket.close', { id }));
    const note = `7 bytes to the client 127.0.0.1:${client.localPort} not delivered: the connection closed first`;
    await waitFor(() => notes(id).includes(note), 'the note');
    expect(loggedBytes(bed.engine, id, 'in').byteLength).toBe(0);
    expect(client.received().byteLength).toBe(0);
  });
});
