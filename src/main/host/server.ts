import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ClientMessage, type ServerMessage } from '../../shared/contract';
import { decodeWire, encodeWire } from '../../shared/wire';
import { EventCoalescer } from '../batcher';
import type { Core } from '../core';
import { isLoopbackHost, isLoopbackOrigin } from './loopback-names';
import { serveStatic } from './static';

export interface HostOptions {
  core: Core;
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Sends larger than the contract allows (16 MiB, base64 in JSON) are refused by ws itself. */
const MAX_MESSAGE_BYTES = 24 * 1024 * 1024;
/** A client this far behind gets its batches merged instead of queued without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

/**
 * The browser host: serves the renderer and the contract over a WebSocket, on loopback only.
 * A browser page from any other site can reach 127.0.0.1 too, so every request must carry
 * this run's token, and name a loopback host and origin (against DNS rebinding).
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { core } = options;

  const server: Server = createServer((req, res) => {
    if (!isLoopbackHost(req.headers.host)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden host');
      return;
    }
    if (!requestTarget(req)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request target');
      return;
    }
    serveStatic(options.rendererDir, req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const refusal = checkUpgrade(req, token);
    if (refusal) {
      // Complete the handshake so the browser sees why it was refused, then close with a code.
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(refusal.code, refusal.reason));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function checkUpgrade(req: IncomingMessage, token: string): { code: number; reason: string } | undefined {
  const url = requestTarget(req);
  if (url?.pathname !== '/ws') return { code: CLOSE_FORBIDDEN, reason: 'Unknown endpoint' };
  if (!isLoopbackHost(req.headers.host)) return { code: CLOSE_FORBIDDEN, reason: 'Forbidden host' };
  // Browsers always send Origin on WebSocket handshakes; non-browser clients may omit it.
  const origin = req.headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) return { code: CLOSE_FORBIDDEN, reason: 'Forbidden origin' };
  if (!tokensMatch(url.searchParams.get('token') ?? '', token)) {
    return { code: CLOSE_UNAUTHORIZED, reason: 'Missing or wrong token: open the URL that `npm run host` printed' };
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

function attachClient(ws: WebSocket, core: Core): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(encodeWire(message));
  };
  // Batches carry full state per socket, so a slow client can skip ahead: while it is behind,
  // later batches replace earlier ones per key and go out once it has drained.
  let behind: ServerMessage[] = [];
  const unsubscribe = core.batcher.subscribe((batch) => {
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      behind.push({ type: 'events', batch });
      if (behind.length === 1) waitForDrain();
      return;
    }
    send({ type: 'events', batch });
  });
  const waitForDrain = (): void => {
    const timer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return clearInterval(timer);
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
      clearInterval(timer);
      const merged = mergeBatches(behind);
      behind = [];
      if (merged) send(merged);
    }, 50);
  };

  ws.on('message', (data, isBinary) => {
    void handleMessage(isBinary ? undefined : data.toString()).then((reply) => reply && send(reply));
  });
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());

  async function handleMessage(text: string | undefined): Promise<ServerMessage | undefined> {
    let raw: unknown;
    try {
      if (text === undefined) throw new SyntaxError('binary frames are not part of the contract');
      raw = decodeWire(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { type: 'fatal', error: { code: 'MALFORMED_MESSAGE', message: `Malformed message: ${detail}` } };
    }
    const message = ClientMessage.safeParse(raw);
    if (!message.success) {
      const callId = extractCallId(raw);
      const error = { code: 'MALFORMED_MESSAGE', message: 'Malformed message: expected { type: "command", callId, command, input }' };
      return callId === undefined ? { type: 'fatal', error } : { type: 'result', callId, result: { ok: false, error } };
    }
    const result = await core.dispatcher.dispatch(message.data.command, message.data.input);
    return { type: 'result', callId: message.data.callId, result };
  }
}

function extractCallId(raw: unknown): number | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const callId = (raw as Record<string, unknown>).callId;
  return typeof callId === 'number' && Number.isInteger(callId) && callId >= 0 ? callId : undefined;
}

function mergeBatches(messages: ServerMessage[]): ServerMessage | undefined {
  const coalescer = new EventCoalescer();
  let rev: number | undefined;
  for (const message of messages) {
    if (message.type !== 'events') continue;
    message.batch.events.forEach((event) => coalescer.add(event));
    rev = message.batch.rev;
  }
  return rev === undefined ? undefined : { type: 'events', batch: { rev, events: coalescer.take() } };
}
