/**
 * TLS proxies with real peers: curl through a TLS-terminating proxy to python3 -m http.server,
 * openssl s_client to a TLS proxy, a plain client through a proxy that originates TLS to
 * openssl s_server, and a verify failure against a self-signed upstream.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { decodeFrame } from '@shared/decoders';
import { logEvents, loggedBytes } from '../engine/test-support/engine-log';
import { connectClient, freePort, startChild } from '../engine/test-support/peers';
import { certificateFiles, startOpensslClient, startOpensslServer, stopTlsPeers, type CertificateFiles } from '../engine/test-support/tls-peers';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy, startRecordingServer, useTestbed, value } from './test-support';

const run = promisify(execFile);
const bed = useTestbed();

let serverCert: CertificateFiles;
let folder: string;

beforeAll(async () => {
  serverCert = await certificateFiles({ names: ['localhost'] });
  folder = mkdtempSync(join(tmpdir(), 'sockscope-proxy-tls-'));
});

afterAll(() => {
  stopTlsPeers();
  rmSync(folder, { recursive: true, force: true });
});

function conversations(proxyId: string): SocketInfo[] {
  return bed.engine.snapshot().sockets.filter((s) => s.kind === 'proxy-conversation' && s.parentId === proxyId);
}

function eventText(id: string): string {
  return logEvents(bed.engine, id)
    .map((e) => e.message)
    .join('\n');
}

async function startHttpServer(): Promise<number> {
  const port = await freePort();
  writeFileSync(join(folder, 'hello.txt'), 'hello through TLS\n');
  await startChild('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', folder], /Serving HTTP/);
  return port;
}

describe('a proxy terminating TLS from clients', () => {
  it('serves curl with a self-signed certificate; both directions are logged in clear text and decode as HTTP', async () => {
    const http = await startHttpServer();
    const proxy = await createProxy(bed, http, { listenTls: { certificate: { mode: 'self-signed', names: ['localhost', '127.0.0.1'] } } });
    const info = bed.engine.info(proxy.id);
    expect(info.proxy?.tls?.listen).toMatchObject({ side: 'server', selfSignedNames: ['localhost', '127.0.0.1'] });
    const pem = info.tls?.localCertificate?.pem;
    expect(pem).toContain('BEGIN CERTIFICATE');
    // The certificate it shows is the one curl can be told to trust.
    const caFile = join(folder, 'proxy-ca.pem');
    writeFileSync(caFile, pem ?? '');
    const { stdout } = await run('curl', ['-sS', '--http1.1', '--cacert', caFile, '--max-time', '10', `https://localhost:${proxy.port}/hello.txt`]);
    expect(stdout).toBe('hello through TLS\n');
    const [conversation] = conversations(proxy.id);
    await waitFor(() => bed.engine.info(conversation.id).state === 'closed', 'the conversation to close');
    const request = loggedBytes(bed.engine, conversation.id, 'out');
    const response = loggedBytes(bed.engine, conversation.id, 'in');
    expect(request.toString()).toMatch(/^GET \/hello.txt HTTP\/1.1\r\n/);
    expect(response.toString()).toContain('hello through TLS');
    expect(decodeFrame(request, 'auto')).toMatchObject({ kind: 'http', messages: [{ type: 'request', startLine: 'GET /hello.txt HTTP/1.1' }] });
    expect(decodeFrame(response, 'auto')).toMatchObject({
      kind: 'http',
      messages: [{ type: 'response', startLine: expect.stringMatching(/^HTTP\/1\.[01] 200/) }],
    });
    const clientTls = bed.engine.info(conversation.id).conversation?.clientTls;
    expect(clientTls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(clientTls?.cipher).toBeTruthy();
    expect(eventText(conversation.id)).toMatch(/Client side: TLS handshake done: TLSv1\.[23]/);
  });

  it('curl -k works too, and toxics apply to the clear text (limit_data cuts the decrypted request)', async () => {
    const http = await startHttpServer();
    const recording = await startRecordingServer((socket) => socket.on('error', () => undefined));
    const proxy = await createProxy(bed, recording.port, {
      listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } },
      toxics: [{ type: 'limit_data', stream: 'upstream', attributes: { bytes: 4 } }],
    });
    await run('curl', ['-sS', '-k', '--max-time', '5', `https://127.0.0.1:${proxy.port}/`]).catch(() => undefined);
    // Exactly the first 4 clear-text bytes of the request reached the server.
    await waitFor(() => Buffer.concat(recording.reads).length >= 4, 'the server to read');
    expect(Buffer.concat(recording.reads).toString()).toBe('GET ');
    // And through a plain proxy to the web server, -k gets the page.
    const plain = await createProxy(bed, http, { listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } } });
    const { stdout } = await run('curl', ['-sS', '-k', '--max-time', '10', `https://127.0.0.1:${plain.port}/hello.txt`]);
    expect(stdout).toBe('hello through TLS\n');
  });

  it("answers openssl s_client with the user's PEM certificate, and holding edits the clear text", async () => {
    const upstream = await startRecordingServer((socket, received) =>
      socket.on('data', () => {
        if (received().includes('\n')) socket.write(`got ${received()}`);
      }),
    );
    const proxy = await createProxy(bed, upstream.port, {
      listenTls: { certificate: { mode: 'pem', certPem: serverCert.certPem, keyPem: serverCert.keyPem } },
    });
    expect(bed.engine.info(proxy.id).proxy?.tls?.listen).toEqual({ side: 'server', requestClientCert: false });
    value(await bed.dispatcher.dispatch('proxy.hold', { id: proxy.id, stream: 'upstream', hold: true }));
    const client = await startOpensslClient(proxy.port, ['-servername', 'localhost', '-CAfile', serverCert.certFile, '-verify_return_error']);
    client.child.stdin.write('secret\n');
    const [conversation] = conversations(proxy.id);
    await waitFor(() => (bed.engine.info(conversation.id).conversation?.held?.upstream ?? 0) > 0, 'the request to be held');
    const held = value<{ messages: { heldId: number; bytes: Uint8Array }[] }>(await bed.dispatcher.dispatch('proxy.held', { id: conversation.id }));
    expect(Buffer.from(held.messages[0].bytes).toString()).toBe('secret\n');
    value(
      await bed.dispatcher.dispatch('proxy.release', {
        id: conversation.id,
        stream: 'upstream',
        heldId: held.messages[0].heldId,
        action: 'forward',
        data: new TextEncoder().encode('edited\n'),
      }),
    );
    await waitFor(() => client.stdout().toString().includes('got edited'), 's_client to read the edited reply');
    expect(bed.engine.info(conversation.id).conversation?.clientTls?.serverName).toBe('localhost');
    client.child.kill();
  });

  it('resets a TLS client with a real RST when the user cuts it', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port, { listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } } });
    // TLS over a TCP socket of our own, which reports what TCP itself saw (Node's TLS client may read a reset as an end).
    const raw = new Socket();
    const client = tlsConnect({ socket: raw, rejectUnauthorized: false });
    client.on('error', () => undefined);
    const outcome = new Promise<string>((resolve) => {
      raw.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      raw.on('close', () => resolve('closed without error'));
    });
    raw.connect(proxy.port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('secureConnect', () => resolve()));
    const [conversation] = conversations(proxy.id);
    // Once bytes have gone through, the handshake is over on both ends.
    client.resume();
    client.write('ping\n');
    await waitFor(() => loggedBytes(bed.engine, conversation.id, 'out').length > 0, 'the first bytes');
    value(await bed.dispatcher.dispatch('proxy.cut', { id: conversation.id, side: 'client', how: 'rst' }));
    expect(await outcome).toBe('ECONNRESET');
    client.destroy();
  });

  it('says so when the client does not trust the certificate (curl without -k), and resets the server side', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port, { listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } } });
    const refused = await run('curl', ['-sS', '--max-time', '5', `https://localhost:${proxy.port}/`]).catch((e: { code: number }) => e);
    expect('code' in refused && refused.code).toBe(60);
    const [conversation] = conversations(proxy.id);
    await waitFor(() => bed.engine.info(conversation.id).state === 'error', 'the conversation to fail');
    expect(bed.engine.info(conversation.id).error?.message).toContain('TLS handshake with 127.0.0.1:');
    expect(eventText(conversation.id)).toMatch(/the peer does not trust the certificate it was shown \(unknown certificate authority\)/);
  });

  it('refuses a key that does not belong to the certificate, and no proxy is left behind', async () => {
    const other = await certificateFiles({ names: ['other'] });
    const result = await bed.dispatcher.dispatch('proxy.create', {
      host: '127.0.0.1',
      port: 0,
      upstreamHost: '127.0.0.1',
      upstreamPort: 9,
      listenTls: { certificate: { mode: 'pem', certPem: serverCert.certPem, keyPem: other.keyPem } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/key/i);
    expect(bed.engine.snapshot().sockets.filter((s) => s.kind === 'proxy')).toHaveLength(0);
  });
});

describe('a proxy originating TLS to the upstream', () => {
  it('carries a plain client to openssl s_server -rev; the log is clear text and says the certificate was not verified', async () => {
    const server = await startOpensslServer(serverCert, ['-rev']);
    const proxy = await createProxy(bed, server.port, { upstreamTls: { verify: false, serverName: 'localhost' } });
    expect(bed.engine.info(proxy.id).proxy?.tls?.upstream).toMatchObject({ side: 'client', verify: false, serverName: 'localhost' });
    const client = await connectClient(proxy.port);
    client.socket.write('hello\n');
    // Made a turn or more after it was accepted (engine/accept-queue.ts).
    await waitFor(() => conversations(proxy.id).length === 1, 'the conversation');
    const [conversation] = conversations(proxy.id);
    await waitFor(() => loggedBytes(bed.engine, conversation.id, 'in').toString().includes('olleh'), 'the reversed line');
    await waitFor(() => client.received().toString().includes('olleh'), 'the client to get it');
    expect(loggedBytes(bed.engine, conversation.id, 'out').toString()).toBe('hello\n');
    const upstreamTls = bed.engine.info(conversation.id).conversation?.upstreamTls;
    expect(upstreamTls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(upstreamTls?.authorized).toBe(false);
    expect(upstreamTls?.authorizationError?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(eventText(conversation.id)).toMatch(/Upstream: TLS handshake done: .*Not verified: The certificate is self-signed/);
    client.socket.destroy();
  });

  it('verifies with the CA given, and the server name', async () => {
    const server = await startOpensslServer(serverCert, ['-rev']);
    const proxy = await createProxy(bed, server.port, { upstreamTls: { serverName: 'localhost', caPem: serverCert.certPem } });
    const client = await connectClient(proxy.port);
    client.socket.write('abc\n');
    await waitFor(() => client.received().toString().includes('cba'), 'the reversed line');
    const [conversation] = conversations(proxy.id);
    expect(bed.engine.info(conversation.id).conversation?.upstreamTls?.authorized).toBe(true);
    client.socket.destroy();
  });

  for (const onUpstreamFailure of ['close', 'reset'] as const) {
    it(`${onUpstreamFailure}s the client when the self-signed upstream fails verification, and the log says why`, async () => {
      const server = await startOpensslServer(serverCert, ['-rev']);
      const proxy = await createProxy(bed, server.port, { upstreamTls: { serverName: 'localhost' }, onUpstreamFailure });
      const client = await connectClient(proxy.port);
      const ended = new Promise<string>((resolve) => {
        client.socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
        client.socket.on('end', () => resolve('end'));
      });
      expect(await ended).toBe(onUpstreamFailure === 'reset' ? 'ECONNRESET' : 'end');
      const [conversation] = conversations(proxy.id);
      await waitFor(() => bed.engine.info(conversation.id).state === 'error', 'the conversation to fail');
      const { error } = bed.engine.info(conversation.id);
      expect(error?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(error?.message).toContain('the certificate is self-signed, so nothing vouches for it');
      expect(error?.message).toContain(onUpstreamFailure === 'reset' ? 'resetting the client' : 'closing the client');
      client.socket.destroy();
    });
  }

  it('says so when the upstream does not speak TLS', async () => {
    const plain = await startRecordingServer((socket) => socket.write('+OK plain\r\n'));
    const proxy = await createProxy(bed, plain.port, { upstreamTls: { verify: false } });
    const client = await connectClient(proxy.port);
    await waitFor(() => conversations(proxy.id).length === 1, 'the conversation');
    const [conversation] = conversations(proxy.id);
    await waitFor(() => bed.engine.info(conversation.id).state === 'error', 'the conversation to fail');
    expect(bed.engine.info(conversation.id).error?.message).toMatch(/did not answer with TLS|TLS handshake/);
    client.socket.destroy();
  });
});

describe("changing a proxy's TLS live (proxy.update)", () => {
  it('starts and stops terminating TLS on the same port: curl gets through each way, and earlier conversations keep their logs', async () => {
    const http = await startHttpServer();
    const proxy = await createProxy(bed, http);
    const url = (scheme: string): string => `${scheme}://127.0.0.1:${proxy.port}/hello.txt`;
    expect((await run('curl', ['-sS', '--max-time', '10', url('http')])).stdout).toBe('hello through TLS\n');
    const [plain] = conversations(proxy.id);

    const on = value<{ settings: { tls?: unknown } }>(
      await bed.dispatcher.dispatch('proxy.update', { id: proxy.id, listenTls: { certificate: { mode: 'self-signed', names: ['127.0.0.1'] } } }),
    );
    expect(on.settings.tls).toMatchObject({ listen: { side: 'server', selfSignedNames: ['127.0.0.1'] } });
    expect(bed.engine.info(proxy.id)).toMatchObject({ state: 'listening', local: { port: proxy.port } });
    expect(bed.engine.info(proxy.id).tls?.localCertificate?.pem).toContain('BEGIN CERTIFICATE');
    expect((await run('curl', ['-sS', '-k', '--http1.1', '--max-time', '10', url('https')])).stdout).toBe('hello through TLS\n');
    const secured = conversations(proxy.id).find((c) => c.id !== plain.id);
    expect(secured && bed.engine.info(secured.id).conversation?.clientTls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(eventText(proxy.id)).toContain('Restarting with the new TLS settings');
    expect(loggedBytes(bed.engine, plain.id, 'out').toString()).toMatch(/^GET \/hello.txt HTTP\/1.1\r\n/);

    const off = value<{ settings: { tls?: unknown } }>(await bed.dispatcher.dispatch('proxy.update', { id: proxy.id, listenTls: null }));
    expect(off.settings.tls).toBeUndefined();
    expect(bed.engine.info(proxy.id).tls).toBeUndefined();
    expect((await run('curl', ['-sS', '--max-time', '10', url('http')])).stdout).toBe('hello through TLS\n');
  });

  it('keeps the side it is not told about: a new listen side over an upstream TLS side, then verification turned on with a CA', async () => {
    const server = await startOpensslServer(serverCert, ['-rev']);
    const proxy = await createProxy(bed, server.port, { upstreamTls: { verify: false, serverName: 'localhost' } });
    value(await bed.dispatcher.dispatch('proxy.update', { id: proxy.id, listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } } }));
    expect(bed.engine.info(proxy.id).proxy?.tls).toMatchObject({ listen: { side: 'server' }, upstream: { side: 'client', verify: false } });
    const client = tlsConnect({ host: '127.0.0.1', port: proxy.port, rejectUnauthorized: false });
    let got = '';
    client.on('data', (chunk: Buffer) => (got += chunk.toString()));
    client.write('abc\n');
    await waitFor(() => got.includes('cba'), 'the reversed line through TLS both sides');
    client.destroy();

    // openssl s_server takes one client: the next one, with verification on, goes to another.
    const second = await startOpensslServer(serverCert, ['-rev']);
    value(
      await bed.dispatcher.dispatch('proxy.update', {
        id: proxy.id,
        upstreamPort: second.port,
        listenTls: null,
        upstreamTls: { serverName: 'localhost', caPem: serverCert.certPem },
      }),
    );
    const plain = await connectClient(proxy.port);
    plain.socket.write('xyz\n');
    await waitFor(() => plain.received().toString().includes('zyx'), 'the reversed line, verified');
    const latest = conversations(proxy.id).at(-1);
    expect(latest && bed.engine.info(latest.id).conversation?.upstreamTls?.authorized).toBe(true);
    plain.socket.destroy();
  });

  it('refuses what cannot be, changing nothing: a key that does not belong to its certificate, and TLS on a UDP proxy', async () => {
    const http = await startHttpServer();
    const proxy = await createProxy(bed, http);
    const other = await certificateFiles({ names: ['other'] });
    const bad = await bed.dispatcher.dispatch('proxy.update', {
      id: proxy.id,
      listenTls: { certificate: { mode: 'pem', certPem: serverCert.certPem, keyPem: other.keyPem } },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/key/i);
    expect(bed.engine.info(proxy.id).state).toBe('listening');
    expect(bed.engine.info(proxy.id).proxy?.tls).toBeUndefined();
    expect((await run('curl', ['-sS', '--max-time', '10', `http://127.0.0.1:${proxy.port}/hello.txt`])).stdout).toBe('hello through TLS\n');

    const udp = await createProxy(bed, await freePort(), { protocol: 'udp' });
    const refused = await bed.dispatcher.dispatch('proxy.update', {
      id: udp.id,
      listenTls: { certificate: { mode: 'self-signed', names: ['localhost'] } },
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'A UDP proxy cannot use TLS (TLS runs over TCP; DTLS is not supported)' },
    });
  });
});
