/**
 * TLS on either side of a proxy: terminated towards its clients (the listener's options: a
 * self-signed certificate made on the spot, or the user's PEM) and/or originated towards the
 * upstream (the client's options: SNI, verify, a CA). The bytes in between — logged, held, edited
 * and put through toxics — are clear text. Reuses tcp.listen / tcp.connect's TLS schemas, so the
 * dialog, the command line and the engine accept and refuse the same things in the same words.
 */
import { z } from 'zod';
import { schemaOnUse } from './built-on-use';
import { clientTlsSettings, listenerTlsSettings, reopenOptions, TlsClientOptions, TlsListenOptions, TlsSettings, TlsSummary } from './tls';

/** proxy.create's optional TLS: `listenTls` terminates, `upstreamTls` originates. */
export const ProxyTlsInput = schemaOnUse(() => ({
  listenTls: TlsListenOptions.optional(),
  upstreamTls: TlsClientOptions.optional(),
}));

/** On ProxySettings: which sides speak TLS, with what options — never a private key. */
export const ProxyTlsSettings = schemaOnUse(() =>
  z.object({
    listen: TlsSettings.optional(),
    upstream: TlsSettings.optional(),
  }),
);

/** On ConversationDetails: each side's handshake once done (protocol, cipher, certificates). */
export const ConversationTls = schemaOnUse(() => ({
  clientTls: TlsSummary.optional(),
  upstreamTls: TlsSummary.optional(),
}));

export type ProxyTlsSettings = z.infer<typeof ProxyTlsSettings>;

/** What a proxy shows (and a saved workspace keeps) of the TLS it was made with; undefined for plain TCP. */
export function proxyTlsSettings(input: {
  listenTls?: z.output<typeof TlsListenOptions>;
  upstreamTls?: z.output<typeof TlsClientOptions>;
}): ProxyTlsSettings | undefined {
  if (!input.listenTls && !input.upstreamTls) return undefined;
  return {
    ...(input.listenTls && { listen: listenerTlsSettings(input.listenTls) }),
    ...(input.upstreamTls && { upstream: clientTlsSettings(input.upstreamTls) }),
  };
}

/**
 * proxy.create's TLS fields to make the proxy again from its settings, or undefined when a side
 * needs a private key that was not kept (the user's own PEM, or a client certificate).
 */
export function proxyTlsReopen(
  settings: ProxyTlsSettings | undefined,
): { listenTls?: z.input<typeof TlsListenOptions>; upstreamTls?: z.input<typeof TlsClientOptions> } | undefined {
  if (!settings) return {};
  const listen = settings.listen && reopenOptions(settings.listen);
  const upstream = settings.upstream && reopenOptions(settings.upstream);
  if ((settings.listen && !listen) || (settings.upstream && !upstream)) return undefined;
  return {
    ...(listen && { listenTls: listen as z.input<typeof TlsListenOptions> }),
    ...(upstream && { upstreamTls: upstream as z.input<typeof TlsClientOptions> }),
  };
}
