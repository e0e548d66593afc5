/**
 * Toxiproxy's HTTP API (its api.go) over Sockscope's proxies, so test suites written against
 * Toxiproxy's clients run unchanged: the same routes, JSON shapes, status codes and error bodies
 * (`{"error": …, "status": …}`). Proxies made here show in the app at once, and the other way round.
 *
 * Like Toxiproxy it refuses browsers (their User-Agent), and beyond it what a web page could
 * forge: a foreign Origin and a Host that is not loopback (DNS rebinding). A body is read as JSON
 * whatever its Content-Type, as Toxiproxy reads it: its README drives the API with `curl -d`,
 * which says `application/x-www-form-urlencoded`. A "simple" cross-site POST that could carry
 * such a body comes from a browser, with its Origin and User-Agent, and is refused for those.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { schemaOnUse } from '@shared/built-on-use';
import type { ParsedInput } from '@shared/contract';
import { proxyCommands, ToxicInput, ToxicPatch, type ToxicState } from '@shared/proxy';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import type { Proxy } from './proxy';
import { proxiesOf, type ProxyService } from './service';
import { DEFAULT_TOXIPROXY_API } from './toxiproxy-address';

export { DEFAULT_TOXIPROXY_API };
/** The Toxiproxy API level served. */
export const TOXIPROXY_VERSION = '2.12.0';
const MAX_BODY_BYTES = 1024 * 1024;
/** How long an idle keep-alive connection stays open: Toxiproxy's IdleTimeout. */
const TOXIPROXY_IDLE_TIMEOUT_MS = 60_000;

class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const STATUS_OF_CODE: Record<string, number> = {
  NOT_FOUND: 404,
  EXISTS: 409,
  INVALID_INPUT: 400,
  PROXY_LOOP: 400,
  EADDRINUSE: 409,
  EADDRNOTAVAIL: 400,
  EACCES: 400,
  ENOTFOUND: 400,
  EAI_AGAIN: 400,
};

/** The proxy as Toxiproxy shows it; a UDP or TLS side with its scheme, as it is given to create one. */
function proxyJson(proxy: Proxy): Record<string, unknown> {
  const view = proxy.view;
  const udp = view.protocol === 'udp';
  const scheme = (tls: unknown): string => (udp ? 'udp://' : tls ? 'tls://' : '');
  return {
    name: view.name,
    listen: `${scheme(view.tls?.listen)}${joinHostPort(view.listen.host, view.listen.port)}`,
    upstream: `${scheme(view.tls?.upstream)}${joinHostPort(view.upstream.host, view.upstream.port)}`,
    enabled: view.enabled,
    toxics: view.toxics.map(toxicJson),
  };
}

function toxicJson(toxic: ToxicState): Record<string, unknown> {
  return {
    attributes: toxic.attributes,
    name: toxic.name,
    type: toxic.type,
    stream: toxic.stream,
    toxicity: toxic.toxicity,
    ...(toxic.clients && { clients: toxic.clients }),
  };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** "host:port", "[::1]:port" or ":port" (all interfaces, as Go's net.Listen). */
export function splitHostPort(text: string, field: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new ApiError(`bad request body: ${field} must be host:port, got ${JSON.stringify(text)}`, 400);
  const host = match[1] ?? match[2];
  return { host: host === '' ? '0.0.0.0' : host, port };
}

type Scheme = 'tcp' | 'tls' | 'udp';

/**
 * A proxy's listen or upstream address: Toxiproxy's host:port (TCP), or with the scheme the
 * command line takes (tcp://, tls://, udp://) for what Toxiproxy does not do. Any other scheme
 * is refused: a proxy of another kind must never be made as a TCP one.
 */
function parseAddress(text: string, field: 'listen' | 'upstream'): { scheme?: Scheme; host: string; port: number } {
  const address = parseSchemeAddress(text, field);
  // Go's net.Listen takes a name's first IPv4 address, and Toxiproxy shows the address it got:
  // "localhost:0" listens on 127.0.0.1, never on ::1 alone (where localhost resolves to ::1 first,
  // a client dialling 127.0.0.1 missed it), and reads back as 127.0.0.1:port.
  return field === 'listen' && address.host.toLowerCase() === 'localhost' ? { ...address, host: '127.0.0.1' } : address;
}

/** A listen address as proxyJson shows it, so that populate can tell an unchanged proxy. */
function shownListen(text: string): string {
  const { scheme, host, port } = parseAddress(text, 'listen');
  return `${scheme === 'udp' || scheme === 'tls' ? `${scheme}://` : ''}${joinHostPort(host, port)}`;
}

function parseSchemeAddress(text: string, field: 'listen' | 'upstream'): { scheme?: Scheme; host: string; port: number } {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(text.trim());
  if (!match) return splitHostPort(text, field);
  const scheme = match[1].toLowerCase();
  if (scheme !== 'tcp' && scheme !== 'tls' && scheme !== 'udp') {
    throw new ApiError(
      `bad request body: ${field} ${JSON.stringify(text)}: ${scheme}:// is not a kind of proxy; give host:port (TCP, as Toxiproxy), or tcp://, tls:// or udp://host:port`,
      400,
    );
  }
  try {
    return { scheme, ...splitHostPort(match[2], field) };
  } catch {
    throw new ApiError(`bad request body: ${field} must be ${scheme}://host:port, got ${JSON.stringify(text)}`, 400);
  }
}

/** tls:// on the listen side: a self-signed certificate for the loopback names and the address it listens on. */
function selfSignedFor(host: string): { certificate: { mode: 'self-signed'; names: string[] } } {
  const names = ['localhost', '127.0.0.1', '::1'];
  if (!names.includes(host) && host !== '0.0.0.0' && host !== '::') names.push(host);
  return { certificate: { mode: 'self-signed', names } };
}

const UDP_BOTH_SIDES = 'a udp:// proxy forwards to a udp:// upstream: give both listen and upstream as udp://host:port';

const ProxyBody = schemaOnUse(() =>
  z.object({
    name: z.string().optional(),
    listen: z.string().optional(),
    upstream: z.string().optional(),
    enabled: z.boolean().optional(),
  }),
);

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ApiError(`bad request body: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`, 400);
}

class Routes {
  constructor(private readonly proxies: ProxyService) {}

  private proxy(name: string): Proxy {
    const proxy = this.proxies.byName(name);
    if (!proxy) throw new ApiError('proxy not found', 404);
    return proxy;
  }

  async handle(method: string, parts: string[], body: unknown): Promise<{ status: number; json?: unknown; text?: string }> {
    const [first, name, third, toxic] = parts;
    if (parts.length === 1 && first === 'version' && method === 'GET') return { status: 200, text: `{"version": "${TOXIPROXY_VERSION}"}\n` };
    if (parts.length === 1 && first === 'reset' && method === 'POST') return this.reset();
    if (parts.length === 1 && first === 'populate' && method === 'POST') return this.populate(body);
    if (first !== 'proxies') throw new ApiError('not found', 404);
    if (parts.length === 1) {
      if (method === 'GET') return { status: 200, json: Object.fromEntries(this.proxies.list().map((p) => [p.name, proxyJson(p)])) };
      if (method === 'POST') return { status: 201, json: proxyJson(await this.create(body)) };
    } else if (parts.length === 2) {
      const proxy = this.proxy(name);
      if (method === 'GET') return { status: 200, json: proxyJson(proxy) };
      if (method === 'POST' || method === 'PATCH') return { status: 200, json: proxyJson(await this.update(proxy, body)) };
      if (method === 'DELETE') return (await this.proxies.remove(proxy.id), { status: 204 });
    } else if (third === 'toxics' && parts.length === 3) {
      const proxy = this.proxy(name);
      if (method === 'GET') return { status: 200, json: proxy.toxicStates().map(toxicJson) };
      // Toxiproxy answers a new toxic with 200, not 201.
      if (method === 'POST') return { status: 200, json: toxicJson(proxy.addToxic(parseBody(ToxicInput, body))) };
    } else if (third === 'toxics' && parts.length === 4) {
      const proxy = this.proxy(name);
      if (method === 'GET') return { status: 200, json: toxicJson(proxy.toxic(toxic)) };
      if (method === 'POST' || method === 'PATCH') return { status: 200, json: toxicJson(proxy.updateToxic(toxic, parseBody(ToxicPatch, body))) };
      if (method === 'DELETE') return (proxy.removeToxic(toxic), { status: 204 });
    } else {
      throw new ApiError('not found', 404);
    }
    throw new ApiError(`method ${method} not allowed here`, 405);
  }

  private async create(body: unknown): Promise<Proxy> {
    const input = parseBody(ProxyBody, body);
    if (!input.name) throw new ApiError('missing required field: name', 400);
    if (!input.upstream) throw new ApiError('missing required field: upstream', 400);
    if (this.proxies.byName(input.name)) throw new ApiError('proxy already exists', 409);
    return this.proxies.create(createRequest({ ...input, name: input.name, upstream: input.upstream }));
  }

  /** Host:port keeps a side's TLS as it is; tls:// turns it on (if off), tcp:// off. UDP and TCP cannot swap. */
  private async update(proxy: Proxy, body: unknown): Promise<Proxy> {
    const input = parseBody(ProxyBody, body);
    const listen = input.listen === undefined ? undefined : parseAddress(input.listen, 'listen');
    const upstream = input.upstream === undefined ? undefined : parseAddress(input.upstream, 'upstream');
    const { protocol, tls } = proxy.view;
    for (const address of [listen, upstream]) {
      if (address?.scheme && (address.scheme === 'udp') !== (protocol === 'udp')) {
        throw new ApiError(
          `bad request body: proxy ${proxy.name} is ${protocol === 'udp' ? 'UDP' : 'TCP'}, and a proxy cannot change between UDP and TCP while it runs: delete it and create it again`,
          400,
        );
      }
    }
    const turn = <T>(scheme: Scheme | undefined, on: boolean, options: T): T | null | undefined =>
      scheme === 'tls' && !on ? options : scheme === 'tcp' && on ? null : undefined;
    const request = {
      id: proxy.id,
      enabled: input.enabled,
      host: listen?.host,
      port: listen?.port,
      upstreamHost: upstream?.host,
      upstreamPort: upstream?.port,
      listenTls: turn(listen?.scheme, tls?.listen !== undefined, selfSignedFor(listen?.host ?? proxy.view.listen.host)),
      upstreamTls: turn(upstream?.scheme, tls?.upstream !== undefined, { verify: true }),
    };
    return this.proxies.update(parseBody(proxyCommands['proxy.update'].input, request));
  }

  private async reset(): Promise<{ status: number }> {
    for (const proxy of this.proxies.list()) {
      proxy.resetToxics();
      if (!proxy.view.enabled) await this.proxies.update({ id: proxy.id, enabled: true });
    }
    return { status: 204 };
  }

  /** Adds the proxies, replacing those of the same name that differ; checks them all first. */
  private async populate(body: unknown): Promise<{ status: number; json: unknown }> {
    const inputs = parseBody(z.array(ProxyBody), body);
    const names = new Set<string>();
    inputs.forEach((input, index) => {
      if (!input.name) throw new ApiError(`missing required field: name at proxy ${index + 1}`, 400);
      if (!input.upstream) throw new ApiError(`missing required field: upstream at proxy ${index + 1}`, 400);
      if (names.has(input.name)) throw new ApiError(`duplicate proxy name "${input.name}"`, 400);
      names.add(input.name);
      createRequest({ ...input, name: input.name, upstream: input.upstream });
    });
    const done: Proxy[] = [];
    for (const input of inputs) {
      const existing = this.proxies.byName(input.name ?? '');
      const same =
        existing &&
        (input.listen === undefined || shownListen(input.listen) === proxyJson(existing).listen) &&
        input.upstream === proxyJson(existing).upstream &&
        (input.enabled ?? true) === existing.view.enabled;
      if (existing && same) {
        done.push(existing);
        continue;
      }
      if (existing) await this.proxies.remove(existing.id);
      try {
        done.push(await this.create(input));
      } catch (err) {
        const failure = toApiError(err);
        return { status: failure.status, json: { error: failure.message, status: failure.status, proxies: done.map(proxyJson) } };
      }
    }
    return { status: 201, json: { proxies: done.map(proxyJson) } };
  }
}

/**
 * proxy.create's input for a Toxiproxy proxy body (checked, without side effects): TCP as
 * Toxiproxy, or UDP / TLS when the addresses say so (tls:// upstream verifies its certificate).
 */
function createRequest(input: z.infer<typeof ProxyBody> & { name: string; upstream: string }): ParsedInput<'proxy.create'> {
  const upstream = parseAddress(input.upstream, 'upstream');
  const listen = parseAddress(input.listen ?? (upstream.scheme === 'udp' ? 'udp://127.0.0.1:0' : '127.0.0.1:0'), 'listen');
  const udp = listen.scheme === 'udp' || upstream.scheme === 'udp';
  if (udp && (listen.scheme !== 'udp' || upstream.scheme !== 'udp')) {
    throw new ApiError(
      `bad request body: ${UDP_BOTH_SIDES} (got listen ${JSON.stringify(input.listen)}, upstream ${JSON.stringify(input.upstream)})`,
      400,
    );
  }
  const request = {
    name: input.name,
    host: listen.host,
    port: listen.port,
    upstreamHost: upstream.host,
    upstreamPort: upstream.port,
    enabled: input.enabled ?? true,
    ...(udp && { protocol: 'udp' }),
    ...(listen.scheme === 'tls' && { listenTls: selfSignedFor(listen.host) }),
    ...(upstream.scheme === 'tls' && { upstreamTls: { verify: true } }),
  };
  return parseBody(proxyCommands['proxy.create'].input, request);
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof EngineError) return new ApiError(err.message, STATUS_OF_CODE[err.code] ?? 500);
  return new ApiError(err instanceof Error ? err.message : String(err), 500);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Why a request is refused before it is read, or undefined. */
function forgeryReason(request: IncomingMessage, port: number): string | undefined {
  const host = request.headers.host ?? '';
  const hostName = host.replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(hostName)) return `Host ${JSON.stringify(host)} is not a loopback address: refused (DNS rebinding)`;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = [...LOOPBACK_HOSTS].filter((h) => h !== '::1').map((h) => `http://${h}:${port}`);
    if (!own.includes(origin)) return `Origin ${origin} is not this API: refused (a web page cannot drive it)`;
  }
  // Toxiproxy's own rule: browsers are not clients of this API.
  if ((request.headers['user-agent'] ?? '').startsWith('Mozilla/')) return 'User agent not allowed';
  return undefined;
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('bad request body: larger than 1 MiB', 413));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new ApiError(`bad request body: ${(err as Error).message}`, 400));
      }
    });
  });
}

function send(response: ServerResponse, status: number, json?: unknown, text?: string): void {
  if (status === 204) {
    response.writeHead(204).end();
    return;
  }
  // As Toxiproxy: errors go through Go's http.Error, which ends them with a newline; results do not.
  const body = text ?? (status >= 400 ? `${JSON.stringify(json)}\n` : JSON.stringify(json));
  response.writeHead(status, {
    'Content-Type': text ? 'application/json;charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

export interface ToxiproxyApi {
  server: Server;
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Serves the API for `engine`'s proxies; resolves once listening (port 0 picks one). */
export async function startToxiproxyApi(engine: Engine, { host, port } = DEFAULT_TOXIPROXY_API): Promise<ToxiproxyApi> {
  const routes = new Routes(proxiesOf(engine));
  let ownPort = port;
  const server = createServer((request, response) => {
    const refused = forgeryReason(request, ownPort);
    if (refused) {
      request.resume();
      return send(response, 403, { error: refused, status: 403 });
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    readBody(request)
      .then((body) => routes.handle(request.method ?? 'GET', parts, body))
      .then(({ status, json, text }) => send(response, status, json, text))
      .catch((err: unknown) => {
        const failure = toApiError(err);
        send(response, failure.status, { error: failure.message, status: failure.status });
      });
  });
  // Toxiproxy (Go's http.Server, IdleTimeout 60 s) keeps an idle connection open a minute; Node's
  // default is 5 s. A client that blocks its event loop past that (a test that runs redis-cli with
  // execSync) then reuses a socket the server already closed, and its next call fails.
  server.keepAliveTimeout = TOXIPROXY_IDLE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new EngineError(
          err.code ?? 'ERROR',
          err.code === 'EADDRINUSE' ? `${joinHostPort(host, port)} is already in use: is Toxiproxy (or another Sockscope) running?` : err.message,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  ownPort = (server.address() as AddressInfo).port;
  return {
    server,
    host,
    port: ownPort,
    url: `http://${joinHostPort(host, ownPort)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
