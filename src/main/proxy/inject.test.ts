/** Inject (the send bar on a conversation) waits for the side it writes to, as a send does; a repeat injects either way. */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '@shared/contract';
import { connectClient } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy, startRecordingServer, useTestbed, value } from './test-support';

const bed = useTestbed();

describe('inject', () => {
  it('resolves only once a client that stopped reading takes the bytes, so a file goes no faster than its reader', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    const client = await connectClient(proxy.port);
    client.socket.pause();
    let id = '';
    await waitFor(() => {
      id = bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation' && s.state === 'open')?.id ?? '';
      return id !== '';
    }, 'the conversation to open');
    const big = new Uint8Array(16 * 1024 * 1024).fill(0x61);
    let done = false;
    const injected = bed.dispatcher.dispatch('proxy.inject', { id, stream: 'downstream', data: big }).then((result) => {
      done = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The kernel's buffers hold far less than 16 MiB: the rest waits in the proxy, and says so.
    expect(done).toBe(false);
    client.socket.resume();
    expect(value<{ bytes: number }>(await injected).bytes).toBe(big.byteLength);
    await waitFor(() => client.received().byteLength === big.byteLength, 'the client to get every byte', 20_000);
  });

  it('repeats into either direction: N sends to the client as if from the server, and to the server as if from the client', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    const client = await connectClient(proxy.port);
    let id = '';
    await waitFor(() => {
      id = bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation' && s.state === 'open')?.id ?? '';
      return id !== '';
    }, 'the conversation to open');
    const text = (bytes: string): Uint8Array => new TextEncoder().encode(bytes);
    value(await bed.dispatcher.dispatch('send.repeat', { id, stream: 'downstream', data: text('tick;'), count: 5 }));
    await waitFor(() => client.received().toString() === 'tick;'.repeat(5), 'five ticks at the client');
    await waitFor(() => bed.engine.info(id).repeat?.state === 'finished', 'the first repeat to finish');
    value(await bed.dispatcher.dispatch('send.repeat', { id, stream: 'upstream', data: text('tock;'), count: 3 }));
    await waitFor(() => Buffer.concat(upstream.reads).toString() === 'tock;'.repeat(3), 'three tocks at the server');
    // Logged as the direction they went, as one inject each.
    const entries = value<{ entries: LogEntry[] }>(await bed.dispatcher.dispatch('log.read', { id, fromSeq: 0, count: 1000 })).entries;
    const sent = (dir: 'in' | 'out'): string => entries.flatMap((e) => (e.dir === dir ? [Buffer.from(e.bytes).toString()] : [])).join('');
    expect(sent('in')).toBe('tick;'.repeat(5));
    expect(sent('out')).toBe('tock;'.repeat(3));
    expect(client.received().toString()).toBe('tick;'.repeat(5));
  });

  it('refuses a direction on a socket that is not a proxy conversation', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    const result = await bed.dispatcher.dispatch('send.repeat', { id: proxy.id, stream: 'downstream', data: new Uint8Array([1]), count: 2 });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED', message: `A direction applies to a proxy conversation; ${proxy.id} is not one` },
    });
  });
});
