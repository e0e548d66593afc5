import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { type Core, createCore } from '../../src/main/core';
import { waitFor } from '../../src/main/engine/test-support/wait-for';
import { type Host, startHost } from '../../src/main/host/server';
import type { TransportStatus } from '../../src/renderer/src/transport/transport';
import { websocketTransport, type WebSocketTransportOptions } from '../../src/renderer/src/transport/websocket';

/** The renderer's transport, as the page runs it, with the `ws` package as its WebSocket. */
const BrowserLikeWebSocket = WebSocket as unknown as WebSocketTransportOptions['WebSocket'];
const TOKEN = 'transport-test-token-0123456789';

let core: Core;
let rendererDir: string;
const hosts: Host[] = [];
const transports: ReturnType<typeof websocketTransport>[] = [];

beforeEach(() => {
  rendererDir = mkdtempSync(join(tmpdir(), 'sockscope-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Sockscope</title>');
  core = createCore({ batch: { intervalMs: 5 } });
});

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  await core.dispose();
  rmSync(rendererDir, { recursive: true, force: true });
});

async function host(port = 0): Promise<Host> {
  const started = await startHost({ core, rendererDir, port, token: TOKEN });
  hosts.push(started);
  return started;
}

async function stop(running: Host): Promise<void> {
  hosts.splice(hosts.indexOf(running), 1);
  await running.close();
}

function transport(port: number, options: WebSocketTransportOptions = {}, token = TOKEN) {
  const created = websocketTransport(`ws://127.0.0.1:${port}/ws?token=${token}`, { WebSocket: BrowserLikeWebSocket, ...options });
  transports.push(created);
  let status: TransportStatus = { state: 'connecting' };
  created.onStatus((next) => (status = next));
  return { transport: created, status: () => status };
}

describe('browser transport across reconnects', () => {
  it('a call made while the host is down waits for it to come back on the same port, then settles', async () => {
    const first = await host();
    const { transport: link, status } = transport(first.port);
    expect(await link.invoke('app.snapshot', {})).toMatchObject({ ok: true });
    await stop(first);
    await waitFor(() => status().state === 'closed', 'the transport to see the host go');
    // Made between the close and the retry: it used to go out on the dead socket and never settle.
    const during = link.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    await host(first.port);
    expect(await during).toMatchObject({ ok: true, value: { kind: 'tcp-listener' } });
    await waitFor(() => status().state === 'open', 'the transport to reopen');
    expect(await link.invoke('app.snapshot', {})).toMatchObject({ ok: true, value: { sockets: [{ kind: 'tcp-listener' }] } });
  });

  it('fails a call clearly when the host does not come back in time', async () => {
    const first = await host();
    const { transport: link, status } = transport(first.port, { connectWaitMs: 300 });
    expect(await link.invoke('app.snapshot', {})).toMatchObject({ ok: true });
    await stop(first);
    await waitFor(() => status().state === 'closed', 'the transport to see the host go');
    expect(await link.invoke('app.snapshot', {})).toEqual({
      ok: false,
      error: { code: 'DISCONNECTED', message: 'Not connected to the Sockscope host (waited 0.3 s for it to come back)' },
    });
  });

  it('fails at once, with the reason, when the host refuses the token', async () => {
    const running = await host();
    const { transport: link } = transport(running.port, { connectWaitMs: 60_000 }, 'wrong');
    const result = await link.invoke('app.snapshot', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect(!result.ok && result.error.message).toContain('token');
  });

  it('settles a call in flight when its socket closes, and the next call goes out on the new socket', async () => {
    // A peer that takes commands and never answers, then drops the connection mid-call.
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => silent.once('listening', resolve));
    const port = (silent.address() as AddressInfo).port;
    const received: string[] = [];
    silent.on('connection', (ws) => ws.on('message', (data: Buffer) => received.push(data.toString())));
    try {
      const { transport: link } = transport(port);
      const inFlight = link.invoke('app.snapshot', {});
      await waitFor(() => received.length === 1, 'the call to reach the peer');
      for (const client of silent.clients) client.terminate();
      expect(await inFlight).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
      const next = link.invoke('log.read', { id: 'x', fromSeq: 0, count: 1 });
      await waitFor(() => received.length === 2, 'the next call to reach the peer on a new connection', 10_000);
      for (const client of silent.clients) client.close(1001, 'going away');
      expect(await next).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
