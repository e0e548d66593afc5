/**
 * `sockscope proxy` with tls:// on either side, run from source as a person would: curl -k through
 * a TLS-terminating proxy to python3 -m http.server, a plain client through a proxy that
 * originates TLS to openssl s_server, and the flags refused on the wrong side.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, freePort, startChild, stopPeers, type ChildPeer } from '../../main/engine/test-support/peers';
import { certificateFiles, startOpensslServer, stopTlsPeers, type CertificateFiles } from '../../main/engine/test-support/tls-peers';
import { waitFor } from '../../main/engine/test-support/wait-for';
import { CLI, runCli } from '../test-support/run-cli';

const run = promisify(execFile);
let certificate: CertificateFiles;
let folder: string;

beforeAll(async () => {
  certificate = await certificateFiles({ names: ['localhost'] });
  folder = mkdtempSync(join(tmpdir(), 'sockscope-proxy-tls-cli-'));
});
afterEach(() => stopPeers());
afterAll(() => {
  stopTlsPeers();
  rmSync(folder, { recursive: true, force: true });
});

/** `sockscope proxy …` once it says where it listens (tsx starts slowly on a busy machine). */
async function startProxy(args: string[]): Promise<{ peer: ChildPeer; port: number }> {
  const peer = await startChild('node', [...CLI, 'proxy', ...args], /Proxying \w+:\/\/127\.0\.0\.1:\d+/, 30_000);
  return { peer, port: Number(/Proxying \w+:\/\/127\.0\.0\.1:(\d+)/.exec(peer.stderr())?.[1]) };
}

describe('sockscope proxy with tls://', () => {
  it('tls:// listen: curl -k gets the page from python3 -m http.server, and the printed log is clear text', async () => {
    writeFileSync(join(folder, 'page.txt'), 'clear as day\n');
    const http = await freePort();
    await startChild('python3', ['-m', 'http.server', String(http), '--bind', '127.0.0.1', '--directory', folder], /Serving HTTP/);
    const { peer, port } = await startProxy(['tls://127.0.0.1:0', `tcp://127.0.0.1:${http}`]);
    const { stdout } = await run('curl', ['-sS', '-k', '--max-time', '10', `https://127.0.0.1:${port}/page.txt`]);
    expect(stdout).toBe('clear as day\n');
    await waitFor(() => peer.stdout().toString().includes('Conversation closed'), 'the conversation to close', 10_000);
    const printed = peer.stdout().toString();
    expect(printed).toContain('presenting a self-signed certificate for localhost, 127.0.0.1, ::1');
    expect(printed).toMatch(/Client side: TLS handshake done: TLSv1\.[23]/);
    expect(printed).toMatch(/↑ TX .*GET \/page\.txt HTTP\/1\.1/);
    expect(printed).toMatch(/↓ RX .*HTTP\/1\.0 200 OK/);
  }, 60_000);

  it('tls:// upstream: refuses a self-signed server in CLI words, then carries a plain client with --cacert', async () => {
    const strict = await startOpensslServer(certificate, ['-rev']);
    const refused = await startProxy(['tcp://127.0.0.1:0', `tls://localhost:${strict.port}`]);
    const first = await connectClient(refused.port);
    await waitFor(() => first.closed, 'the client to be closed', 10_000);
    await waitFor(() => refused.peer.stdout().toString().includes('nothing vouches'), 'the reason', 10_000);
    expect(refused.peer.stdout().toString()).toContain(
      'the certificate is self-signed, so nothing vouches for it. Add --insecure (-k) to connect anyway.',
    );

    const server = await startOpensslServer(certificate, ['-rev']);
    const trusted = await startProxy(['tcp://127.0.0.1:0', `tls://localhost:${server.port}`, '--cacert', certificate.certFile]);
    const client = await connectClient(trusted.port);
    await client.write(new TextEncoder().encode('stressed\n'));
    await waitFor(() => client.received().toString().includes('desserts'), 'the reversed line', 10_000);
    await waitFor(() => trusted.peer.stdout().toString().includes('desserts'), 'the printed reply', 10_000);
    const printed = trusted.peer.stdout().toString();
    expect(printed).toMatch(/Upstream: TLS handshake done: .*The server's certificate is trusted\./);
    expect(printed).toMatch(/↑ TX .*stressed\\n/);
    client.socket.destroy();
  }, 60_000);

  it('refuses TLS flags for a side that is not tls://', async () => {
    const wrong = await runCli(['proxy', 'tcp://127.0.0.1:0', 'tcp://127.0.0.1:9', '--cert', certificate.certFile, '--key', certificate.keyFile]);
    expect('code' in wrong && wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--cert applies to tls:// only, not tcp://; did you mean tls://127.0.0.1:0?');
    const insecure = await runCli(['proxy', 'tls://127.0.0.1:0', 'tcp://127.0.0.1:9', '--insecure']);
    expect(insecure).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--insecure applies to tls:// only, not tcp://; did you mean tls://127.0.0.1:9?') as string,
    });
  }, 60_000);
});
