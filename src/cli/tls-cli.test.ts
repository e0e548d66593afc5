/**
 * `tls://` on the command line, run from source as a person would, against openssl s_server and
 * s_client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChild, stopPeers } from '../main/engine/test-support/peers';
import { generateCertificate } from '../main/engine/certificates';
import {
  certificateFiles,
  startOpensslClient,
  startOpensslServer,
  stopTlsPeers,
  writeCertificate,
  type CertificateFiles,
} from '../main/engine/test-support/tls-peers';
import { waitFor } from '../main/engine/test-support/wait-for';
import { CLI, runCli } from './test-support/run-cli';

let certificate: CertificateFiles;

beforeAll(async () => {
  certificate = await certificateFiles({ names: ['localhost'] });
});

afterEach(() => stopPeers());
afterAll(() => stopTlsPeers());

describe('sockscope with tls://', () => {
  it('send: refuses a self-signed server unless --insecure, then prints the reply', async () => {
    const refused = await startOpensslServer(certificate, ['-rev']);
    const strict = await runCli(['send', `tls://127.0.0.1:${refused.port}`, 'hello\\n', '--wait', '2000']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('the certificate is self-signed, so nothing vouches for it. Add --insecure (-k) to connect anyway.');
    expect(strict.stderr).not.toContain('Verify certificate');

    const server = await startOpensslServer(certificate, ['-rev']);
    const run = await runCli(['send', `tls://localhost:${server.port}`, 'hello\\n', '--insecure', '--wait', '2000']);
    expect(run.stderr).toContain('TLS handshake done: TLSv1.3');
    expect(run.stdout).toBe('olleh\n');
  });

  it('listen: serves TLS with a self-signed certificate, and --echo answers openssl s_client', async () => {
    const listener = await startChild('node', [...CLI, 'listen', 'tls://127.0.0.1:0', '--echo'], /Listening on \S+:\d+\./);
    const port = Number(/:(\d+)\. Ctrl-C/.exec(listener.stderr())?.[1]);
    const client = await startOpensslClient(port, ['-servername', 'localhost']);
    client.child.stdin.write('echo me\n');
    await waitFor(() => client.stdout().toString() === 'echo me\n', 'the echo through TLS', 10_000);
    expect(listener.stdout().toString() + listener.stderr()).toContain('TLS handshake done');
  });

  it('listen --client-ca: says the client certificate the CA signed is trusted', async () => {
    const ca = await generateCertificate({ names: ['CLI Test CA'], isCa: true });
    const caFile = writeCertificate(ca).certFile;
    const alice = await certificateFiles({ names: ['alice.test'], issuer: ca });
    const listener = await startChild('node', [...CLI, 'listen', 'tls://127.0.0.1:0', '--client-ca', caFile], /Listening on \S+:\d+\./);
    const port = Number(/:(\d+)\. Ctrl-C/.exec(listener.stderr())?.[1]);
    await startOpensslClient(port, ['-servername', 'localhost', '-cert', alice.certFile, '-key', alice.keyFile]);
    const printed = (): string => listener.stdout().toString() + listener.stderr();
    await waitFor(() => printed().includes('TLS handshake done'), 'the handshake', 10_000);
    expect(printed()).toContain('checking it against CN=CLI Test CA');
    expect(printed()).toMatch(/Client certificate CN=alice\.test, issued by CN=CLI Test CA.* The client's certificate is trusted\./);
  });
});
