/**
 * The browser host as a benchmark sees it: the built `out/main/cli.js host` in its own process, and a
 * WebSocket client subscribed to its event batches, exactly as the renderer's transport is.
 */
import { resolve } from 'node:path';
import { WebSocket } from 'ws';
import type { Command, Input, LogHead, Output, Result, ServerMessage, SocketInfo } from '@shared/contract';
import { withStats } from '@shared/socket-stats';
import { decodeWire, encodeWire } from '@shared/wire';
import { ROOT, startProcess, type Peer } from './proc';

export interface HostClient {
  url: string;
  pid: number;
  process: Peer;
  invoke<C extends Command>(command: C, input: Input<C>): Promise<Output<C>>;
  /** Latest state of every socket the client has been told about. */
  sockets: Map<string, SocketInfo>;
  /** Log entries made visible to this client: the sum of every log head's nextSeq advances. */
  entriesSeen(): number;
  /** Called after each batch is applied. */
  onBatch(listener: () => void): void;
  /** Resolves once `condition` holds, checked as each batch arrives (no polling); rejects after `timeoutMs`. */
  waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export const HOST_SCRIPT = resolve(ROOT, 'out/main/cli.js');

/**
 * Starts the built host (with extra node flags / host options) and connects a client that subscribes
 * to its events. `script`: another build of the host, to set two builds side by side.
 */
export async function startHost(nodeArgs: string[] = [], hostArgs: string[] = [], script = HOST_SCRIPT): Promise<HostClient> {
  const process_ = startProcess(process.execPath, [...nodeArgs, script, 'host', '--port', '0', ...hostArgs]);
  const url = (await process_.waitForLine(/Open: (\S+)/))[1];
  const wsUrl = new URL(url);
  wsUrl.protocol = 'ws:';
  wsUrl.pathname = '/ws';
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  const sockets = new Map<string, SocketInfo>();
  const heads = new Map<string, LogHead>();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const batchListeners: (() => void)[] = [];
  let entries = 0;
  let nextCallId = 1;

  ws.on('message', (data) => {
    const message = decodeWire(data.toString()) as ServerMessage;
    if (message.type === 'result') {
      pending.get(message.callId)?.(message.result);
      pending.delete(message.callId);
    } else if (message.type === 'events') {
      for (const event of message.batch.events) {
        if (event.type === 'socket.upsert') sockets.set(event.socket.id, event.socket);
        else if (event.type === 'socket.stats') {
          const socket = sockets.get(event.stats.id);
          if (socket) sockets.set(socket.id, withStats(socket, event.stats));
        } else if (event.type === 'log.head') {
          const before = heads.get(event.head.id)?.nextSeq ?? 0;
          entries += Math.max(0, event.head.nextSeq - before);
          heads.set(event.head.id, event.head);
        }
      }
      for (const listener of batchListeners) listener();
    }
  });

  const client: HostClient = {
    url,
    pid: process_.child.pid ?? -1,
    process: process_,
    sockets,
    entriesSeen: () => entries,
    onBatch: (listener) => void batchListeners.push(listener),
    waitFor(condition, what, timeoutMs) {
      if (condition()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!condition()) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          batchListeners.splice(batchListeners.indexOf(check), 1);
        };
        batchListeners.push(check);
      });
    },
    async invoke<C extends Command>(command: C, input: Input<C>): Promise<Output<C>> {
      const callId = nextCallId++;
      const result = await new Promise<Result<unknown>>((done) => {
        pending.set(callId, done);
        ws.send(encodeWire({ type: 'command', callId, command, input }));
      });
      if (!result.ok) throw new Error(`${command} failed: ${result.error.code} ${result.error.message}`);
      return result.value as Output<C>;
    },
    async stop() {
      ws.terminate();
      await process_.stop();
    },
  };
  // Everything that existed before this client connected.
  const snapshot = await client.invoke('app.snapshot', {});
  for (const socket of snapshot.sockets) sockets.set(socket.id, socket);
  for (const head of snapshot.logs) heads.set(head.id, head);
  return client;
}
