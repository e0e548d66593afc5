/**
 * A proxy: a listening socket whose every client becomes a Conversation with the upstream, and
 * the toxics that apply to its conversations (added, changed and removed live).
 */
import { Server, type AddressInfo, type Socket } from 'node:net';
import type { Endpoint, SocketInfo } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { ClientFilter, ParsedToxicInput, ProxySettings, Toxic, ToxicPatch, ToxicState } from '@shared/proxy';
import { deferNodeAccepts, type DeferredAccepts } from '../engine/accept-queue';
import { toEndpoint } from '../engine/endpoint';
import type { Engine } from '../engine/engine';
import { EngineError, toEngineError } from '../engine/errors';
import type { ExternalSocket } from '../engine/external';
import { now } from '../engine/log';
import type { SocketRecord } from '../engine/socket-record';
import { ACCEPTED_AS } from '../engine/tcp-listener';
import { Conversation } from './conversation';
import type { ProxyConversation } from './proxy-conversation';
import { createStage, parseAttributes, type Stage, type StageContext } from './toxics';
import { checkToxicProtocol } from './udp-toxics';
import { describeProxyTls, repointTls, type ProxyTls } from './proxy-tls';

/** How many conversation ids a toxic lists as touched (the count goes on). */
const TOUCHED_KEPT = 20;

interface ToxicEntry {
  toxic: Toxic;
  hits: number;
  touched: Set<string>;
  touchedCount: number;
  /** Per conversation, what its stages keep across edits (StageContext.kept); gone with the toxic. */
  kept: WeakMap<ProxyConversation, Record<string, number>>;
}

export class Proxy implements ExternalSocket {
  readonly record: SocketRecord;
  private server: Server | undefined;
  /** Clients accepted and not yet made into conversations (engine/accept-queue.ts). */
  private waiting: DeferredAccepts | undefined;
  protected readonly conversations = new Map<string, ProxyConversation>();
  private readonly toxics = new Map<string, ToxicEntry>();
  protected settings: Omit<ProxySettings, 'toxics'>;
  private updateScheduled = false;

  constructor(
    protected readonly engine: Engine,
    settings: Omit<ProxySettings, 'toxics'>,
    /** Told when the proxy is removed. */
    private readonly onRemoved: (proxy: Proxy) => void,
    private tls?: ProxyTls,
  ) {
    this.settings = settings;
    this.record = engine.adopt('proxy', { state: 'closed', proxy: { ...settings, toxics: [] }, tls: shownTls(tls) }, () => this);
  }

  /** What its conversations speak TLS with (proxy.update keeps a side it does not change). */
  get tlsSetup(): ProxyTls | undefined {
    return this.tls;
  }

  get id(): string {
    return this.record.id;
  }

  get name(): string {
    return this.settings.name;
  }

  get view(): ProxySettings {
    return { ...this.settings, toxics: this.toxicStates() };
  }

  get conversationIds(): string[] {
    return [...this.conversations.keys()];
  }

  conversation(id: string): ProxyConversation | undefined {
    return this.conversations.get(id);
  }

  /** Listens if enabled; rejects (and listens nowhere) when the address is taken or loops back. */
  async start(): Promise<void> {
    if (!this.settings.enabled || this.server) return;
    const { host, port } = this.settings.listen;
    let waiting: DeferredAccepts | undefined;
    const server = new Server({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) =>
      this.accept(socket, waiting?.acceptedAt ?? now()),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(toEngineError(err, { host, port, operation: 'listen' })));
      server.listen({ host, port, backlog: 4096 }, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const local = await this.refuseLoop(address, () => server.close(), 'every client would be forwarded to itself');
    server.on('error', (err) => this.record.fail({ code: 'ERROR', message: err.message }, { announce: true, keepState: true }));
    this.server = server;
    // Each client is taken off the kernel's queue as it comes and made a conversation later, as a
    // plain listener's connections are: a burst of clients waits here, not in a full kernel queue.
    this.waiting = waiting = deferNodeAccepts(server, (message) => this.record.event('info', message));
    this.nowListening(local, address.port, 'Listening');
    for (const line of describeProxyTls(this.tls)) this.record.event('info', line);
  }

  /**
   * The bound address as the record shows it, once the upstream is known not to be that address:
   * otherwise the socket is closed (by `close`) and the start refused, naming the loop (`loop`).
   */
  protected async refuseLoop(bound: AddressInfo, close: () => void, loop: string): Promise<Endpoint | undefined> {
    const local = toEndpoint(bound.address, bound.port, bound.family);
    if (await pointsAtItself(this.settings.upstream, bound)) {
      close();
      throw new EngineError(
        'PROXY_LOOP',
        `The upstream ${formatEndpoint(this.settings.upstream)} is this proxy's own listening address ${formatEndpoint(local)}: ${loop}`,
      );
    }
    return local;
  }

  /** Shown as listening on `local`, `what` opening the log line. */
  protected nowListening(local: Endpoint | undefined, port: number, what: string): void {
    // As Toxiproxy: the port it got is the one it keeps (a restart after a disable takes it again).
    this.settings = { ...this.settings, listen: { host: this.settings.listen.host, port } };
    this.record.update({ state: 'listening', local, proxy: this.view, error: undefined });
    this.record.event('listening', `${what} on ${formatEndpoint(local)}, forwarding to ${formatEndpoint(this.settings.upstream)}`);
  }

  /** Stops listening and ends every conversation (as a disabled Toxiproxy proxy does); keeps the settings. */
  async stop(reason: string): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      // Clients accepted and not yet made are connected: they become conversations, ended below with the rest.
      this.waiting?.flush();
      this.waiting = undefined;
      server.close();
      this.record.update({ state: 'closed' });
      this.record.event('closed', reason);
    }
    await Promise.all([...this.conversations.values()].map((c) => c.destroy()));
  }

  /** `tls`: its new TLS (prepared for the new upstream host), when it changes; a restart, as a move is. */
  async update(patch: Partial<Omit<ProxySettings, 'toxics' | 'name'>>, tls?: { setup: ProxyTls | undefined }): Promise<void> {
    const previous = this.settings;
    const next = { ...previous, ...patch };
    const moved = next.listen.host !== previous.listen.host || next.listen.port !== previous.listen.port;
    const repointed = next.upstream.host !== previous.upstream.host || next.upstream.port !== previous.upstream.port;
    this.settings = next;
    const previousTls = this.tls;
    if (tls) this.tls = tls.setup;
    else if (next.upstream.host !== previous.upstream.host) this.tls = repointTls(this.tls, next.upstream.host);
    if (!next.enabled) await this.stop('Disabled: not accepting clients');
    else if (moved || repointed || tls) {
      await this.stop(moved ? 'Moving to a new listen address' : repointed ? 'Pointing at a new upstream' : 'Restarting with the new TLS settings');
    }
    try {
      await this.start();
    } catch (err) {
      this.settings = previous;
      this.tls = previousTls;
      if (previous.enabled) await this.start().catch(() => undefined);
      this.publish();
      throw err;
    }
    this.publish();
  }

  addToxic(input: ParsedToxicInput): ToxicState {
    const name = input.name ?? `${input.type}_${input.stream}`;
    if (this.toxics.has(name)) throw new EngineError('EXISTS', `toxic already exists: ${name}`);
    checkToxicProtocol(input.type, this.settings.protocol);
    const toxic: Toxic = {
      name,
      type: input.type,
      stream: input.stream,
      toxicity: input.toxicity,
      attributes: attributesOf(input.type, input.attributes),
      ...(input.clients && { clients: input.clients }),
    };
    const entry: ToxicEntry = { toxic, hits: 0, touched: new Set(), touchedCount: 0, kept: new WeakMap() };
    this.toxics.set(name, entry);
    for (const conversation of this.conversations.values()) this.attach(entry, conversation);
    this.record.event('info', `Toxic ${name} added (${toxic.type}, ${toxic.stream})`);
    this.publish();
    return this.stateOf(entry);
  }

  updateToxic(name: string, patch: ToxicPatch): ToxicState {
    const entry = this.toxicEntry(name);
    const { toxic } = entry;
    const attributes = patch.attributes ? attributesOf(toxic.type, { ...toxic.attributes, ...patch.attributes }) : toxic.attributes;
    const { clients: _clients, ...rest } = toxic;
    const clients = patch.clients === null ? undefined : (patch.clients ?? toxic.clients);
    entry.toxic = { ...rest, toxicity: patch.toxicity ?? toxic.toxicity, attributes, ...(clients && { clients }) };
    // Replaced in every conversation, as Toxiproxy does: the new stage takes over the old one's place.
    for (const conversation of this.conversations.values()) {
      conversation.removeStage(name);
      this.attach(entry, conversation);
    }
    this.record.event('info', `Toxic ${name} changed`);
    this.publish();
    return this.stateOf(entry);
  }

  removeToxic(name: string): void {
    this.toxicEntry(name);
    this.toxics.delete(name);
    for (const conversation of this.conversations.values()) conversation.removeStage(name, true);
    this.record.event('info', `Toxic ${name} removed`);
    this.publish();
  }

  /** Holds a direction of every conversation, and of every new one, until let go. */
  setHolding(stream: 'upstream' | 'downstream', holding: boolean): void {
    const hold = { upstream: false, downstream: false, ...this.settings.hold, [stream]: holding };
    this.settings = { ...this.settings, hold };
    for (const conversation of this.conversations.values()) conversation.setHolding(stream, holding);
    this.record.event(
      'info',
      `${holding ? 'Holding' : 'Let go of'} ${stream === 'upstream' ? 'client → server' : 'server → client'} in every conversation`,
    );
    this.publish();
  }

  resetToxics(): void {
    for (const name of [...this.toxics.keys()]) this.removeToxic(name);
  }

  toxic(name: string): ToxicState {
    return this.stateOf(this.toxicEntry(name));
  }

  toxicStates(): ToxicState[] {
    return [...this.toxics.values()].map((entry) => this.stateOf(entry));
  }

  // ExternalSocket: the socket commands on the proxy itself.

  async send(): Promise<number> {
    throw new EngineError('UNSUPPORTED', `${this.id} is a proxy: send into one of its conversations`);
  }

  async close(): Promise<void> {
    await this.stop('Stopped');
  }

  async halfClose(): Promise<void> {
    throw new EngineError('UNSUPPORTED', `Half-close applies to a conversation; ${this.id} is a proxy`);
  }

  async reset(): Promise<void> {
    throw new EngineError('UNSUPPORTED', `Reset applies to a conversation; ${this.id} is a proxy`);
  }

  async remove(): Promise<void> {
    await this.stop('Removed');
    for (const id of this.conversationIds) await this.engine.remove(id).catch(() => undefined);
    this.onRemoved(this);
  }

  async destroy(): Promise<void> {
    // The engine is going away: clients accepted and not yet made are closed unseen.
    this.waiting?.discard();
    this.waiting = undefined;
    this.server?.close();
    this.server = undefined;
    await Promise.all([...this.conversations.values()].map((c) => c.destroy()));
  }

  private accept(socket: Socket, acceptedAt: number): void {
    let conversation: Conversation | undefined;
    try {
      this.engine.adopt('proxy-conversation', { state: 'connecting', parentId: this.id, createdAt: acceptedAt }, (record) => {
        conversation = new Conversation(record, socket, {
          upstream: this.settings.upstream,
          onUpstreamFailure: this.settings.onUpstreamFailure,
          hold: this.settings.hold,
          tls: this.tls,
          onRemoved: (removed) => this.conversations.delete(removed.record.id),
        });
        return conversation;
      });
    } catch {
      socket.destroy();
      return;
    }
    if (conversation) this.admit(conversation, acceptedAt);
  }

  /** A new conversation (or UDP session) joins: shown, and met by the toxics. `acceptedAt`: when its client was accepted. */
  protected admit(created: ProxyConversation, acceptedAt = now()): void {
    this.conversations.set(created.record.id, created);
    created.record.announce();
    const { id, remote } = created.record.subject;
    this.record.lazyNotice(ACCEPTED_AS, { id, remote }, acceptedAt);
    for (const entry of this.toxics.values()) this.attach(entry, created);
  }

  protected stageFor(toxic: Toxic, context: StageContext): Stage {
    return createStage(toxic, context);
  }

  private attach(entry: ToxicEntry, conversation: ProxyConversation): void {
    const { toxic } = entry;
    if (!matchesClient(toxic.clients, conversation.clientEndpoint)) return;
    // Drawn once per conversation, as Toxiproxy draws per link.
    if (Math.random() >= toxic.toxicity) return;
    const id = conversation.record.id;
    const kept = entry.kept.get(conversation) ?? {};
    entry.kept.set(conversation, kept);
    const hooks = conversation.stageContext(() => {
      entry.hits++;
      if (!entry.touched.has(id)) {
        entry.touched.add(id);
        entry.touchedCount++;
        if (entry.touched.size > TOUCHED_KEPT) entry.touched.delete(entry.touched.values().next().value as string);
        conversation.record.event('info', `Toxic ${toxic.name} (${toxic.type}) acts on this conversation`);
      }
      this.publishSoon();
    });
    conversation.addStage(toxic.stream, toxic.name, this.stageFor(toxic, { ...hooks, kept }));
  }

  private toxicEntry(name: string): ToxicEntry {
    const entry = this.toxics.get(name);
    if (!entry) throw new EngineError('NOT_FOUND', `toxic not found: ${name}`);
    return entry;
  }

  private stateOf(entry: ToxicEntry): ToxicState {
    return { ...entry.toxic, hits: entry.hits, conversationCount: entry.touchedCount, conversations: [...entry.touched] };
  }

  protected publish(): void {
    this.record.update({ proxy: this.view, tls: shownTls(this.tls) });
  }

  /** Hit counts tick per chunk: announced once per turn of the event loop. */
  protected publishSoon(): void {
    if (this.updateScheduled) return;
    this.updateScheduled = true;
    setImmediate(() => {
      this.updateScheduled = false;
      this.record.countInSettings({ proxy: this.view });
    });
  }
}

/** A TLS proxy shows the certificate it presents (its PEM, for a client's trust store). */
function shownTls(tls: ProxyTls | undefined): SocketInfo['tls'] {
  return tls?.listen && { localCertificate: tls.listen.certificate };
}

function attributesOf(type: Toxic['type'], attributes: Record<string, unknown>): Record<string, number> {
  try {
    return parseAttributes(type, attributes);
  } catch (err) {
    throw new EngineError('INVALID_INPUT', `bad request body: ${(err as Error).message}`);
  }
}

function matchesClient(filter: ClientFilter | undefined, client: { address: string; port: number } | undefined): boolean {
  if (!filter) return true;
  if (!client) return false;
  if (filter.address !== undefined && filter.address !== client.address) return false;
  if (filter.ports && (client.port < filter.ports[0] || client.port > filter.ports[1])) return false;
  return true;
}

/** True when the upstream is the proxy's own listening socket (same port, an address it listens on). */
export async function pointsAtItself(upstream: { host: string; port: number }, listening: AddressInfo): Promise<boolean> {
  if (upstream.port !== listening.port) return false;
  const { lookup } = await import('node:dns/promises');
  const { networkInterfaces } = await import('node:os');
  let addresses: string[];
  try {
    addresses = (await lookup(upstream.host, { all: true })).map((a) => a.address);
  } catch {
    return false;
  }
  const wildcard = listening.address === '0.0.0.0' || listening.address === '::';
  const local = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((i) => i?.address),
  );
  return addresses.some((a) => a === listening.address || (wildcard && (local.has(a) || a.startsWith('127.'))));
}
