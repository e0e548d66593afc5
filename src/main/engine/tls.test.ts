import { execFile } from 'node:child_process';
import { connect as connectTls } from 'node:tls';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { generateCertificate, selfSignedCertificate } from './certificates';
import { Engine } from './engine';
import { logEvents, loggedBytes } from './test-support/engine-log';
import { firstShownAt, startBurst } from './test-support/burst';
import { stopPeers } from './test-support/peers';
import { rejection } from './test-support/rejection';
import {
  certificateFiles,
  startOpensslClient,
  startOpensslServer,
  stopTlsPeers,
  writeCertificate,
  type CertificateFiles,
} from './test-support/tls-peers';
import { waitFor } from './test-support/wait-for';

const run = promisify(execFile);
let engine: Engine;
/** A development CA, a server certificate it signed for localhost, and one that has expired. */
let ca: CertificateFiles;
let server: CertificateFiles;
let expired: CertificateFiles;
let selfSigned: CertificateFiles;

beforeAll(async () => {
  ca = await certificateFiles({ names: ['Sockscope Test CA'], isCa: true });
  server = await certificateFiles({ names: ['localhost', '127.0.0.1'], issuer: ca });
  expired = await certificateFiles({
    names: ['localhost'],
    issuer: ca,
    notBefore: new Date(Date.now() - 20 * 86_400_000),
    notAfter: new Date(Date.now() - 10 * 86_400_000),
  });
  selfSigned = await certificateFiles({ names: ['localhost'] });
});

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
});

afterAll(() => stopTlsPeers());

function messages(id: string): string {
  return logEvents(engine, id)
    .map((entry) => entry.message)
    .join('\n');
}

describe('TLS client', () => {
  it('connects to openssl s_server without verifying, shows the handshake and exchanges bytes', async () => {
    engine = new Engine();
    const { port } = await startOpensslServer(selfSigned, ['-rev', '-alpn', 'h2,http/1.1']);
    const socket = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000, tls: { verify: false, alpn: ['h2'] } });
    expect(socket.state).toBe('open');
    expect(socket.tls).toMatchObject({ protocol: 'TLSv1.3', alpn: 'h2', authorized: false });
    expect(socket.tls?.cipher).toMatch(/^TLS_/);
    expect(socket.tls?.authorizationError).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const leaf = socket.tls?.peerCertificates?.[0];
    expect(leaf).toMatchObject({ subject: 'CN=localhost', issuer: 'CN=localhost', selfSigned: true, subjectAltName: 'DNS:localhost' });
    expect(leaf?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(messages(socket.id)).toMatch(
      /TLS handshake done: TLSv1\.3, TLS_\w+, ALPN h2\. Server certificate CN=localhost, issued by itself, .*\. Not verified: The certificate is self-signed, so nothing vouches for it\.$/,
    );

    // s_server -rev answers each line reversed: plaintext both ways through the TLS layer.
    await engine.send({ id: socket.id, data: Buffer.from('sockscope\n') });
    await waitFor(() => loggedBytes(engine, socket.id, 'in').toString().includes('epocskcos'), 'the reversed line');
  });

  it('refuses a self-signed server when verifying, and says why', async () => {
    engine = new Engine();
    const { port } = await startOpensslServer(selfSigned);
    const err = await rejection(engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000, tls: { verify: true } }));
    expect(err.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(err.message).toBe(
      `The certificate of 127.0.0.1:${port} cannot be verified: the certificate is self-signed, so nothing vouches for it. Turn off “Verify certificate” to connect anyway.`,
    );
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('verifies a chain from a trusted CA, and names an expired or a wrong-name certificate', async () => {
    engine = new Engine();
    const good = await startOpensslServer(server);
    const trusted = await engine.connectTcp({
      host: 'localhost',
      port: good.port,
      timeoutMs: 5000,
      tls: { verify: true, caPem: ca.certPem },
    });
    expect(trusted.tls).toMatchObject({ authorized: true });
    expect(trusted.tls?.peerCertificates?.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=Sockscope Test CA']);

    const old = await startOpensslServer(expired);
    const expiredErr = await rejection(
      engine.connectTcp({ host: '127.0.0.1', port: old.port, timeoutMs: 5000, tls: { verify: true, serverName: 'localhost', caPem: ca.certPem } }),
    );
    expect(expiredErr.code).toBe('CERT_HAS_EXPIRED');
    expect(expiredErr.message).toMatch(/cannot be verified: the certificate has expired/);

    const other = await startOpensslServer(server);
    const nameErr = await rejection(
      engine.connectTcp({ host: '127.0.0.1', port: other.port, timeoutMs: 5000, tls: { verify: true, serverName: 'wrong.test', caPem: ca.certPem } }),
    );
    expect(nameErr.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(nameErr.message).toMatch(/is not valid for the name wrong\.test\. It is for DNS:localhost, IP Address:127\.0\.0\.1/);
  });

  it('without the CA, says the issuer is not trusted', async () => {
    engine = new Engine();
    const { port } = await startOpensslServer(server);
    const err = await rejection(engine.connectTcp({ host: 'localhost', port, timeoutMs: 5000, tls: { verify: true } }));
    expect(err.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(err.message).toMatch(/signed by an authority that is not trusted here/);
  });

  it('presents a client certificate to a server that requires one', async () => {
    engine = new Engine();
    const client = await certificateFiles({ names: ['client.test'], issuer: ca });
    const { peer, port } = await startOpensslServer(server, ['-Verify', '1', '-CAfile', ca.certFile, '-verify_return_error']);
    const socket = await engine.connectTcp({
      host: 'localhost',
      port,
      timeoutMs: 5000,
      tls: { verify: false, clientCert: { certPem: client.certPem, keyPem: client.keyPem } },
    });
    expect(socket.tls?.localCertificate?.subject).toBe('CN=client.test');
    await engine.send({ id: socket.id, data: Buffer.from('with a client certificate\n') });
    await waitFor(() => peer.stdout().toString().includes('with a client certificate'), 's_server to receive the line');
    expect(peer.stderr() + peer.stdout().toString()).toMatch(/client\.test/);
  });

  it('refuses a client key that does not belong to its certificate before dialling', async () => {
    engine = new Engine();
    const other = await certificateFiles({ names: ['other.test'] });
    const err = await rejection(
      engine.connectTcp({
        host: '127.0.0.1',
        port: 9,
        timeoutMs: 5000,
        tls: { verify: false, clientCert: { certPem: selfSigned.certPem, keyPem: other.keyPem } },
      }),
    );
    expect(err.message).toBe('The client key and certificate cannot be used. The private key does not belong to the certificate.');
  });
});

describe('TLS listener', () => {
  async function tlsListener(tls: NonNullable<Parameters<Engine['listenTcp']>[0]['tls']>): Promise<SocketInfo> {
    return engine.listenTcp({ host: '127.0.0.1', port: 0, tls });
  }

  function onlyConnection(listenerId: string): SocketInfo | undefined {
    return engine.snapshot().sockets.find((s) => s.parentId === listenerId);
  }

  it('serves curl with a self-signed certificate made for the names given (-k, then --cacert)', async () => {
    engine = new Engine();
    const listener = await tlsListener({
      certificate: { mode: 'self-signed', names: ['localhost', '127.0.0.1'] },
      requestClientCert: false,
      alpn: ['http/1.1'],
    });
    expect(listener.tls?.localCertificate).toMatchObject({
      subject: 'CN=localhost',
      subjectAltName: 'DNS:localhost, IP Address:127.0.0.1',
      selfSigned: true,
    });
    expect(messages(listener.id)).toMatch(
      /TLS: presenting a self-signed certificate for localhost, 127\.0\.0\.1 \(SHA-256 [0-9A-F:]+\); offering ALPN http\/1\.1/,
    );
    const port = listener.local?.port ?? 0;

    // Reply as a web server would once the request is in, so curl finishes.
    const answer = async (): Promise<void> => {
      await waitFor(() => {
        const c = onlyConnection(listener.id);
        return c !== undefined && loggedBytes(engine, c.id, 'in').includes('\r\n\r\n');
      }, 'the HTTP request');
      const connection = onlyConnection(listener.id);
      if (!connection) throw new Error('no connection');
      await engine.send({ id: connection.id, data: Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello') });
      await engine.close(connection.id);
    };
    const [insecure] = await Promise.all([run('curl', ['-sS', '-k', '--max-time', '5', `https://127.0.0.1:${port}/`]), answer()]);
    expect(insecure.stdout).toBe('hello');
    const connection = engine.snapshot().sockets.find((s) => s.parentId === listener.id);
    expect(connection?.tls).toMatchObject({ protocol: 'TLSv1.3', alpn: 'http/1.1' });
    expect(loggedBytes(engine, connection?.id ?? '', 'in').toString()).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
    await engine.remove(connection?.id ?? '');

    // The same certificate (cached for these names) is what curl can be told to trust.
    const pem = listener.tls?.localCertificate?.pem ?? '';
    expect(pem).toBe((await selfSignedCertificate(['127.0.0.1', 'localhost'])).certPem);
    const caFile = writeCertificate({ certPem: pem, keyPem: '' }).certFile;
    const [trusted] = await Promise.all([run('curl', ['-sS', '--cacert', caFile, '--max-time', '5', `https://localhost:${port}/`]), answer()]);
    expect(trusted.stdout).toBe('hello');
  });

  it('judges client certificates against the user’s CA: one it signed is trusted, a self-signed one is not, and says why', async () => {
    engine = new Engine();
    const ca = await generateCertificate({ names: ['Sockscope Test CA'], isCa: true });
    const signed = await certificateFiles({ names: ['alice.test'], issuer: ca });
    const stranger = await certificateFiles({ names: ['mallory.test'] });
    const listener = await tlsListener({
      certificate: { mode: 'pem', certPem: server.certPem, keyPem: server.keyPem },
      requestClientCert: false,
      clientCaPem: ca.certPem,
    });
    expect(messages(listener.id)).toContain('asking clients for a certificate and checking it against CN=Sockscope Test CA');
    expect(listener.tlsSettings).toMatchObject({ side: 'server', clientCaPem: ca.certPem });

    const handshakeOf = async (client: CertificateFiles): Promise<SocketInfo | undefined> => {
      const known = new Set(engine.snapshot().sockets.map((s) => s.id));
      await startOpensslClient(listener.local?.port ?? 0, ['-servername', 'localhost', '-cert', client.certFile, '-key', client.keyFile]);
      const accepted = (): SocketInfo | undefined => engine.snapshot().sockets.find((s) => s.parentId === listener.id && !known.has(s.id));
      await waitFor(() => accepted()?.tls?.protocol !== undefined, 'the handshake');
      return accepted();
    };
    const alice = await handshakeOf(signed);
    expect(alice?.tls?.authorized).toBe(true);
    // Leaf first, then the CA that the listener's trust completed the chain with.
    expect(alice?.tls?.peerCertificates?.map((c) => c.subject)).toEqual(['CN=alice.test', 'CN=Sockscope Test CA']);
    expect(messages(alice?.id ?? '')).toContain("The client's certificate is trusted.");

    const mallory = await handshakeOf(stranger);
    expect(mallory?.tls).toMatchObject({ authorized: false, authorizationError: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(messages(mallory?.id ?? '')).toMatch(/Not verified: .*self-signed/);
    // Judged, not refused: the stranger's connection is open like any other.
    expect(mallory?.state).toBe('open');

    // A TLS 1.2 client resuming its session (openssl -reconnect: five more handshakes) is let in each time.
    const before = engine.snapshot().sockets.filter((s) => s.parentId === listener.id).length;
    await startOpensslClient(listener.local?.port ?? 0, [
      '-servername',
      'localhost',
      '-tls1_2',
      '-reconnect',
      '-cert',
      signed.certFile,
      '-key',
      signed.keyFile,
    ]);
    const resumed = (): SocketInfo[] =>
      engine
        .snapshot()
        .sockets.filter((s) => s.parentId === listener.id)
        .slice(before);
    await waitFor(() => resumed().length >= 6 && resumed().every((s) => s.tls?.protocol === 'TLSv1.2'), 'six TLS 1.2 handshakes');
  });

  it('talks to openssl s_client with the user’s own PEM, and shows the client certificate it asked for', async () => {
    engine = new Engine();
    const client = await certificateFiles({ names: ['client.test'] });
    const listener = await tlsListener({
      certificate: { mode: 'pem', certPem: server.certPem, keyPem: server.keyPem },
      requestClientCert: true,
      alpn: ['h2', 'http/1.1'],
    });
    const peer = await startOpensslClient(listener.local?.port ?? 0, [
      '-servername',
      'localhost',
      '-alpn',
      'h2',
      '-cert',
      client.certFile,
      '-key',
      client.keyFile,
    ]);
    await waitFor(() => onlyConnection(listener.id)?.tls?.protocol !== undefined, 'the handshake');
    const connection = onlyConnection(listener.id);
    expect(connection?.tls).toMatchObject({ alpn: 'h2', serverName: 'localhost' });
    expect(connection?.tls?.peerCertificates?.[0]).toMatchObject({ subject: 'CN=client.test', selfSigned: true });
    expect(connection?.tls?.localCertificate?.subject).toBe('CN=localhost');
    expect(messages(connection?.id ?? '')).toMatch(
      /SNI localhost\. Client certificate CN=client\.test, issued by itself.*the listener does not verify client certificates\./,
    );

    peer.child.stdin.write('from s_client\n');
    await waitFor(() => loggedBytes(engine, connection?.id ?? '', 'in').toString() === 'from s_client\n', 'the line from s_client');
    await engine.send({ id: connection?.id ?? '', data: Buffer.from('from sockscope\n') });
    await waitFor(() => peer.stdout().toString().includes('from sockscope'), 's_client to print our line');
  });

  it('refuses a key that does not match the certificate, and leaves no listener', async () => {
    engine = new Engine();
    const err = await rejection(
      tlsListener({ certificate: { mode: 'pem', certPem: server.certPem, keyPem: selfSigned.keyPem }, requestClientCert: false }),
    );
    expect(err.message).toBe('The listener key and certificate cannot be used. The private key does not belong to the certificate.');
    expect(engine.snapshot().sockets).toEqual([]);
  });

  it('resets a TLS connection with RST, and a plain-TCP client is told the peer is not TLS', async () => {
    engine = new Engine();
    const listener = await tlsListener({ certificate: { mode: 'self-signed', names: ['localhost'] }, requestClientCert: false });
    const port = listener.local?.port ?? 0;
    const peer = connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false });
    let peerError = '';
    peer.on('error', (e: NodeJS.ErrnoException) => (peerError = e.code ?? ''));
    await new Promise((resolve) => peer.once('secureConnect', resolve));
    await waitFor(() => onlyConnection(listener.id)?.tls?.protocol !== undefined, 'the handshake');
    await engine.reset(onlyConnection(listener.id)?.id ?? '');
    await waitFor(() => peerError === 'ECONNRESET', 'the peer to see the reset');

    // A TLS client dialling a listener that is not TLS (the TLS listener's plain twin).
    const plain = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const dial = engine.connectTcp({ host: '127.0.0.1', port: plain.local?.port ?? 0, timeoutMs: 5000, tls: { verify: false } });
    await waitFor(() => onlyConnection(plain.id) !== undefined, 'the plain connection');
    await engine.send({ id: onlyConnection(plain.id)?.id ?? '', data: Buffer.from('220 plain text service ready\r\n') });
    const err = await rejection(dial);
    expect(err.message).toBe(`127.0.0.1:${plain.local?.port} did not answer with TLS — is it a plain TCP service?`);
  });

  it('takes a burst that came while it was busy off the kernel’s queue before it makes the first connection, then serves every one', async () => {
    engine = new Engine();
    const count = 100;
    const listener = await tlsListener({ certificate: { mode: 'pem', certPem: server.certPem, keyPem: server.keyPem }, requestClientCert: false });
    const firstMade = firstShownAt(engine, 'tcp-connection');
    const burst = await startBurst(listener.local?.port ?? 0, count, { use: 'send', tls: true });
    burst.arriveWhileBusy();
    await burst.served();
    const connections = (): SocketInfo[] => engine.snapshot().sockets.filter((s) => s.parentId === listener.id);
    const line = (c: SocketInfo): string => loggedBytes(engine, c.id, 'in').toString();
    await waitFor(
      () => connections().length === count && connections().every((c) => c.tls?.protocol !== undefined && /^hello \d+\n$/.test(line(c))),
      'every handshake and every line',
    );
    // The first was made once the kernel had no more to hand over, not one at a time between accepts.
    const made = firstMade() ?? -Infinity;
    expect(connections().filter((c) => c.createdAt <= made).length).toBeGreaterThanOrEqual(count / 2);
    expect(new Set(connections().map(line)).size).toBe(count);
    // Made in the order they came, each logged from when it was accepted.
    const byId = connections().sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4)));
    const times = byId.map((c) => c.createdAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const connection of byId) expect(logEvents(engine, connection.id)[0]).toMatchObject({ event: 'accepted', time: connection.createdAt });
    expect(logEvents(engine, listener.id).filter((e) => e.event === 'accepted')).toHaveLength(count);
    burst.end();
  });

  it('close() in a burst makes the connections it accepted and had not yet made: listed, open, logged from when each was accepted', async () => {
    engine = new Engine();
    const listener = await tlsListener({ certificate: { mode: 'pem', certPem: server.certPem, keyPem: server.keyPem }, requestClientCert: false });
    const burst = await startBurst(listener.local?.port ?? 0, 50);
    burst.arriveWhileBusy();
    // A few loop turns: one accepted in each, none made while the kernel has more to hand over.
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(engine.snapshot().sockets.filter((s) => s.parentId === listener.id)).toEqual([]);
    const closedAt = Date.now();
    await engine.close(listener.id);
    const connections = engine.snapshot().sockets.filter((s) => s.parentId === listener.id);
    expect(connections.length).toBeGreaterThanOrEqual(5);
    for (const connection of connections) {
      expect(connection.state).toBe('open');
      expect(connection.createdAt).toBeLessThanOrEqual(closedAt + 1);
      expect(logEvents(engine, connection.id)[0]).toMatchObject({ event: 'accepted', time: connection.createdAt });
    }
    expect(logEvents(engine, listener.id).filter((e) => e.event === 'accepted')).toHaveLength(connections.length);
    burst.end();
  });
});
