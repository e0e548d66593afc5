import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { eventKinds, loggedBytes } from './test-support/engine-log';
import { connectClient, startServer, stopPeers } from './test-support/peers';
import { waitFor } from './test-support/wait-for';

let engine: Engine;

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
});

function acceptedConnection(): string | undefined {
  return engine.snapshot().sockets.find((s) => s.kind === 'tcp-connection')?.id;
}

describe('keeping a connection half-open after the peer’s FIN', () => {
  it('lets the user answer a client that sent its request and shut down its sending side', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0, keepHalfOpen: true });
    // The client half-closes after its request and waits for the answer, as `nc -N` does.
    const client = await connectClient(listener.local?.port ?? 0, '127.0.0.1', true);
    await client.write(Buffer.from('GET / HTTP/1.0\r\n\r\n'));
    client.socket.end();

    await waitFor(
      () => acceptedConnection() !== undefined && engine.info(acceptedConnection() ?? '').state === 'half-closed',
      'the connection to be half-closed',
    );
    const id = acceptedConnection() ?? '';
    expect(loggedBytes(engine, id, 'in').toString()).toBe('GET / HTTP/1.0\r\n\r\n');
    expect(engine.info(id).keepHalfOpen).toBe(true);

    await engine.send({ id, data: new TextEncoder().encode('HTTP/1.0 200 OK\r\n\r\nhello') });
    await engine.close(id);
    await waitFor(() => client.ended, 'the client to see our FIN');
    expect(client.received().toString()).toBe('HTTP/1.0 200 OK\r\n\r\nhello');
    await waitFor(() => engine.info(id).state === 'closed', 'the connection to close');
    expect(eventKinds(engine, id)).toEqual(['accepted', 'peer-closed', 'info', 'closed']);
  });

  it('keeps a client connection open after the server finishes sending', async () => {
    engine = new Engine();
    let serverReceived = '';
    const { port } = await startServer(
      (socket) => {
        socket.on('data', (chunk: Buffer) => (serverReceived += chunk.toString()));
        socket.end('bye');
      },
      '127.0.0.1',
      { allowHalfOpen: true },
    );
    const client = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000, keepHalfOpen: true });
    await waitFor(() => engine.info(client.id).state === 'half-closed', 'the client to be half-closed');
    await engine.send({ id: client.id, data: new TextEncoder().encode('still here') });
    await waitFor(() => serverReceived === 'still here', 'the server to receive after its FIN');
  });

  it('by default closes our side too when the peer is done, as nc does', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const client = await connectClient(listener.local?.port ?? 0, '127.0.0.1', true);
    client.socket.end('done');
    await waitFor(() => client.ended, 'our FIN to reach the client');
    const id = acceptedConnection() ?? '';
    await waitFor(() => engine.info(id).state === 'closed', 'the connection to close');
  });
});
