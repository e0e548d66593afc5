import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, EventBatch, SocketInfo } from '@shared/contract';
import { encodeWire } from '@shared/wire';
import { createCore, type Core } from './core';
import { stopPeers } from './engine/test-support/peers';
import { floodUdp } from './engine/test-support/udp-flood';
import { waitFor } from './engine/test-support/wait-for';
import { dispatchOk } from './test-support/core';

let core: Core | undefined;

afterEach(async () => {
  await core?.dispose();
  core = undefined;
  await stopPeers();
});

const run = dispatchOk;

/** Every batch the batcher sends from now on, as one front end would receive them. */
function recordBatches(c: Core): { batches: EventBatch[]; events(): EngineEvent[]; wireBytes(): number } {
  const batches: EventBatch[] = [];
  c.batcher.subscribe((batch) => batches.push(batch));
  return {
    batches,
    events: () => batches.flatMap((batch) => batch.events),
    wireBytes: () => batches.reduce((sum, batch) => sum + Buffer.byteLength(encodeWire({ type: 'events', batch })), 0),
  };
}

describe('counters and settings travel apart', () => {
  it('a flood into a socket with auto-reply rules sends counters only; a settings change sends the socket', async () => {
    core = createCore();
    const udp = await run<SocketInfo>(core, 'udp.bind', { host: '127.0.0.1', port: 0 });
    await run(core, 'autoReply.set', {
      id: udp.id,
      rules: [{ id: 'r1', match: 'exact', pattern: 'PING', reply: 'SETTINGS-ONLY-MARKER' }],
    });
    core.batcher.flush();
    const seen = recordBatches(core);
    const count = 2000;
    await floodUdp(udp.local?.port ?? 0, count, 'PING');
    const engine = core.engine;
    const accounted = (): number => engine.info(udp.id).messagesIn + (engine.info(udp.id).kernelDrops ?? 0);
    await waitFor(() => accounted() === count, `${count} datagrams accounted for`, 10_000);
    // The last hit counts go out on the turn after the last datagram.
    await new Promise((resolve) => setImmediate(resolve));
    core.batcher.flush();

    const events = seen.events();
    const stats = events.flatMap((e) => (e.type === 'socket.stats' && e.stats.id === udp.id ? [e.stats] : []));
    expect(stats.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'socket.upsert' && e.socket.id === udp.id)).toEqual([]);
    // The rules are not sent again with the counters, only their hit counts.
    expect(JSON.stringify(seen.batches)).not.toContain('SETTINGS-ONLY-MARKER');
    const { messagesIn } = engine.info(udp.id);
    expect(stats.at(-1)).toMatchObject({ messagesIn, autoReplyHits: { echo: 0, rules: { r1: messagesIn } } });
    expect(engine.info(udp.id).autoReply?.rules[0].hits).toBe(messagesIn);

    await run(core, 'framing.set', { id: udp.id, framing: { mode: 'delimiter', delimiter: [10] } });
    core.batcher.flush();
    const upsert = seen.events().find((e) => e.type === 'socket.upsert' && e.socket.id === udp.id);
    expect(upsert).toMatchObject({ socket: { framing: { mode: 'delimiter' }, messagesIn, autoReply: { rules: [{ id: 'r1', hits: messagesIn }] } } });
  });
});
