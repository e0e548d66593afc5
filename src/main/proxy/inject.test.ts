/** Inject (the send bar on a conversation) waits for the side it writes to, as a send does. */
import { describe, expect, it } from 'vitest';
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
});
