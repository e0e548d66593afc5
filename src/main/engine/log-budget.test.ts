import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogHead } from '@shared/contract';
import { createDispatcher } from '../dispatch';
import { Engine } from './engine';
import { DEFAULT_LOG_BUDGET_BYTES, logBudget } from './log-budget';
import { allEntries, logEvents } from './test-support/engine-log';
import { connectClient, stopPeers, type TestClient } from './test-support/peers';
import { waitFor } from './test-support/wait-for';

const MiB = 1024 * 1024;
let engine: Engine;

beforeEach(() => logBudget.setLimit(16 * MiB));

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
  logBudget.setLimit(DEFAULT_LOG_BUDGET_BYTES);
});

async function listen(options = {}) {
  engine = new Engine(options);
  const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
  return { id: listener.id, port: listener.local?.port ?? 0 };
}

/** The connection the listener accepted from `client`. */
async function acceptedFrom(client: TestClient): Promise<string> {
  let id: string | undefined;
  await waitFor(() => {
    id = engine.snapshot().sockets.find((s) => s.kind === 'tcp-connection' && s.remote?.port === client.localPort)?.id;
    return id !== undefined;
  }, 'the accepted connection');
  return id ?? '';
}

/** Writes `total` bytes in 64 KiB pieces, each waited for, and waits until the engine has logged them all. */
async function flood(client: TestClient, id: string, total: number): Promise<void> {
  const piece = Buffer.alloc(64 * 1024, 0x61);
  const before = engine.info(id).bytesIn;
  for (let sent = 0; sent < total; sent += piece.byteLength) await client.write(piece);
  await waitFor(() => engine.info(id).bytesIn === before + total, 'all bytes logged', 20_000);
}

function head(id: string): LogHead {
  const found = engine.snapshot().logs.find((log) => log.id === id);
  if (!found) throw new Error(`no log ${id}`);
  return found;
}

/** dropped + held = every entry the log was ever given; the budget's share is within what was dropped. */
function expectExactCounts(id: string): void {
  const { firstSeq, nextSeq, dropped, budgetDropped = 0 } = head(id);
  expect(dropped + (nextSeq - firstSeq)).toBe(nextSeq);
  expect(allEntries(engine, id)).toHaveLength(nextSeq - firstSeq);
  expect(budgetDropped).toBeLessThanOrEqual(dropped);
}

describe('one memory budget for all logs', () => {
  it("takes from a closed connection's log first, and says so in it", async () => {
    const listener = await listen();
    const first = await connectClient(listener.port);
    const firstId = await acceptedFrom(first);
    await flood(first, firstId, 10 * MiB);
    first.socket.end();
    await waitFor(() => engine.info(firstId).state === 'closed', 'the first connection to close');

    const second = await connectClient(listener.port);
    const secondId = await acceptedFrom(second);
    await flood(second, secondId, 10 * MiB);

    // The open connection keeps everything; the closed one gave back its oldest payloads, as much as was needed.
    expect(head(secondId)).toMatchObject({ dropped: 0, bytes: 10 * MiB });
    expect(head(firstId).bytes).toBeLessThanOrEqual(6 * MiB);
    expect(head(firstId).bytes).toBeGreaterThan(2 * MiB);
    expect(head(firstId).budgetDropped).toBeGreaterThan(0);
    expect(logBudget.status().usedBytes).toBeLessThanOrEqual(16 * MiB);
    // Said in the log at most once a second, with the running total: the last one says them all.
    const lastNotice = (): string | undefined =>
      logEvents(engine, firstId)
        .filter((e) => e.message.includes('memory budget'))
        .at(-1)?.message;
    await waitFor(
      () => lastNotice()?.startsWith(`${head(firstId).budgetDropped?.toLocaleString('en-US')} entries`) === true,
      'the budget notice in the closed log',
    );
    expect(lastNotice()).toMatch(/^[\d,]+ entries dropped to stay within the memory budget for all logs \(16 MiB\)$/);
    expectExactCounts(firstId);
    expectExactCounts(secondId);
  });

  it('then takes the oldest entries of any log, and every count stays exact', async () => {
    const listener = await listen();
    const clients = [await connectClient(listener.port), await connectClient(listener.port)];
    const ids = [await acceptedFrom(clients[0]), await acceptedFrom(clients[1])];
    // 4 MiB each in turn, 32 MiB in all, twice the budget.
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 2; i++) await flood(clients[i], ids[i], 4 * MiB);
    }
    const heads = ids.map(head);
    const held = heads.reduce((sum, h) => sum + h.bytes, 0);
    expect(held).toBeLessThanOrEqual(16 * MiB);
    expect(held).toBeGreaterThan(8 * MiB);
    expect(logBudget.status().usedBytes).toBeLessThanOrEqual(16 * MiB);
    for (const id of ids) {
      expectExactCounts(id);
      expect(head(id).budgetDropped).toBeGreaterThan(0);
      // What is held is the newest: the last 4 MiB sent on each connection are all there.
      expect(head(id).bytes).toBeGreaterThanOrEqual(4 * MiB);
    }
  });

  it('forgets the oldest closed connections past the cap, and the listener counts them', async () => {
    const listener = await listen({ maxClosedConnections: 3 });
    for (let i = 0; i < 10; i++) {
      const client = await connectClient(listener.port);
      const id = await acceptedFrom(client);
      await client.write(Buffer.from(`hello ${i}`));
      client.socket.end();
      await waitFor(() => engine.info(id).state === 'closed', 'the connection to close');
    }
    const connections = engine.snapshot().sockets.filter((s) => s.kind === 'tcp-connection');
    expect(connections).toHaveLength(3);
    await waitFor(
      () => logEvents(engine, listener.id).some((e) => e.message.startsWith('7 closed connections forgotten')),
      'the count on the listener',
    );
  });

  it('is read and set through the contract; a budget too small is refused with the reason', async () => {
    engine = new Engine();
    const dispatcher = createDispatcher(engine, () => 0);
    await expect(dispatcher.dispatch('logBudget.set', { limitBytes: 1024 })).resolves.toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'limitBytes: The memory budget is at least 16 MiB' },
    });
    await expect(dispatcher.dispatch('logBudget.set', { limitBytes: 64 * MiB })).resolves.toMatchObject({
      ok: true,
      value: { limitBytes: 64 * MiB },
    });
    await expect(dispatcher.dispatch('logBudget.get', {})).resolves.toMatchObject({
      ok: true,
      value: { limitBytes: 64 * MiB, droppedEntries: expect.any(Number) },
    });
  });
});
