import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import type { Core } from '../core';
import type { attachClient, ClientBacklog, ClientLimits } from './client';
import { isLoopbackHost, isLoopbackOrigin } from './loopback-names';
import { serveStatic } from './static';

export interface HostOptions {
  /**
   * The engine, or a function that loads it: called once, when a page first sends a message or a
   * transfer is asked for (or by the caller). The page is served without it, so a browser opening the URL gets
   * its page while the engine and the contract's schemas load (see `sockscope host`).
   */
  core: Core | (() => Promise<Core>);
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
  /** What the host holds per page at most (see client.ts); tests make them small. */
  clientLimits?: Partial<ClientLimits>;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  /** The engine, loading it if it has not been yet. */
  core(): Promise<Core>;
  /** How far behind each connected page is (see client.ts). */
  backlogs(): ClientBacklog[];
  close(): Promise<void>;
}

/** Sends larger than the contract allows (16 MiB, base64 in JSON) are refused by ws itself. */
const MAX_MESSAGE_BYTES = 24 * 1024 * 1024;
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

/**
 * The browser host: serves the renderer and the contract over a WebSocket, on loopback only.
 * A browser page from any other site can reach 127.0.0.1 too, so every request must carry
 * this run's token, and name a loopback host and origin (against DNS rebinding).
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const clients = new Map<WebSocket, () => ClientBacklog>();
  const engine = engineLoader(options.core);

  const server: Server = createServer((req, res) => {
    if (!isLoopbackHost(req.headers.host)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden host');
      return;
    }
    const target = requestTarget(req);
    if (!target) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request target');
      return;
    }
    if (!TRANSFER_PATHS.has(target.pathname)) {
      serveStatic(options.rendererDir, req, res);
      return;
    }
    // The transfers' module (and the log import it brings) loads with the first transfer, not with the engine.
    Promise.all([engine(), import('./transfers')]).then(
      ([{ core }, { handleTransfer }]) => handleTransfer(req, res, target, { core, tokenMatches: (given) => tokensMatch(given, token) }),
      (error: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`The engine did not start: ${messageOf(error)}`),
    );
  });

  // ws (with the http, https and tls modules it loads, ~15 ms) loads just after the URL is printed
  // (see below), while the browser starts its navigation: not in the way of the page's files, and
  // ready for the page's WebSocket, which the page opens before its main script has run.
  let wss: Promise<WebSocketServer> | undefined;
  const webSocketServer = (): Promise<WebSocketServer> =>
    (wss ??= import('ws').then(({ WebSocketServer }) => new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })));
  server.on('upgrade', (req, socket, head) => void webSocketServer().then((websockets) => upgrade(websockets, req, socket, head)));
  const upgrade = (websockets: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const refusal = checkUpgrade(req, token);
    if (refusal) {
      // Complete the handshake so the browser sees why it was refused, then close with a code.
      websockets.handleUpgrade(req, socket, head, (ws) => {
        // Whatever it sends before the close (a frame too large, a bad one) ends it, not the host.
        ws.on('error', () => ws.terminate());
        ws.close(refusal.code, refusal.reason);
      });
      return;
    }
    websockets.handleUpgrade(req, socket, head, (ws) => {
      // Open at once. The engine loads when the page first asks for something: by then the
      // browser has fetched and parsed the page's code and is running it, so the engine's load
      // (~0.1 s of CPU) does not compete with the page's files being fetched and compiled. What
      // the page sends meanwhile waits for it, in order, read no further than its first message.
      const early: [RawData, boolean][] = [];
      const hold = (data: RawData, isBinary: boolean): void => {
        early.push([data, isBinary]);
        if (early.length === 1) {
          ws.pause();
          attach();
        }
      };
      ws.on('message', hold);
      // Until the client takes the socket over (client.ts): a first message past maxPayload is
      // refused by ws (closed with 1009), then reported here, and must not be thrown.
      const broken = (): void => ws.terminate();
      ws.on('error', broken);
      const attach = (): void =>
        void engine().then(
          ({ core, attachClient, DEFAULT_CLIENT_LIMITS }) => {
            if (ws.readyState !== ws.OPEN) return;
            ws.off('message', hold);
            try {
              clients.set(ws, attachClient(ws, core, { ...DEFAULT_CLIENT_LIMITS, ...options.clientLimits }));
            } catch {
              // Not left paused with no one to answer it: the page sees the link drop and says so.
              ws.terminate();
              return;
            }
            ws.off('error', broken);
            ws.once('close', () => clients.delete(ws));
            // Resumed first: it takes effect on the next tick, after the replay, and a client that
            // paused the socket because the replay filled its queue (client.ts) keeps it paused.
            ws.resume();
            for (const [data, isBinary] of early.splice(0)) ws.emit('message', data, isBinary);
          },
          // The reason stays short (a close frame holds 123 bytes); the host's terminal says the rest.
          () => ws.close(1011, 'The engine did not start'),
        );
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // After this turn, in which the caller prints the URL.
  setImmediate(() => void webSocketServer());

  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    core: async () => (await engine()).core,
    backlogs: () => [...clients.values()].map((backlog) => backlog()),
    async close() {
      const websockets = await wss;
      for (const client of websockets?.clients ?? []) client.terminate();
      websockets?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Routes that need the engine (transfers.ts); every other path is a file of the page. */
const TRANSFER_PATHS = new Set(['/export', '/import']);

interface HostEngine {
  core: Core;
  attachClient: typeof attachClient;
  DEFAULT_CLIENT_LIMITS: ClientLimits;
}

/**
 * The engine with the host's module that serves it over the WebSocket, loaded together on first
 * use: they import the contract's schemas, which the page's files do not need.
 */
function engineLoader(core: Core | (() => Promise<Core>)): () => Promise<HostEngine> {
  let loading: Promise<HostEngine> | undefined;
  return () =>
    (loading ??= Promise.all([typeof core === 'function' ? core() : core, import('./client')]).then(([loaded, client]) => ({
      core: loaded,
      attachClient: client.attachClient,
      DEFAULT_CLIENT_LIMITS: client.DEFAULT_CLIENT_LIMITS,
    })));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkUpgrade(req: IncomingMessage, token: string): { code: number; reason: string } | undefined {
  const url = requestTarget(req);
  if (url?.pathname !== '/ws') return { code: CLOSE_FORBIDDEN, reason: 'Unknown endpoint' };
  if (!isLoopbackHost(req.headers.host)) return { code: CLOSE_FORBIDDEN, reason: 'Forbidden host' };
  // Browsers always send Origin on WebSocket handshakes; non-browser clients may omit it.
  const origin = req.headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) return { code: CLOSE_FORBIDDEN, reason: 'Forbidden origin' };
  if (!tokensMatch(url.searchParams.get('token') ?? '', token)) {
    return { code: CLOSE_UNAUTHORIZED, reason: 'Missing or wrong token: open the whole URL that `npm run host` printed, ?token=… included' };
  }
  return undefined;
}

/**
 * The request's path and query. Only the origin form (`/path?query`) is accepted: an absolute
 * URL or `//authority` would name another host than the Host header we checked, and a target
 * the URL parser rejects (`//[`) must be refused, not thrown from inside the server.
 */
function requestTarget(req: IncomingMessage): URL | undefined {
  const target = req.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    return new URL(target, 'http://host.invalid');
  } catch {
    return undefined;
  }
}

function tokensMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time constant.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(b, b), false);
}
