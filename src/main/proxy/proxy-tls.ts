/**
 * A proxy's TLS: terminated towards its clients with the TLS listener's setup (a self-signed
 * certificate made on the spot, or the user's PEM), and/or originated towards the upstream with
 * the TLS client's (SNI, verify, CA). Each side's TLS socket sits over its TCP socket, which stays
 * reachable for RST; the conversation's pipes read and write the TLS sockets, so the log, hold,
 * edit and the toxics all see clear text.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ParsedInput } from '@shared/contract';
import { proxyTlsSettings, type ProxyTlsSettings } from '@shared/proxy-tls';
import type { TlsClientOptions, TlsSummary } from '@shared/tls';
import {
  describeHandshake,
  handshakeSummary,
  prepareTlsClient,
  prepareTlsListener,
  secureAccepted,
  type HandshakeView,
  type TlsClientSetup,
  type TlsListenerSetup,
} from '../engine/tls';

/** What a proxy's conversations need to speak TLS on either side. */
export interface ProxyTls {
  listen?: TlsListenerSetup;
  upstream?: TlsClientSetup;
  /** Kept to prepare the upstream side again when the proxy is pointed at another host (its SNI follows). */
  upstreamOptions?: TlsClientOptions;
}

/** Ready before the proxy listens: a bad PEM, or a key that does not fit, refuses the proxy. */
export async function prepareProxyTls(
  input: Pick<ParsedInput<'proxy.create'>, 'listenTls' | 'upstreamTls' | 'upstreamHost'>,
): Promise<ProxyTls | undefined> {
  if (!input.listenTls && !input.upstreamTls) return undefined;
  return {
    ...(input.listenTls && { listen: await prepareTlsListener(input.listenTls) }),
    ...(input.upstreamTls && { upstream: prepareTlsClient(input.upstreamHost, input.upstreamTls), upstreamOptions: input.upstreamTls }),
  };
}

/**
 * A proxy's TLS after proxy.update: a side given anew is prepared (and checked) again, null turns
 * it off, absent keeps it as it is (a kept side keeps a PEM key the settings never show). Rejects,
 * changing nothing, when a new side's certificate or CA does not parse.
 */
export async function changedProxyTls(
  current: { setup: ProxyTls | undefined; settings: ProxyTlsSettings | undefined },
  change: Pick<ParsedInput<'proxy.update'>, 'listenTls' | 'upstreamTls'>,
  upstreamHost: string,
): Promise<{ setup: ProxyTls | undefined; settings: ProxyTlsSettings | undefined }> {
  const given = { listenTls: change.listenTls ?? undefined, upstreamTls: change.upstreamTls ?? undefined };
  const fresh = await prepareProxyTls({ ...given, upstreamHost });
  const freshSettings = proxyTlsSettings(given);
  const keepListen = change.listenTls === undefined;
  const keepUpstream = change.upstreamTls === undefined;
  const listen = keepListen ? current.setup?.listen : fresh?.listen;
  const upstreamOptions = keepUpstream ? current.setup?.upstreamOptions : fresh?.upstreamOptions;
  const listenSettings = keepListen ? current.settings?.listen : freshSettings?.listen;
  const upstreamSettings = keepUpstream ? current.settings?.upstream : freshSettings?.upstream;
  return {
    setup:
      listen || upstreamOptions
        ? {
            ...(listen && { listen }),
            // A kept upstream side is prepared again, for the upstream host it will have.
            ...(upstreamOptions && { upstream: prepareTlsClient(upstreamHost, upstreamOptions), upstreamOptions }),
          }
        : undefined,
    settings:
      listenSettings || upstreamSettings
        ? { ...(listenSettings && { listen: listenSettings }), ...(upstreamSettings && { upstream: upstreamSettings }) }
        : undefined,
  };
}

/** The same TLS towards a new upstream host. */
export function repointTls(tls: ProxyTls | undefined, upstreamHost: string): ProxyTls | undefined {
  if (!tls?.upstreamOptions) return tls;
  return { ...tls, upstream: prepareTlsClient(upstreamHost, tls.upstreamOptions) };
}

/** One side of a conversation: the socket bytes go through, and the TCP socket under it (for RST). */
export interface Side {
  stream: Socket;
  tcp: Socket;
  secure?: TLSSocket;
}

/** A side's finished handshake: the summary for ConversationDetails and its sentence for the log. */
export type HandshakeReport = (summary: TlsSummary, sentence: string) => void;

/** The client's side: TLS over the accepted socket when the proxy terminates TLS (the handshake starts at once). */
export function clientSide(tcp: Socket, tls: ProxyTls | undefined, report: HandshakeReport, note: (message: string) => void): Side {
  const setup = tls?.listen;
  if (!setup) return { stream: tcp, tcp };
  const secure = secureAccepted(tcp, setup);
  const view: HandshakeView = {
    side: 'server',
    localCertificate: setup.certificate,
    clientCertRequested: setup.requestClientCert,
    judgesClients: setup.judgesClients,
  };
  secure.once('secure', () => reported(secure, view, 'Client side', report, note));
  return { stream: secure, tcp, secure };
}

/** The upstream's side: TLS over the TCP socket, its handshake starting once that connects ('secureConnect'). */
export function upstreamSide(tcp: Socket, tls: ProxyTls | undefined): Side {
  const setup = tls?.upstream;
  if (!setup) return { stream: tcp, tcp };
  const secure = setup.over(tcp);
  // Its failures reach the TLS socket too, which reports them; the TCP socket's copy must not throw.
  tcp.on('error', () => undefined);
  return { stream: secure, tcp, secure };
}

/** Reports the upstream's handshake (call on 'secureConnect'). */
export function reportUpstreamHandshake(side: Side, tls: ProxyTls | undefined, report: HandshakeReport, note: (message: string) => void): void {
  if (side.secure) reported(side.secure, { side: 'client', localCertificate: tls?.upstream?.localCertificate }, 'Upstream', report, note);
}

function reported(secure: TLSSocket, view: HandshakeView, label: string, report: HandshakeReport, note: (message: string) => void): void {
  const summary = handshakeSummary(secure, view, note);
  report(summary, `${label}: ${describeHandshake(summary, view.side)}`);
}

/**
 * Resets a side: the RST goes out on the TCP socket, and the TLS socket over it closes with it.
 * Only the TCP socket is touched: destroying the TLS socket too, at once, closes their shared
 * handle twice and crashes Node (a segmentation fault in Node 20).
 */
export function resetSide(side: Side): void {
  // What was passed on earlier in this turn (corked until its end, pipe.ts) goes before the RST, as it was read before it.
  if (side.stream.writableCorked > 0) side.stream.uncork();
  side.tcp.resetAndDestroy();
}

/** Destroys a side: TLS first, then the TCP socket (the other order crashes Node on an accepted socket, as above). */
export function destroySide(side: Side): void {
  side.stream.destroy();
  if (!side.tcp.destroyed) side.tcp.destroy();
}

/** For the proxy's log once it listens: what it presents to clients, and how it treats the upstream's certificate. */
export function describeProxyTls(tls: ProxyTls | undefined): string[] {
  const lines: string[] = [];
  if (tls?.listen) lines.push(`Clients: ${tls.listen.description}`);
  const upstream = tls?.upstreamOptions;
  if (upstream) {
    const sni = upstream.serverName ? `, SNI ${upstream.serverName}` : '';
    const trust = upstream.caPem ? ' (also trusting the given CA)' : '';
    lines.push(
      `Upstream: TLS${sni}; ${upstream.verify ? `its certificate is verified${trust}` : 'its certificate is not verified (why it would fail is still logged)'}`,
    );
  }
  return lines;
}
