/**
 * Hold and edit (breakpoints), inject and cut, with curl and python3's http.server as peers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeldMessage } from '@shared/proxy';
import { logEvents, loggedBytes } from '../engine/test-support/engine-log';
import { connectClient, freePort, startChild } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy as createProxyVia, startRecordingServer, useTestbed, value } from './test-support';
import { HIGH_WATER } from './pipe';

const bed = useTestbed();

function createProxy(upstreamPort: number): Promise<{ id: string; port: number }> {
  return createProxyVia(bed, upstreamPort);
}

function onlyConversation(proxyId: string): string {
  const found = bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation' && s.parentId === proxyId);
  if (!found) throw new Error('no conversation yet');
  return found.id;
}

async function held(id: string): Promise<HeldMessage[]> {
  return value<{ messages: HeldMessage[] }>(await bed.dispatcher.dispatch('proxy.held', { id })).messages;
}

async function startRawServer(onSocket: (socket: Socket, received: () => string) => void): Promise<number> {
  return (await startRecordingServer(onSocket)).port;
}

/** A client through a new proxy to a server that keeps what it gets, once their conversation is open. */
async function conversationWithRecorder(): Promise<{ client: Awaited<ReturnType<typeof connectClient>>; id: string; received: () => string }> {
  let received = (): string => '';
  const upstream = await startRawServer((_socket, text) => (received = text));
  const proxy = await createProxy(upstream);
  const client = await connectClient(proxy.port);
  await waitFor(() => bed.engine.snapshot().sockets.some((s) => s.kind === 'proxy-conversation' && s.state === 'open'), 'the conversation');
  return { client, id: onlyConversation(proxy.id), received: () => received() };
}

describe('hold and edit', () => {
  it('holds the response of python3 http.server, and curl prints the edited body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sockscope-hold-'));
    try {
      writeFileSync(join(dir, 'greeting.txt'), 'hello from the server\n');
      const port = await freePort();
      await startChild('python3', ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], /Serving HTTP/);
      const proxy = await createProxy(port);
      value(await bed.dispatcher.dispatch('proxy.hold', { id: proxy.id, stream: 'downstream', hold: true }));
      const curl = new Promise<string>((resolve, reject) =>
        execFile('curl', ['-s', `http://127.0.0.1:${proxy.port}/greeting.txt`], (err, stdout) => (err ? reject(err) : resolve(stdout))),
      );
      await waitFor(() => bed.engine.snapshot().sockets.some((s) => s.kind === 'proxy-conversation'), 'curl to connect');
      const id = onlyConversation(proxy.id);
      let messages: HeldMessage[] = [];
      await waitFor(() => (bed.engine.info(id).conversation?.held?.downstream ?? 0) > 0, 'the response to be held');
      await waitFor(() => {
        void held(id).then((m) => (messages = m));
        return messages.some((m) => Buffer.from(m.bytes).includes('hello from the server'));
      }, 'the body to be held');
      // Nothing of the response reached curl while held: the request went through.
      expect(loggedBytes(bed.engine, id, 'out').toString()).toMatch(/^GET \/greeting\.txt HTTP\/1\.1/);
      expect(loggedBytes(bed.engine, id, 'in').byteLength).toBe(0);
      const body = messages.find((m) => Buffer.from(m.bytes).includes('hello from the server'));
      if (!body) throw new Error('no body');
      const edited = Buffer.from(Buffer.from(body.bytes).toString().replace('hello from the server', 'HELLO FROM SOCKSCOPE!'));
      value(await bed.dispatcher.dispatch('proxy.release', { id, stream: 'downstream', heldId: body.heldId, action: 'forward', data: edited }));
      value(await bed.dispatcher.dispatch('proxy.release', { id, stream: 'downstream', action: 'forward' }));
      value(await bed.dispatcher.dispatch('proxy.hold', { id: proxy.id, stream: 'downstream', hold: false }));
      expect(await curl).toBe('HELLO FROM SOCKSCOPE!\n');
      expect(loggedBytes(bed.engine, id, 'in').toString()).toContain('HELLO FROM SOCKSCOPE!');
      expect(logEvents(bed.engine, id).some((e) => /^Held message #\d+ edited: \d+ → \d+ bytes$/.test(e.message))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds the client side: the server gets nothing, a dropped message never arrives, an injected one does', async () => {
    const { client, id, received } = await conversationWithRecorder();
    value(await bed.dispatcher.dispatch('proxy.hold', { id, stream: 'upstream', hold: true }));
    await client.write(Buffer.from('secret'));
    await waitFor(() => bed.engine.info(id).conversation?.held?.upstream === 1, 'the message to be held');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received()).toBe('');
    const [message] = await held(id);
    expect(Buffer.from(message.bytes).toString()).toBe('secret');
    expect(value(await bed.dispatcher.dispatch('proxy.release', { id, stream: 'upstream', heldId: message.heldId, action: 'drop' }))).toEqual({
      released: 1,
    });
    value(await bed.dispatcher.dispatch('proxy.inject', { id, stream: 'upstream', data: Buffer.from('injected') }));
    value(await bed.dispatcher.dispatch('proxy.inject', { id, stream: 'downstream', data: Buffer.from('to you') }));
    await waitFor(() => received() === 'injected', 'the injected bytes at the server');
    await waitFor(() => client.received().toString() === 'to you', 'the injected bytes at the client');
    const missing = await bed.dispatcher.dispatch('proxy.release', { id, stream: 'upstream', heldId: 99, action: 'forward' });
    expect(missing.ok).toBe(false);
    value(await bed.dispatcher.dispatch('proxy.cut', { id, side: 'client', how: 'rst' }));
    await waitFor(() => client.closed, 'the client to be reset');
    expect(client.errorCode).toBe('ECONNRESET');
  });

  it("says a client's FIN waits behind a hold on its side, and passes it on when the hold lets go", async () => {
    let serverEnded = false;
    const upstream = await startRawServer((socket) => socket.on('end', () => (serverEnded = true)));
    const proxy = await createProxy(upstream);
    const client = await connectClient(proxy.port, '127.0.0.1', true);
    await waitFor(() => bed.engine.snapshot().sockets.some((s) => s.kind === 'proxy-conversation' && s.state === 'open'), 'the conversation');
    const id = onlyConversation(proxy.id);
    value(await bed.dispatcher.dispatch('proxy.hold', { id, stream: 'upstream', hold: true }));
    client.socket.end();
    await waitFor(() => logEvents(bed.engine, id).some((e) => e.event === 'peer-closed'), 'the FIN to be logged');
    const said = logEvents(bed.engine, id).find((e) => e.event === 'peer-closed')?.message;
    expect(said).toBe(
      'The client closed its sending side (FIN); it waits behind the hold on client → server: Forward all or stop holding to pass it on',
    );
    await waitFor(() => bed.engine.info(id).conversation?.heldFin?.upstream === true, 'the held FIN in the conversation');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(serverEnded).toBe(false);
    value(await bed.dispatcher.dispatch('proxy.hold', { id, stream: 'upstream', hold: false }));
    await waitFor(() => serverEnded, 'the FIN at the server');
    await waitFor(() => bed.engine.info(id).conversation?.heldFin?.upstream === false, 'the FIN to be no longer held');
  });

  it('carries a FIN held behind held bytes in the conversation, listed by proxy.held, until forwarding it by its number lets both go in order', async () => {
    let serverEnded = false;
    let received = (): string => '';
    const upstream = await startRawServer((socket, text) => {
      received = text;
      socket.on('end', () => (serverEnded = true));
    });
    const proxy = await createProxy(upstream);
    const client = await connectClient(proxy.port, '127.0.0.1', true);
    await waitFor(() => bed.engine.snapshot().sockets.some((s) => s.kind === 'proxy-conversation' && s.state === 'open'), 'the conversation');
    const id = onlyConversation(proxy.id);
    value(await bed.dispatcher.dispatch('proxy.hold', { id, stream: 'upstream', hold: true }));
    await client.write(Buffer.from('last words'));
    await waitFor(() => bed.engine.info(id).conversation?.held?.upstream === 1, 'the bytes to be held');
    expect(bed.engine.info(id).conversation?.heldFin?.upstream ?? false).toBe(false);
    client.socket.end();
    await waitFor(() => bed.engine.info(id).conversation?.heldFin?.upstream === true, 'the FIN to be held');
    const conversation = bed.engine.info(id).conversation;
    expect(conversation?.heldFin).toEqual({ upstream: true, downstream: false });
    expect(conversation?.held).toEqual({ upstream: 1, downstream: 0 });
    expect(received()).toBe('');
    expect(serverEnded).toBe(false);
    // proxy.held lists the FIN in its place, after the bytes, with a number to forward it by.
    const listed = await held(id);
    expect(listed.map((m) => [Buffer.from(m.bytes).toString(), m.fin ?? false])).toEqual([
      ['last words', false],
      ['', true],
    ]);
    const fin = listed[1];
    // A FIN is never dropped (the UI offers no such thing): the refusal says what to do instead.
    const dropped = await bed.dispatcher.dispatch('proxy.release', { id, stream: 'upstream', heldId: fin.heldId, action: 'drop' });
    expect(dropped).toEqual({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: `Held message #${fin.heldId} to the server is the client's FIN: it can only be forwarded, not dropped or edited`,
      },
    });
    // Forwarded by its number, as the UI's Forward on the FIN: what is held before it goes first.
    expect(value(await bed.dispatcher.dispatch('proxy.release', { id, stream: 'upstream', heldId: fin.heldId, action: 'forward' }))).toEqual({
      released: 2,
    });
    await waitFor(() => serverEnded, 'the FIN at the server');
    expect(received()).toBe('last words');
    await waitFor(() => bed.engine.info(id).conversation?.heldFin?.upstream === false, 'the FIN to be no longer held');
    // The direction is still held: only what was in it went.
    expect(bed.engine.info(id).conversation?.holding?.upstream).toBe(true);
  });

  it('stops reading a held side: memory stays bounded while the server floods', async () => {
    let written = 0;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const upstream = await startRawServer((socket) => {
      const pump = (): void => {
        while (written < 128 * 1024 * 1024) {
          written += chunk.byteLength;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    const proxy = await createProxy(upstream);
    value(await bed.dispatcher.dispatch('proxy.hold', { id: proxy.id, stream: 'downstream', hold: true }));
    const client = await connectClient(proxy.port);
    await waitFor(() => bed.engine.snapshot().sockets.some((s) => s.kind === 'proxy-conversation'), 'the conversation');
    const id = onlyConversation(proxy.id);
    await waitFor(() => (bed.engine.info(id).conversation?.held?.downstream ?? 0) > 0, 'the first read to be held');
    // Time for the flood to show, were the held side still read.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const waiting = (await held(id)).reduce((sum, m) => sum + m.bytes.byteLength, 0);
    expect(waiting).toBeGreaterThan(0);
    // What was read before the pause took effect: about one high-water mark, never the flood.
    expect(waiting).toBeLessThan(HIGH_WATER + 4 * 1024 * 1024);
    expect(written).toBeLessThan(64 * 1024 * 1024);
    expect(client.received().byteLength).toBe(0);
    value(await bed.dispatcher.dispatch('proxy.hold', { id, stream: 'downstream', hold: false }));
    await waitFor(() => client.received().byteLength > waiting, 'the flow to resume');
  });
});

describe('forwarding one held message', () => {
  it('lets the messages held before it go first, so the stream keeps its order', async () => {
    const { client, id, received } = await conversationWithRecorder();
    value(await bed.dispatcher.dispatch('proxy.hold', { id, stream: 'upstream', hold: true }));
    for (const part of ['one ', 'two ', 'three']) {
      await client.write(Buffer.from(part));
      await waitFor(
        () => (bed.engine.info(id).conversation?.held?.upstream ?? 0) === ['one ', 'two ', 'three'].indexOf(part) + 1,
        `${part} to be held`,
      );
    }
    const [, second] = await held(id);
    expect(
      value(
        await bed.dispatcher.dispatch('proxy.release', { id, stream: 'upstream', heldId: second.heldId, action: 'forward', data: Buffer.from('2 ') }),
      ),
    ).toEqual({ released: 2 });
    await waitFor(() => received() === 'one 2 ', 'the first two, in order, the second edited');
    expect((await held(id)).map((m) => Buffer.from(m.bytes).toString())).toEqual(['three']);
  });
});
