/** The Toxiproxy API switched on and off through the contract, read with curl. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch, Output } from '@shared/contract';
import { type Core, createCore } from '../core';
import { freePort } from '../engine/test-support/peers';
import { toxiproxyApiOf } from './api-service';

const run = promisify(execFile);
const cores: Core[] = [];

afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.dispose()));
});

async function dispatch<T = unknown>(core: Core, command: string, input: unknown): Promise<T> {
  const result = await core.dispatcher.dispatch(command, input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}

const curl = (url: string): Promise<string> => run('curl', ['-sS', '--max-time', '5', url]).then(({ stdout }) => stdout);

describe('the Toxiproxy API switch', () => {
  it('serves the API when on (proxies made in the app show through it), and stops when off or when the core goes', async () => {
    const core = createCore();
    cores.push(core);
    expect(await dispatch(core, 'toxiproxyApi.status', {})).toEqual({ address: { host: '127.0.0.1', port: 8474 } });
    const port = await freePort();
    const on = await dispatch<Output<'toxiproxyApi.set'>>(core, 'toxiproxyApi.set', { enabled: true, port });
    expect(on.serving).toEqual({ host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` });
    await dispatch(core, 'proxy.create', { name: 'redis', host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort: 6379 });
    expect(Object.keys(JSON.parse(await curl(`${on.serving?.url}/proxies`)))).toEqual(['redis']);
    // On again at the same place: nothing changes.
    expect(await dispatch(core, 'toxiproxyApi.set', { enabled: true, port })).toEqual(on);
    const off = await dispatch<Output<'toxiproxyApi.set'>>(core, 'toxiproxyApi.set', { enabled: false });
    expect(off.serving).toBeUndefined();
    await expect(curl(`http://127.0.0.1:${port}/version`)).rejects.toThrow(/refused|Failed to connect/i);
    await dispatch(core, 'toxiproxyApi.set', { enabled: true, port });
    expect(JSON.parse(await curl(`http://127.0.0.1:${port}/version`))).toEqual({ version: '2.12.0' });
    cores.splice(0);
    await core.dispose();
    await expect(curl(`http://127.0.0.1:${port}/version`)).rejects.toThrow(/refused|Failed to connect/i);
  });

  it('says why when the port is taken, and keeps saying it in the status', async () => {
    const core = createCore();
    cores.push(core);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await core.dispatcher.dispatch('toxiproxyApi.set', { enabled: true, port });
      const message = `127.0.0.1:${port} is already in use: is Toxiproxy (or another Sockscope) running?`;
      expect(result).toMatchObject({ ok: false, error: { message } });
      expect(await dispatch(core, 'toxiproxyApi.status', {})).toEqual({ address: { host: '127.0.0.1', port }, error: message });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('tells every window of each change in an event: on, failed to start, off', async () => {
    const core = createCore();
    cores.push(core);
    const statuses: unknown[] = [];
    core.batcher.subscribe((batch: EventBatch) => {
      for (const event of batch.events) if (event.type === 'toxiproxyApi.status') statuses.push(event.status);
    });
    // Each change in a batch of its own: the batcher keeps only the latest status.
    const set = async (input: unknown): Promise<void> => {
      await core.dispatcher.dispatch('toxiproxyApi.set', input);
      core.batcher.flush();
    };
    const port = await freePort();
    await set({ enabled: true, port });
    // On again where it serves changes nothing, and says nothing.
    await set({ enabled: true, port });
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await set({ enabled: true, port: taken });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    await set({ enabled: false });
    const message = `127.0.0.1:${taken} is already in use: is Toxiproxy (or another Sockscope) running?`;
    expect(statuses).toEqual([
      { serving: { host: '127.0.0.1', port, url: `http://127.0.0.1:${port}` }, address: { host: '127.0.0.1', port } },
      { address: { host: '127.0.0.1', port: taken }, error: message },
      { address: { host: '127.0.0.1', port: taken } },
    ]);
  });

  it('says the last settled status while a change runs: a retry on a port still taken never reads as off', async () => {
    const core = createCore();
    cores.push(core);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await core.dispatcher.dispatch('toxiproxyApi.set', { enabled: true, port: taken });
      const failed = await dispatch(core, 'toxiproxyApi.status', {});
      expect(failed).toMatchObject({ error: expect.stringContaining('already in use') });
      const service = toxiproxyApiOf(core.engine);
      let done = false;
      const retry = service.set({ enabled: true, host: '127.0.0.1', port: taken }).then(
        () => (done = true),
        () => (done = true),
      );
      // What a window asking at any moment of the retry is told (every microtask, and every turn).
      const seen = new Set<string>();
      for (let step = 1; !done; step++) {
        seen.add(JSON.stringify(service.status()));
        await (step % 100 === 0 ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve());
      }
      await retry;
      expect([...seen].map((status) => JSON.parse(status))).toEqual([failed]);
      expect(service.status()).toEqual(failed);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
