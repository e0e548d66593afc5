/**
 * Proxies in the saved workspace: where each listens and forwards, its toxics, held directions and
 * whether it was enabled. Restored through `proxy.create`'s own schema; a proxy that cannot listen
 * again (its port is taken) comes back disabled, saying why, rather than not at all.
 */
import { z } from 'zod';
import { schemaOnUse } from '@shared/built-on-use';
import { type SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import { proxyCommands } from '@shared/proxy';
import { ProxyTlsSettings, proxyTlsReopen } from '@shared/proxy-tls';
import type { Engine } from '../engine/engine';
import { proxiesOf } from '../proxy/service';

/** As `proxy.create` takes it, plus the held directions; checked by that schema on restore. */
export const SavedProxySettings = schemaOnUse(() =>
  z.object({
    name: z.string(),
    upstreamHost: z.string(),
    upstreamPort: z.number(),
    enabled: z.boolean(),
    onUpstreamFailure: z.string().optional(),
    toxics: z.array(z.unknown()).max(100).optional(),
    hold: z.object({ upstream: z.boolean(), downstream: z.boolean() }).optional(),
    /** Absent in workspaces saved before UDP proxies: tcp. */
    protocol: z.enum(['tcp', 'udp']).optional(),
    udp: z.object({ idleTimeoutMs: z.number(), maxSessions: z.number() }).optional(),
    /** TLS settings as the proxy shows them (never a private key). */
    tls: z.unknown().optional(),
  }),
);

export type SavedProxySettings = z.infer<typeof SavedProxySettings>;

/** What the session keeps of a proxy (hit counts are traffic, not settings). */
export function savedProxy(socket: SocketInfo): { host: string; port: number; proxy: SavedProxySettings } | undefined {
  const settings = socket.proxy;
  if (!settings) return undefined;
  const hold = settings.hold && (settings.hold.upstream || settings.hold.downstream) ? { hold: settings.hold } : {};
  return {
    host: settings.listen.host,
    port: settings.listen.port,
    proxy: {
      name: settings.name,
      upstreamHost: settings.upstream.host,
      upstreamPort: settings.upstream.port,
      enabled: settings.enabled,
      onUpstreamFailure: settings.onUpstreamFailure,
      toxics: settings.toxics.map(({ name, type, stream, toxicity, attributes, clients }) => ({
        name,
        type,
        stream,
        toxicity,
        attributes,
        ...(clients && { clients }),
      })),
      ...hold,
      ...(settings.protocol === 'udp' && { protocol: 'udp' as const }),
      ...(settings.udp && { udp: { idleTimeoutMs: settings.udp.idleTimeoutMs, maxSessions: settings.udp.maxSessions } }),
      ...(settings.tls && { tls: settings.tls }),
    },
  };
}

/**
 * Makes the proxy again. One whose address is taken (or that fails to listen for another reason)
 * is made disabled, its settings kept, and the reason goes both into `problems` and onto the proxy.
 */
export async function restoreProxy(
  engine: Engine,
  saved: { host: string; port: number; proxy: SavedProxySettings },
): Promise<{ info: SocketInfo; problems: string[] }> {
  const { hold, tls, ...settings } = saved.proxy;
  const parsedTls = tls === undefined ? undefined : ProxyTlsSettings.safeParse(tls);
  if (parsedTls && !parsedTls.success) throw new Error('its TLS settings could not be read; create it again');
  const reopen = proxyTlsReopen(parsedTls?.data);
  if (!reopen) throw new Error('it uses your own certificate, whose private key is not kept in the saved workspace; create it again');
  const input = proxyCommands['proxy.create'].input.parse({ host: saved.host, port: saved.port, ...settings, ...reopen });
  const proxies = proxiesOf(engine);
  let problems: string[] = [];
  let proxy;
  try {
    proxy = await proxies.create(input);
  } catch (error) {
    // Only listening can fail once the settings parsed: try again without listening.
    if (!input.enabled) throw error;
    proxy = await proxies.create({ ...input, enabled: false });
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    proxy.record.fail(
      { code: typeof code === 'string' ? code : 'ERROR', message: `Restored disabled: ${message}` },
      { announce: false, keepState: true },
    );
    problems = [`${describeSavedProxy(saved)}: ${message}; restored disabled`];
  }
  for (const stream of ['upstream', 'downstream'] as const) if (hold?.[stream]) proxy.setHolding(stream, true);
  return { info: engine.info(proxy.id), problems };
}

/** "Proxy api on 127.0.0.1:6380 → 127.0.0.1:6379", for what could not be restored. */
export function describeSavedProxy(saved: { host: string; port: number; proxy: SavedProxySettings }): string {
  return `Proxy ${saved.proxy.name} on ${formatEndpoint({ host: saved.host, port: saved.port })} → ${formatEndpoint({ host: saved.proxy.upstreamHost, port: saved.proxy.upstreamPort })}`;
}
