/**
 * The proxies of one engine, by id and by name: what the `proxy.*` commands, the Toxiproxy API
 * and the CLI all work on, so a proxy made through one shows in the others.
 */
import type { ParsedInput } from '@shared/contract';
import type { ProxySettings } from '@shared/proxy';
import { proxyTlsSettings } from '@shared/proxy-tls';
import type { Engine } from '../engine/engine';
import { onePerEngine } from '../per-engine';
import { EngineError } from '../engine/errors';
import { followConversationFraming } from './held-frames';
import { Proxy } from './proxy';
import type { ProxyConversation } from './proxy-conversation';
import { changedProxyTls, prepareProxyTls } from './proxy-tls';
import { UdpProxy } from './udp-proxy';

/** The one ProxyService of `engine`. */
export const proxiesOf = onePerEngine((engine) => new ProxyService(engine));

export type CreateProxyInput = ParsedInput<'proxy.create'>;

export class ProxyService {
  private readonly byId = new Map<string, Proxy>();
  private nextNumber = 1;

  constructor(private readonly engine: Engine) {
    followConversationFraming(engine, (id, framing) => this.findConversation(id)?.setFraming?.(framing));
  }

  list(): Proxy[] {
    return [...this.byId.values()];
  }

  async create(input: CreateProxyInput): Promise<Proxy> {
    const name = input.name ?? this.freeName();
    if (this.byName(name)) throw new EngineError('EXISTS', `proxy already exists: ${name}`);
    if (input.protocol === 'udp' && (input.listenTls || input.upstreamTls)) {
      throw new EngineError('INVALID_INPUT', 'A UDP proxy cannot use TLS (TLS runs over TCP; DTLS is not supported)');
    }
    // Checked before listening, so a bad toxic or certificate leaves no proxy behind.
    const tls = await prepareProxyTls(input);
    const tlsSettings = proxyTlsSettings(input);
    const settings = {
      name,
      listen: { host: input.host, port: input.port },
      upstream: { host: input.upstreamHost, port: input.upstreamPort },
      enabled: input.enabled,
      onUpstreamFailure: input.onUpstreamFailure,
      ...(tlsSettings && { tls: tlsSettings }),
    };
    const onRemoved = (removed: Proxy): boolean => this.byId.delete(removed.id);
    const proxy =
      input.protocol === 'udp' ? new UdpProxy(this.engine, settings, input.udp, onRemoved) : new Proxy(this.engine, settings, onRemoved, tls);
    try {
      for (const toxic of input.toxics) proxy.addToxic(toxic);
      await proxy.start();
    } catch (err) {
      this.engine.release(proxy.id);
      throw err;
    }
    this.byId.set(proxy.id, proxy);
    proxy.record.announce();
    return proxy;
  }

  async update(input: ParsedInput<'proxy.update'>): Promise<Proxy> {
    const proxy = this.get(input.id);
    const current = proxy.view;
    const patch: Partial<Omit<ProxySettings, 'toxics' | 'name'>> = {
      ...(input.enabled !== undefined && { enabled: input.enabled }),
      ...(input.onUpstreamFailure && { onUpstreamFailure: input.onUpstreamFailure }),
      ...((input.host !== undefined || input.port !== undefined) && {
        listen: { host: input.host ?? current.listen.host, port: input.port ?? current.listen.port },
      }),
      ...((input.upstreamHost !== undefined || input.upstreamPort !== undefined) && {
        upstream: { host: input.upstreamHost ?? current.upstream.host, port: input.upstreamPort ?? current.upstream.port },
      }),
    };
    const tlsChanged = input.listenTls !== undefined || input.upstreamTls !== undefined;
    if (tlsChanged && current.protocol === 'udp' && (input.listenTls || input.upstreamTls)) {
      throw new EngineError('INVALID_INPUT', 'A UDP proxy cannot use TLS (TLS runs over TCP; DTLS is not supported)');
    }
    const tls = tlsChanged
      ? await changedProxyTls({ setup: proxy.tlsSetup, settings: current.tls }, input, input.upstreamHost ?? current.upstream.host)
      : undefined;
    await proxy.update(tls ? { ...patch, tls: tls.settings } : patch, tls && { setup: tls.setup });
    return proxy;
  }

  async remove(id: string): Promise<void> {
    this.get(id);
    await this.engine.remove(id);
  }

  /** A proxy by id. */
  get(id: string): Proxy {
    const proxy = this.byId.get(id);
    if (!proxy) throw new EngineError('NOT_FOUND', `No proxy with id ${id}`);
    return proxy;
  }

  byName(name: string): Proxy | undefined {
    return this.list().find((proxy) => proxy.name === name);
  }

  /** A conversation of any proxy, by its id. */
  conversation(id: string): ProxyConversation {
    const found = this.findConversation(id);
    if (!found) throw new EngineError('NOT_FOUND', `No proxy conversation with id ${id}`);
    return found;
  }

  private findConversation(id: string): ProxyConversation | undefined {
    for (const proxy of this.byId.values()) {
      const found = proxy.conversation(id);
      if (found) return found;
    }
    return undefined;
  }

  private freeName(): string {
    for (;;) {
      const name = `proxy-${this.nextNumber++}`;
      if (!this.byName(name)) return name;
    }
  }
}
