/**
 * `sockscope proxy tls://… tcp://…` terminates TLS, `tcp://… tls://…` originates it: the listen
 * side takes `listen`'s certificate flags, the upstream side `send`'s verification flags, each
 * refused when its URL is not tls:// (a tcp:// URL with --cert is most likely a tls:// mistyped).
 */
import type { Command } from 'commander';
import type { TlsClientOptions, TlsListenOptions } from '@shared/tls';
import type { SocketUrl } from './endpoint-url';
import { refuseInapplicable, tlsOnly } from './scheme-options';
import { addTlsClientFlags, addTlsListenFlags, tlsClientInput, tlsListenInput } from './tls-options';

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
  return addTlsClientFlags(addTlsListenFlags(command, LISTEN_FLAGS, 'tls:// listen'), UPSTREAM_FLAGS, 'tls:// upstream');
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
