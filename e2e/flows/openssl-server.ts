import type { ServerProcess } from '../support/servers';
import { startServerProcess } from '../support/servers';
import { makeCertificate } from '../support/tls';

/**
 * openssl s_server on loopback with a fresh self-signed certificate for localhost, once it accepts
 * connections; `mode` says how it answers (-www: a status page, -rev: each line reversed).
 * stop() also removes the certificate.
 */
export async function startOpensslServer(mode: string[]): Promise<ServerProcess> {
  const certificate = makeCertificate('localhost');
  try {
    const server = await startServerProcess('openssl', (port) => [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      certificate.certFile,
      '-key',
      certificate.keyFile,
      ...mode,
    ]);
    return {
      port: server.port,
      stop: async () => {
        await server.stop();
        certificate.remove();
      },
    };
  } catch (error) {
    certificate.remove();
    throw error;
  }
}
