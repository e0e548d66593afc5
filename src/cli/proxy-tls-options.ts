/**
 * `sockscope proxy tls://… tcp://…` terminates TLS, `tcp://… tls://…` originates it: the listen
 * side takes `listen`'s certificate flags, the upstream side `send`'s verification flags, each
 * refused when its URL is not tls:// (a tcp:// URL with --cert is most likely a tls:// mistyped).
 */
import type { Command } from 'commander';
import type { TlsClientOptions, TlsListenOptions } from '@shared/tls';
import type { SocketUrl } from './endpoint-url';
import { refuseInapplicable, tlsOnly } from './scheme-options';
import { tlsClientInput, tlsListenInput } from './tls-options';

export interface ProxyTlsFlags {
  names: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  servername?: string;
  cacert?: string;
}

const LISTEN_FLAGS = ['names', 'cert', 'key'] as const;
const UPSTREAM_FLAGS = ['insecure', 'servername', 'cacert'] as const;

export function addProxyTlsFlags(command: Command): Command {
  return command
    .option('--names <list>', 'tls:// listen: names for the self-signed certificate', 'localhost,127.0.0.1,::1')
    .option('--cert <file>', 'tls:// listen: present this certificate (PEM) instead of a self-signed one')
    .option('--key <file>', 'tls:// listen: the private key (PEM) of --cert')
    .option('-k, --insecure', 'tls:// upstream: connect even when its certificate cannot be verified (the reason is still logged)')
    .option('--servername <name>', 'tls:// upstream: the server name sent (SNI) and checked; defaults to the host name')
    .option('--cacert <file>', "tls:// upstream: also trust the certificates in this PEM file (e.g. the server's self-signed one)");
}

/** proxy.create's listenTls / upstreamTls for the two URLs; flags for a side that is not tls:// are refused. */
export async function proxyTlsInput(
  command: Command,
  listen: SocketUrl,
  upstream: SocketUrl,
  flags: ProxyTlsFlags,
): Promise<{ listenTls?: TlsListenOptions; upstreamTls?: TlsClientOptions }> {
  refuseInapplicable(command, listen, tlsOnly(LISTEN_FLAGS));
  refuseInapplicable(command, upstream, tlsOnly(UPSTREAM_FLAGS));
  const [{ tls: listenTls }, { tls: upstreamTls }] = await Promise.all([
    tlsListenInput(listen, { names: flags.names, cert: flags.cert, key: flags.key }),
    tlsClientInput(upstream, { insecure: flags.insecure, servername: flags.servername, cacert: flags.cacert }),
  ]);
  return { ...(listenTls && { listenTls }), ...(upstreamTls && { upstreamTls }) };
}
