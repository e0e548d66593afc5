/**
 * With framing set, a held direction holds whole frames, not reads: RESP commands from redis-cli
 * and from a raw client that cuts one command across two writes, in front of redis-server.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connectClient } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { proxiesOf } from './service';
import { createProxy, startRecordingServer, startRedis, useTestbed, value } from './test-support';

const run = promisify(execFile);
const bed = useTestbed();

async function dispatch<T = unknown>(command: string, input: unknown): Promise<T> {
  return value<T>(await bed.dispatcher.dispatch(command, input));
}

function conversationOf(proxyId: string): string | undefined {
  return bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation' && s.parentId === proxyId)?.id;
}

/** As `proxy.held` lists them (read directly, so that waitFor can poll it). */
function heldTexts(id: string): string[] {
  return proxiesOf(bed.engine)
    .conversation(id)
    .held()
    .map((m) => Buffer.from(m.bytes).toString('latin1'));
}

/** A proxy to `upstream` framing RESP (its conversations inherit it), holding client → server. */
async function heldRespProxy(upstream: number): Promise<{ id: string; port: number }> {
  const proxy = await createProxy(bed, upstream);
  await dispatch('framing.set', { id: proxy.id, framing: { mode: 'message', protocol: 'resp' } });
  await dispatch('proxy.hold', { id: proxy.id, stream: 'upstream', hold: true });
  return proxy;
}

const SET = '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n';
const PING = '*1\r\n$4\r\nPING\r\n';

describe('holding whole frames', () => {
  it('holds a RESP command cut across two writes as one message, and the next one whole', async () => {
    const proxy = await heldRespProxy(await startRedis());
    const client = await connectClient(proxy.port);
    await waitFor(() => conversationOf(proxy.id) !== undefined, 'the conversation');
    const id = conversationOf(proxy.id) ?? '';
    await waitFor(() => bed.engine.info(id).framing?.mode === 'message', 'the conversation to inherit the framing');
    // The first write ends mid-command (inside the key), the second ends it and brings another.
    await client.write(Buffer.from(SET.slice(0, 17)));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(heldTexts(id)).toEqual([]);
    await client.write(Buffer.from(SET.slice(17) + PING));
    let texts: string[] = [];
    await waitFor(() => (texts = heldTexts(id)).length === 2, 'two held commands');
    expect(texts).toEqual([SET, PING]);
    expect(bed.engine.info(id).conversation?.held?.upstream).toBe(2);
    await dispatch('proxy.release', { id, stream: 'upstream', action: 'forward' });
    await waitFor(() => client.received().toString() === '+OK\r\n+PONG\r\n', 'redis to answer both');
  });

  it('holds what redis-cli sends as whole commands, and redis-cli gets its answer once forwarded', async () => {
    const proxy = await heldRespProxy(await startRedis());
    const cli = run('redis-cli', ['-h', '127.0.0.1', '-p', String(proxy.port), 'SET', 'greeting', 'hello']);
    await waitFor(() => conversationOf(proxy.id) !== undefined, 'redis-cli to connect');
    const id = conversationOf(proxy.id) ?? '';
    let texts: string[] = [];
    await waitFor(() => (texts = heldTexts(id)).length >= 1, 'the command to be held');
    expect(texts[0]).toBe('*3\r\n$3\r\nSET\r\n$8\r\ngreeting\r\n$5\r\nhello\r\n');
    await dispatch('proxy.hold', { id, stream: 'upstream', hold: false });
    expect((await cli).stdout.trim()).toBe('OK');
  });

  it('lets an unfinished frame go, in its place, when the hold ends', async () => {
    const upstream = await startRecordingServer();
    const proxy = await heldRespProxy(upstream.port);
    const client = await connectClient(proxy.port);
    await waitFor(() => conversationOf(proxy.id) !== undefined, 'the conversation');
    const id = conversationOf(proxy.id) ?? '';
    await waitFor(() => bed.engine.info(id).framing?.mode === 'message', 'the conversation to inherit the framing');
    await client.write(Buffer.from(PING + '*2\r\n$3\r\nGE'));
    await waitFor(() => heldTexts(id).length === 1, 'the whole command to be held');
    await dispatch('proxy.hold', { id, stream: 'upstream', hold: false });
    await waitFor(() => Buffer.concat(upstream.reads).toString() === `${PING}*2\r\n$3\r\nGE`, 'everything to reach the server in order');
  });
});
