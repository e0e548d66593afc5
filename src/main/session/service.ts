/**
 * The workspace across restarts. On start, a saved workspace is offered (session.status) and
 * nothing is saved over it until the user restores it or starts clean. From then on every change
 * (sockets opened or closed, framing, auto-replies, saved messages, the renderer's layout) is
 * saved shortly after it happens, and once more as the app quits.
 */
import type { z } from 'zod';
import { commands, type SocketInfo, type SocketKind } from '@shared/contract';
import { formatEndpoint } from '@shared/endpoint';
import type { UdpSettings } from '@shared/network';
import { reopenOptions } from '@shared/tls';
import { type RestoreOutcome, type SessionStatus, type SessionSummary, UiLayout } from '@shared/session';
import { loadUserRegex } from '@shared/user-regex';
import { type Engine, EngineError, SOCKETS_ONLY } from '../engine/engine';
import type { FramingService } from '../framing/service';
import { describeSavedProxy, restoreProxy, savedProxy } from './proxies';
import { SESSION_VERSION, type SavedSocket, type SessionFile } from './schema';
import type { SessionStore } from './store';

/** The calls that session commands make; a front end without sessions answers them too. */
export interface Sessions {
  status(): SessionStatus;
  restore(): Promise<RestoreOutcome>;
  discard(): SessionStatus;
  saveUi(ui: UiLayout): void;
}

/** For a front end that keeps no session (a CLI run, tests). */
export const sessionsOff: Sessions = {
  status: () => ({ state: 'off' }),
  restore: () => Promise.reject(new EngineError('SESSIONS_OFF', 'This Sockscope keeps no saved workspace')),
  discard: () => ({ state: 'off' }),
  saveUi: () => undefined,
};

/** For a Sockscope started while another keeps the workspace (see lock.ts). */
export function sessionsElsewhere(pid: number): Sessions & { dispose(): Promise<void> } {
  const status = (): SessionStatus => ({ state: 'elsewhere', pid });
  return {
    status,
    restore: () =>
      Promise.reject(
        new EngineError('SESSION_ELSEWHERE', `Another Sockscope (process ${pid}) keeps the saved workspace: restore it there, or quit it first`),
      ),
    discard: status,
    saveUi: () => undefined,
    dispose: () => Promise.resolve(),
  };
}

/** A part of the workspace that someone else owns (saved messages…), saved under `key`. */
export interface SessionPart {
  key: string;
  /** Its state to save; undefined when there is nothing worth saving. */
  get(): unknown;
  /** Puts a saved state back; throws (or rejects) with a sentence when it cannot. */
  set(value: unknown): void | Promise<void>;
  /** Calls back after every change; returns the function that stops it. */
  subscribe(onChange: () => void): () => void;
  /** What a saved state holds, in words for the restore offer ("5 saved messages"); undefined when empty. */
  describe(value: unknown): string | undefined;
}

export interface SessionOptions {
  /** How long after a change the workspace is saved; changes meanwhile join the same save. */
  debounceMs?: number;
  /** A save that failed, for the user to see. */
  onSaveError?: (message: string) => void;
  /** After the last save: lets go of the session lock. */
  onDispose?: () => void;
}

const LIVE_STATES: Partial<Record<SocketKind, readonly SocketInfo['state'][]>> = {
  'tcp-listener': ['listening'],
  udp: ['open'],
  // Not 'connecting': a TLS client is known to be one only once its handshake is done.
  'tcp-client': ['open', 'half-closed'],
  // Settings, whatever its state: a disabled proxy is closed, and one that failed to listen kept.
  proxy: ['listening', 'closed', 'error'],
};

/** The kinds whose upserts can change what is saved (the engine builds no upsert for the others: accepted connections). */
const SAVED_KINDS = Object.keys(LIVE_STATES) as SocketKind[];

export class SessionService implements Sessions {
  private offer: SessionFile | undefined;
  private problem: Extract<SessionStatus, { state: 'problem' }> | undefined;
  private ui: UiLayout | undefined;
  private readonly parts: SessionPart[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** What the file holds (without its time stamp), so an unchanged workspace is not written again. */
  private lastSaved = '';
  private disposed = false;
  private readonly debounceMs: number;

  constructor(
    private readonly engine: Engine,
    private readonly framing: FramingService,
    private readonly store: SessionStore,
    private readonly options: SessionOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 300;
    const loaded = store.load();
    if (loaded.state === 'ok' && offersSomething(loaded.session)) this.offer = loaded.session;
    if (loaded.state === 'problem') {
      const { state: _state, ...problem } = loaded;
      this.problem = { state: 'problem', ...problem };
    }
    this.unsubscribers.push(
      // Settings only: counters come as socket.stats, and accepted connections are never saved,
      // so neither traffic nor a flood of connections makes the workspace be serialized again.
      engine.subscribe(
        (event) => {
          if ((event.type === 'socket.upsert' && event.socket.kind in LIVE_STATES) || event.type === 'socket.removed') this.changed();
        },
        SOCKETS_ONLY,
        SAVED_KINDS,
      ),
    );
  }

  /** Adds a part of the workspace to what is saved and restored. */
  register(part: SessionPart): void {
    this.parts.push(part);
    this.unsubscribers.push(part.subscribe(() => this.changed()));
  }

  status(): SessionStatus {
    if (this.offer) return { state: 'offered', summary: this.summarize(this.offer) };
    if (this.problem) return this.problem;
    return { state: 'none' };
  }

  async restore(): Promise<RestoreOutcome> {
    const offer = this.offer;
    if (!offer) {
      throw new EngineError('NOT_OFFERED', 'There is no saved workspace to restore: it was restored or set aside already, perhaps in another window');
    }
    this.offer = undefined;
    // Saved auto-reply rules go through their command's schema again, which compiles their patterns.
    await loadUserRegex();
    const sockets: RestoreOutcome['sockets'] = [];
    const problems: string[] = [];
    const restore = async (saved: SavedSocket): Promise<void> => {
      // A proxy keeps its TLS in its own settings (restoreProxy says what it cannot reopen).
      if (saved.kind !== 'proxy' && saved.tls && tlsToReopen(saved) === undefined) {
        problems.push(
          `${describeSaved(saved)}: ${saved.tls === true ? 'its TLS options were not saved' : 'its private key is not kept in the saved workspace'}; open it again`,
        );
        return;
      }
      try {
        const { info, problems: opening } =
          saved.kind === 'proxy' ? await restoreProxy(this.engine, saved) : { info: await this.open(saved), problems: [] };
        sockets.push({ previousId: saved.id, id: info.id });
        problems.push(...opening, ...this.applySettings(saved, info));
      } catch (error) {
        problems.push(`${describeSaved(saved)}: ${messageOf(error)}`);
      }
    };
    // Listeners and UDP sockets first, so clients of a restored listener find it up.
    await Promise.all(offer.sockets.filter((s) => s.kind !== 'tcp-client').map(restore));
    await Promise.all(offer.sockets.filter((s) => s.kind === 'tcp-client').map(restore));
    for (const part of this.parts) {
      const value = offer.parts[part.key];
      if (value === undefined) continue;
      try {
        await part.set(value);
      } catch (error) {
        problems.push(`${part.describe(value) ?? part.key}: ${messageOf(error)}`);
      }
    }
    const ui = UiLayout.safeParse(offer.ui);
    if (ui.success) this.ui = ui.data;
    this.changed();
    return { sockets, problems, ...(ui.success ? { ui: ui.data } : {}) };
  }

  discard(): SessionStatus {
    this.offer = undefined;
    this.problem = undefined;
    this.changed();
    return this.status();
  }

  saveUi(ui: UiLayout): void {
    this.ui = ui;
    this.changed();
  }

  /** Stops saving; a change not saved yet is written now, synchronously, as the process may be quitting. */
  /** Resolves once the lock is let go, after any save still being written. */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.write((session) => this.store.saveSync(session));
    }
    // After any save still being written: the next holder must find the file complete.
    const { onDispose = () => undefined } = this.options;
    return this.writing.then(onDispose, onDispose);
  }

  /** Resolves once every save started so far has finished (tests). */
  async settled(): Promise<void> {
    while (this.timer !== undefined) await new Promise((resolve) => setTimeout(resolve, this.debounceMs));
    await this.writing;
  }

  /** The workspace as it is now, as the file would hold it. */
  current(): SessionFile {
    const sockets = this.engine
      .snapshot()
      .sockets.filter((socket) => LIVE_STATES[socket.kind]?.includes(socket.state))
      .sort((a, b) => Number(a.kind === 'tcp-client') - Number(b.kind === 'tcp-client') || a.createdAt - b.createdAt)
      .flatMap((socket) => {
        const saved = toSaved(socket);
        return saved ? [saved] : [];
      });
    const parts: Record<string, unknown> = {};
    for (const part of this.parts) {
      const value = part.get();
      if (value !== undefined) parts[part.key] = value;
    }
    return { version: SESSION_VERSION, savedAt: Date.now(), sockets, parts, ...(this.ui ? { ui: this.ui } : {}) };
  }

  private changed(): void {
    // Nothing is saved over a workspace that is still on offer.
    if (this.disposed || this.offer || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write((session) => this.store.save(session)));
    }, this.debounceMs);
  }

  private async write(save: (session: SessionFile) => Promise<void> | void): Promise<void> {
    const session = this.current();
    const { savedAt: _savedAt, ...content } = session;
    const text = JSON.stringify(content);
    if (text === this.lastSaved) return;
    try {
      await save(session);
      this.lastSaved = text;
    } catch (error) {
      this.options.onSaveError?.(`The workspace could not be saved to ${this.store.file}: ${messageOf(error)}`);
    }
  }

  private open(saved: Exclude<SavedSocket, { kind: 'proxy' }>): Promise<SocketInfo> {
    switch (saved.kind) {
      case 'tcp-listener':
        return this.engine.listenTcp(
          commands['tcp.listen'].input.parse({ host: saved.host, port: saved.port, keepHalfOpen: saved.keepHalfOpen, tls: tlsToReopen(saved) }),
        );
      case 'udp':
        return this.engine.bindUdp(commands['udp.bind'].input.parse({ host: saved.host, port: saved.port, defaultTarget: saved.defaultTarget }));
      case 'tcp-client':
        return this.engine.connectTcp(
          commands['tcp.connect'].input.parse({ host: saved.host, port: saved.port, keepHalfOpen: saved.keepHalfOpen, tls: tlsToReopen(saved) }),
        );
    }
  }

  /** Framing, decoder and auto-replies onto a restored socket; what failed, in sentences. */
  private applySettings(saved: SavedSocket, { id }: SocketInfo): string[] {
    const problems: string[] = [];
    // Each setting goes through its command's own schema, as if the user had set it again.
    const apply = (what: string, set: () => unknown): void => {
      try {
        set();
      } catch (error) {
        problems.push(`${describeSaved(saved)}: ${what} (${messageOf(error)})`);
      }
    };
    if (saved.framing || saved.decoder) {
      apply('its framing was not restored', () => this.framing.set({ id, framing: saved.framing, decoder: saved.decoder }));
    }
    if ((saved.kind === 'tcp-listener' || saved.kind === 'udp') && saved.autoReply) {
      const { autoReply } = saved;
      apply('its auto-replies were not restored', () => this.engine.setAutoReply(checked(commands['autoReply.set'].input, { id, ...autoReply })));
    }
    if (saved.kind === 'udp' && saved.udp) {
      const { options, groups } = saved.udp;
      apply('its socket options were not restored', () => this.engine.setUdpOptions(checked(commands['udp.setOptions'].input, { id, ...options })));
      for (const membership of groups) {
        apply(`it did not join ${membership.group} again`, () =>
          this.engine.changeMembership('join', checked(commands['udp.joinGroup'].input, { id, ...membership })),
        );
      }
    }
    return problems;
  }

  private summarize(session: SessionFile): SessionSummary {
    const count = (kind: SavedSocket['kind']): number => session.sockets.filter((s) => s.kind === kind).length;
    const rules = session.sockets.reduce(
      (n, s) => n + ((s.kind === 'tcp-listener' || s.kind === 'udp') && s.autoReply ? s.autoReply.rules.length : 0),
      0,
    );
    const proxies = count('proxy');
    const extras = [
      ...(proxies > 0 ? [`${proxies} ${proxies === 1 ? 'proxy' : 'proxies'}`] : []),
      ...(rules > 0 ? [`${rules} auto-reply rule${rules === 1 ? '' : 's'}`] : []),
    ];
    for (const part of this.parts) {
      const value = session.parts[part.key];
      const described = value === undefined ? undefined : part.describe(value);
      if (described) extras.push(described);
    }
    return { listeners: count('tcp-listener'), udpSockets: count('udp'), clients: count('tcp-client'), extras, savedAt: session.savedAt };
  }
}

function offersSomething(session: SessionFile): boolean {
  return session.sockets.length > 0 || Object.keys(session.parts).length > 0;
}

function toSaved(socket: SocketInfo): SavedSocket | undefined {
  const view = {
    id: socket.id,
    ...(socket.tls ? { tls: socket.tlsSettings ?? (true as const) } : {}),
    ...(socket.framing ? { framing: socket.framing } : {}),
    ...(socket.decoder ? { decoder: socket.decoder } : {}),
  };
  const autoReply = socket.autoReply && {
    autoReply: {
      echo: socket.autoReply.echo,
      rules: socket.autoReply.rules.map(({ hits: _hits, ...rule }) => rule),
      ...(socket.autoReply.framing && socket.autoReply.framing.mode !== 'raw' && { framing: socket.autoReply.framing }),
    },
  };
  const udp = socket.udp && { udp: { options: udpOptions(socket.udp), groups: socket.udp.groups } };
  switch (socket.kind) {
    case 'tcp-listener':
      return (
        socket.local && { kind: 'tcp-listener', host: socket.local.address, port: socket.local.port, ...halfOpen(socket), ...autoReply, ...view }
      );
    case 'udp':
      return (
        socket.local && {
          kind: 'udp',
          host: socket.local.address,
          port: socket.local.port,
          ...(socket.defaultTarget ? { defaultTarget: socket.defaultTarget } : {}),
          ...autoReply,
          ...udp,
          ...view,
        }
      );
    case 'tcp-client':
      return socket.requested && { kind: 'tcp-client', host: socket.requested.host, port: socket.requested.port, ...halfOpen(socket), ...view };
    case 'proxy': {
      const saved = savedProxy(socket);
      const { tls: _shownCertificate, ...settings } = view;
      return saved && { kind: 'proxy', ...saved, ...settings };
    }
    default:
      return undefined;
  }
}

/** What `udp.setOptions` takes from a socket's settings: all but the groups, none left undefined. */
function udpOptions({ groups: _groups, ...options }: UdpSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

const SAVED_NAMES: Record<Exclude<SavedSocket['kind'], 'proxy'>, readonly [string, string]> = {
  'tcp-listener': ['Listener on', 'TLS listener on'],
  udp: ['UDP socket on', 'UDP socket on'],
  'tcp-client': ['Connection to', 'TLS connection to'],
};

function describeSaved(saved: SavedSocket): string {
  if (saved.kind === 'proxy') return describeSavedProxy(saved);
  const where = formatEndpoint({ host: saved.host, port: saved.port });
  const [plain, tls] = SAVED_NAMES[saved.kind];
  return `${saved.tls ? tls : plain} ${where}`;
}

/** The value as the schema reads it; throws the first thing wrong with it, as a sentence. */
function checked<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'not valid');
  return parsed.data;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Saved only when on, so older session files and new ones read the same. */
function halfOpen(socket: SocketInfo): { keepHalfOpen?: true } {
  return socket.keepHalfOpen ? { keepHalfOpen: true } : {};
}

/** The TLS options to reopen a saved socket with; undefined for plain TCP or when a key would be needed. */
function tlsToReopen(saved: SavedSocket): ReturnType<typeof reopenOptions> {
  return saved.tls === undefined || saved.tls === true ? undefined : reopenOptions(saved.tls);
}
