/**
 * Real TLS peers for the engine's tests: openssl s_server / s_client and curl, with certificates
 * the tests make (certificates.ts) written to a temporary folder removed by stopTlsPeers().
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificate, type CertificateRequest, type PemKeyPair } from '../certificates';
import { freePort, startChild, type ChildPeer } from './peers';

const folders = new Set<string>();

export interface CertificateFiles extends PemKeyPair {
  certFile: string;
  keyFile: string;
}

/** A new certificate, also written to files for the command-line peers. */
export async function certificateFiles(request: CertificateRequest): Promise<CertificateFiles> {
  const pair = await generateCertificate(request);
  return writeCertificate(pair);
}

export function writeCertificate(pair: PemKeyPair): CertificateFiles {
  const dir = mkdtempSync(join(tmpdir(), 'sockscope-tls-'));
  folders.add(dir);
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, pair.certPem);
  writeFileSync(keyFile, pair.keyPem);
  return { ...pair, certFile, keyFile };
}

/** `openssl s_server` on a free loopback port; `extra` adds options (-rev, -alpn, -Verify …). */
export async function startOpensslServer(server: CertificateFiles, extra: string[] = []): Promise<{ peer: ChildPeer; port: number }> {
  const port = await freePort();
  const peer = await startChild(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', server.certFile, '-key', server.keyFile, '-naccept', '1', ...extra],
    /ACCEPT/,
  );
  return { peer, port };
}

/** `openssl s_client` to a local port; resolves once its handshake is done. */
export function startOpensslClient(port: number, extra: string[] = []): Promise<ChildPeer> {
  return startChild('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-quiet', ...extra], /verify return|CONNECTED|depth=/);
}

export function stopTlsPeers(): void {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
}
