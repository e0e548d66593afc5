import { type AddressInfo, Server, type Socket } from 'node:net';
import { connect as connectTls, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selfSignedCertificate } from './certificates';
import { acceptIntoShared, adoptAccepted } from './read-buffer';
import { handshakeSummary } from './tls';

afterEach(() => vi.restoreAllMocks());

/** A real accepted connection, paused as the engine's listeners accept them. */
async function acceptedPair(): Promise<{ accepted: Socket; client: Socket; server: Server }> {
  const server = new Server({ pauseOnConnect: true });
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { connect } = await import('node:net');
  const client = connect(port, '127.0.0.1');
  return { accepted: await accepted, client, server };
}

describe("fallbacks for Node's internals are said once", () => {
  it('an accepted socket without the handle Node keeps today is read the slow way, and that is noted once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { accepted, client, server } = await acceptedPair();
    // What a Node that keeps the handle elsewhere looks like to adoptAccepted (put back to close it).
    const hide = (socket: Socket): (() => void) => {
      const real: unknown = Reflect.get(socket, '_handle');
      Object.defineProperty(socket, '_handle', { value: undefined, configurable: true, writable: true });
      return () => Object.defineProperty(socket, '_handle', { value: real, configurable: true, writable: true });
    };
    const restore = hide(accepted);
    const notes: string[] = [];
    const socket = adoptAccepted(accepted, { allowHalfOpen: true }, (m) => notes.push(m));
    expect(socket).toBe(accepted);
    expect(notes).toEqual([expect.stringContaining('has no Socket._handle on accepted sockets')]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Socket._handle'));
    // Once per process: the next connection taking the same fallback says nothing more.
    const second = await acceptedPair();
    const restoreSecond = hide(second.accepted);
    adoptAccepted(second.accepted, { allowHalfOpen: true }, (m) => notes.push(m));
    expect(notes).toHaveLength(1);
    restore();
    restoreSecond();
    for (const { client: c, server: s } of [{ client, server }, second]) {
      c.destroy();
      s.close();
    }
    accepted.destroy();
    second.accepted.destroy();
  });

  it('a listening server whose handle is kept elsewhere is left to accept as Node does, and that is noted once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const notes: string[] = [];
    const server = new Server();
    // Not listening: no handle, as a Node that keeps it elsewhere would look.
    const takeOver = (): boolean =>
      acceptIntoShared(
        server,
        { allowHalfOpen: true, noDelay: true },
        () => undefined,
        (m) => notes.push(m),
      ) !== undefined;
    expect(takeOver()).toBe(false);
    expect(takeOver()).toBe(false);
    expect(notes).toEqual([expect.stringContaining('has no net.Server._handle.onconnection')]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('an accepted socket taken over as usual notes nothing', async () => {
    const { accepted, client, server } = await acceptedPair();
    const notes: string[] = [];
    const socket = adoptAccepted(accepted, { allowHalfOpen: true }, (m) => notes.push(m));
    expect(socket).not.toBe(accepted);
    expect(notes).toEqual([]);
    socket.destroy();
    client.destroy();
    server.close();
  });

  it("a listener that cannot ask OpenSSL for its verdict on a client's certificate says so", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const serverPair = await selfSignedCertificate(['localhost']);
    const clientPair = await selfSignedCertificate(['client']);
    const server = createTlsServer({
      cert: serverPair.certPem,
      key: serverPair.keyPem,
      requestCert: true,
      rejectUnauthorized: false,
      ca: clientPair.certPem,
    });
    const secured = new Promise<TLSSocket>((resolve) => server.once('secureConnection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = connectTls({ port, host: '127.0.0.1', cert: clientPair.certPem, key: clientPair.keyPem, rejectUnauthorized: false });
    const socket = await secured;
    const view = { side: 'server', judgesClients: true, clientCertRequested: true } as const;
    const notes: string[] = [];
    expect(handshakeSummary(socket, view, (m) => notes.push(m)).authorized).toBe(true);
    expect(notes).toEqual([]);
    // A Node whose TLS handle no longer has verifyError().
    const handle = (socket as unknown as { _handle: Record<string, unknown> })._handle;
    handle.verifyError = undefined;
    const summary = handshakeSummary(socket, view, (m) => notes.push(m));
    delete handle.verifyError;
    expect(summary.authorized).toBeUndefined();
    expect(notes).toEqual([expect.stringContaining('has no TLSSocket._handle.verifyError()')]);
    client.destroy();
    socket.destroy();
    server.close();
  });
});
