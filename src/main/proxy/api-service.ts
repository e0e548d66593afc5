/**
 * The Toxiproxy API of one engine, turned on and off by the `toxiproxyApi.*` commands (the
 * status bar's switch) and by `sockscope host --toxiproxy-api`: at most one server, closed with
 * the core. Changes run one at a time, so two quick clicks cannot start two servers.
 */
import type { Output, ParsedInput } from '@shared/contract';
import { DEFAULT_TOXIPROXY_API_ADDRESS, type ToxiproxyApiStatus, type toxiproxyApiCommands } from '@shared/toxiproxy-api';
import type { Engine } from '../engine/engine';
import { onePerEngine } from '../per-engine';
import { EngineError } from '../engine/errors';
import { startToxiproxyApi, type ToxiproxyApi } from './toxiproxy-api';

class ToxiproxyApiService {
  private api: ToxiproxyApi | undefined;
  private address: { host: string; port: number } = { ...DEFAULT_TOXIPROXY_API_ADDRESS };
  private error: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(status: ToxiproxyApiStatus) => void>();
  /** The status as the last change left it (status()). */
  private settled: ToxiproxyApiStatus = this.current();

  constructor(private readonly engine: Engine) {}

  /** Where it serves, as the saved workspace keeps it (the port it got, so it comes back there); undefined while off. */
  get serving(): { host: string; port: number } | undefined {
    return this.api && { host: this.api.host, port: this.api.port };
  }

  /**
   * Calls back with the status after it is turned on, moved or off, or fails to start (the session
   * saves then, and every window hears of it); returns the function that stops it.
   */
  subscribe(onChange: (status: ToxiproxyApiStatus) => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  /**
   * As the last change left it: while one runs, its halfway state (off, before a retry on a port
   * that fails again) must not be read, since no event follows a change that ends where it began.
   */
  status(): ToxiproxyApiStatus {
    return this.settled;
  }

  private current(): ToxiproxyApiStatus {
    const { api } = this;
    return {
      ...(api && { serving: { host: api.host, port: api.port, url: api.url } }),
      address: this.address,
      ...(this.error !== undefined && { error: this.error }),
    };
  }

  set(input: ParsedInput<'toxiproxyApi.set'>): Promise<ToxiproxyApiStatus> {
    const next = this.queue.then(async () => {
      const before = JSON.stringify(this.settled);
      try {
        return await this.apply(input);
      } finally {
        const after = (this.settled = this.current());
        if (JSON.stringify(after) !== before) for (const listener of this.listeners) listener(after);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): Promise<void> {
    return this.set({ enabled: false, ...this.address }).then(() => undefined);
  }

  private async apply({ enabled, host, port }: ParsedInput<'toxiproxyApi.set'>): Promise<ToxiproxyApiStatus> {
    const { api } = this;
    if (enabled && api && api.host === host && (port === 0 || api.port === port)) return this.current();
    this.api = undefined;
    await api?.close();
    this.error = undefined;
    if (!enabled) return this.current();
    this.address = { host, port };
    try {
      this.api = await startToxiproxyApi(this.engine, { host, port });
      this.address = { host, port: this.api.port };
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      throw error instanceof EngineError ? error : new EngineError('ERROR', this.error);
    }
    return this.current();
  }
}

/** The one Toxiproxy API switch of `engine`. */
export const toxiproxyApiOf = onePerEngine((engine) => new ToxiproxyApiService(engine));

/** Stops the engine's API if it serves (the core is being disposed). */
export async function closeToxiproxyApi(engine: Engine): Promise<void> {
  await toxiproxyApiOf.existing(engine)?.close();
}

type ApiCommand = keyof typeof toxiproxyApiCommands;

export const toxiproxyApiHandlers: { [C in ApiCommand]: (engine: Engine, input: ParsedInput<C>) => Promise<Output<C>> | Output<C> } = {
  'toxiproxyApi.status': (engine) => toxiproxyApiOf(engine).status(),
  'toxiproxyApi.set': (engine, input) => toxiproxyApiOf(engine).set(input),
};
