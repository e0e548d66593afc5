/**
 * Toxics on live conversations, with redis-cli / redis-server and raw sockets as peers. Timings
 * are asserted as lower bounds only.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Result } from '@shared/contract';
import type { ToxicState } from '@shared/proxy';
import { connectClient } from '../engine/test-support/peers';
import { timerFloor } from '../engine/test-support/timing';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy as createProxyVia, startRecordingServer, startRedis, useTestbed, value } from './test-support';

const run = promisify(execFile);

const bed = useTestbed();

function createProxy(upstreamPort: number): Promise<{ id: string; port: number }> {
  return createProxyVia(bed, upstreamPort);
}

function addToxic(id: string, toxic: Record<string, unknown>): Promise<Result<unknown>> {
  return bed.dispatcher.dispatch('proxy.addToxic', { id, toxic });
}

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await action();
  return { result, ms: performance.now() - start };
}

describe('toxics', () => {
  it('latency downstream: a redis reply takes at least the latency, and the toxic counts its hits', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    const added = value<ToxicState>(await addToxic(proxy.id, { type: 'latency', attributes: { latency: 300 } }));
    expect(added).toMatchObject({ name: 'latency_downstream', stream: 'downstream', toxicity: 1, attributes: { latency: 300, jitter: 0 }, hits: 0 });
    const { result, ms } = await timed(() => run('redis-cli', ['-p', String(proxy.port), 'PING']));
    expect(result.stdout.trim()).toBe('PONG');
    expect(ms).toBeGreaterThanOrEqual(timerFloor(300));
    await waitFor(() => (bed.engine.info(proxy.id).proxy?.toxics[0].hits ?? 0) > 0, 'the hit to show');
    const toxic = bed.engine.info(proxy.id).proxy?.toxics[0];
    expect(toxic?.conversationCount).toBe(1);
    expect(toxic?.conversations).toHaveLength(1);
  });

  it("reset_peer, as Toxiproxy's: the reply is dropped and the client is reset the timeout after it; a quiet client is left alone", async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    value(await addToxic(proxy.id, { type: 'reset_peer', attributes: { timeout: 300 } }));
    const quiet = await connectClient(proxy.port);
    const client = await connectClient(proxy.port);
    const start = performance.now();
    await client.write(Buffer.from('PING\r\n'));
    await waitFor(() => client.closed, 'the client to be reset');
    expect(performance.now() - start).toBeGreaterThanOrEqual(timerFloor(300));
    expect(client.errorCode).toBe('ECONNRESET');
    expect(client.received().toString(), 'the reply, dropped').toBe('');
    expect(quiet.closed, 'a client that sent nothing').toBe(false);
    const failed = await run('redis-cli', ['-p', String(proxy.port), 'PING']).catch((err: { stdout: string; stderr: string }) => err);
    expect(`${failed.stdout}${failed.stderr}`).toMatch(/reset by peer|Server closed the connection/i);
    expect(failed.stdout).not.toContain('PONG');
  });

  it('limit_data: exactly N bytes reach the client, then the connection closes', async () => {
    const upstream = await startRecordingServer((socket) => socket.write(Buffer.alloc(1000, 0x61)));
    const proxy = await createProxy(upstream.port);
    value(await addToxic(proxy.id, { type: 'limit_data', attributes: { bytes: 37 } }));
    const client = await connectClient(proxy.port);
    await waitFor(() => client.closed, 'the connection to close');
    expect(client.received()).toEqual(Buffer.alloc(37, 0x61));
    expect(client.errorCode).toBeUndefined();
  });

  it("limit_data counts across an edit, as Toxiproxy's state does: raised from 10 to 14 after 6 bytes, 8 more pass", async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(upstream.port);
    value(await addToxic(proxy.id, { name: 'cap', type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } }));
    const client = await connectClient(proxy.port);
    await client.write(Buffer.from('123456'));
    await waitFor(() => Buffer.concat(upstream.reads).toString() === '123456', 'the first 6 bytes at the server');
    value(await bed.dispatcher.dispatch('proxy.updateToxic', { id: proxy.id, name: 'cap', patch: { attributes: { bytes: 14 } } }));
    await client.write(Buffer.from('abcdefghijkl'));
    await waitFor(() => client.closed, 'the connection to close at the limit');
    expect(Buffer.concat(upstream.reads).toString()).toBe('123456abcdefgh');
  });

  it('slicer upstream: the server receives separate reads of the slice size', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(upstream.port);
    value(await addToxic(proxy.id, { type: 'slicer', stream: 'upstream', attributes: { average_size: 10, size_variation: 0, delay: 30_000 } }));
    const client = await connectClient(proxy.port);
    await client.write(Buffer.from('0123456789'.repeat(6)));
    await waitFor(() => Buffer.concat(upstream.reads).byteLength === 60, 'all bytes to arrive');
    expect(upstream.reads.length).toBeGreaterThanOrEqual(6);
    expect(upstream.reads.every((read) => read.byteLength === 10)).toBe(true);
  });

  it('slicer with a delay under a millisecond (in µs, as Toxiproxy) is paced by it, not by whole-millisecond timers', async () => {
    const size = 20_000;
    const upstream = await startRecordingServer((socket) => socket.end(Buffer.alloc(size, 0x63)));
    const proxy = await createProxy(upstream.port);
    // 2,000 pieces 100 µs apart: 0.2 s at Toxiproxy's pace, over 2 s at a timer's 1 ms a piece.
    value(await addToxic(proxy.id, { type: 'slicer', attributes: { average_size: 10, size_variation: 0, delay: 100 } }));
    const { ms } = await timed(async () => {
      const client = await connectClient(proxy.port);
      await waitFor(() => client.ended, 'all of it');
      expect(client.received()).toEqual(Buffer.alloc(size, 0x63));
    });
    expect(ms).toBeGreaterThanOrEqual(timerFloor(200));
    expect(ms).toBeLessThan(1200);
  });

  it("timeout 0, as Toxiproxy's: what comes is dropped, the connection stays open, and removing the toxic closes it", async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(upstream.port);
    value(await addToxic(proxy.id, { name: 'stall', type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }));
    const client = await connectClient(proxy.port);
    await client.write(Buffer.from('PING\r\nPING\r\n'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.closed).toBe(false);
    value(await bed.dispatcher.dispatch('proxy.removeToxic', { id: proxy.id, name: 'stall' }));
    await waitFor(() => client.closed, 'the connection to close with the toxic');
    // Dropped, not held: the server never saw what was sent under the toxic.
    expect(upstream.reads).toHaveLength(0);
    expect(client.received().byteLength).toBe(0);
  });

  it("timeout > 0 counts from the last data it dropped, as Toxiproxy's, and a FIN under it closes at once", async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    value(await addToxic(proxy.id, { name: 'idle', type: 'timeout', stream: 'upstream', attributes: { timeout: 400 } }));
    const client = await connectClient(proxy.port);
    // Data every 100 ms for 800 ms: a timer counted from the start would have closed at 400 ms.
    for (let i = 0; i < 8; i++) {
      await client.write(Buffer.from('PING\r\n'));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(client.closed).toBe(false);
    await waitFor(() => client.closed, 'the connection to close once data stops');
    expect(client.received().byteLength).toBe(0);

    const second = await connectClient(proxy.port);
    second.socket.end();
    await waitFor(() => second.closed, 'the FIN to close the connection');
  });

  it('bandwidth: 5 KB at 10 KB/s takes at least 400 ms', async () => {
    const upstream = await startRecordingServer((socket) => socket.end(Buffer.alloc(5000, 0x62)));
    const proxy = await createProxy(upstream.port);
    value(await addToxic(proxy.id, { type: 'bandwidth', attributes: { rate: 10 } }));
    const { ms } = await timed(async () => {
      const client = await connectClient(proxy.port);
      await waitFor(() => client.ended, 'all of it');
      expect(client.received()).toEqual(Buffer.alloc(5000, 0x62));
    });
    expect(ms).toBeGreaterThanOrEqual(timerFloor(400));
  });

  it('slow_close: the server FIN reaches the client at least the delay later, after the data', async () => {
    // Timed from the server's end(): the proxy's delay cannot start before that FIN is sent. Timed
    // from the moment this test saw the data, a busy machine could see it most of the delay late.
    let finSent = Number.POSITIVE_INFINITY;
    const upstream = await startRecordingServer((socket) => {
      finSent = performance.now();
      socket.end('bye');
    });
    const proxy = await createProxy(upstream.port);
    value(await addToxic(proxy.id, { type: 'slow_close', attributes: { delay: 300 } }));
    const client = await connectClient(proxy.port);
    await waitFor(() => client.ended, 'the FIN');
    expect(client.received().toString(), 'the data, before the FIN').toBe('bye');
    expect(performance.now() - finSent).toBeGreaterThanOrEqual(timerFloor(300));
  });

  it('timeout > 0 closes the conversation after that long', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    value(await addToxic(proxy.id, { type: 'timeout', attributes: { timeout: 100 } }));
    const client = await connectClient(proxy.port);
    await waitFor(() => client.closed, 'the connection to close');
    expect(client.received().byteLength).toBe(0);
  });

  it('applies to conversations already open, and edits take effect live', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    const client = await connectClient(proxy.port);
    await client.write(Buffer.from('PING\r\n'));
    await waitFor(() => client.received().byteLength === 7, 'first reply');
    value(await addToxic(proxy.id, { name: 'slow', type: 'latency', attributes: { latency: 5000 } }));
    value(await bed.dispatcher.dispatch('proxy.updateToxic', { id: proxy.id, name: 'slow', patch: { attributes: { latency: 250 } } }));
    const { ms } = await timed(async () => {
      await client.write(Buffer.from('PING\r\n'));
      await waitFor(() => client.received().byteLength === 14, 'second reply');
    });
    expect(ms).toBeGreaterThanOrEqual(timerFloor(250));
  });

  it('toxicity 0 and a client filter that does not match leave conversations alone', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    value(await addToxic(proxy.id, { name: 'never', type: 'timeout', toxicity: 0 }));
    value(await addToxic(proxy.id, { name: 'others', type: 'timeout', clients: { address: '10.9.8.7' } }));
    const { stdout } = await run('redis-cli', ['-p', String(proxy.port), 'PING']);
    expect(stdout.trim()).toBe('PONG');
    expect(bed.engine.info(proxy.id).proxy?.toxics.map((t) => t.hits)).toEqual([0, 0]);
  });

  it('refuses an unknown type, bad attributes and a duplicate name with clear messages', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(redis);
    const unknown = await addToxic(proxy.id, { type: 'gremlin' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error).toEqual({ code: 'INVALID_INPUT', message: 'toxic.type: invalid toxic type' });
    const negative = await addToxic(proxy.id, { type: 'latency', attributes: { latency: -5 } });
    expect(negative).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'bad request body: latency: latency cannot be negative' } });
    value(await addToxic(proxy.id, { type: 'latency' }));
    const twice = await addToxic(proxy.id, { type: 'latency' });
    expect(twice).toEqual({ ok: false, error: { code: 'EXISTS', message: 'toxic already exists: latency_downstream' } });
  });
});
