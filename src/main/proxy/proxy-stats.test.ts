/**
 * A proxy's toxic hit counts and a conversation's held counts tick with traffic: they go out as
 * `socket.stats` (small, no settings), never as whole `socket.upsert`s, and a receiver that merges
 * them (withStats, as the renderer and the batcher do) sees the same counts as the engine.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, SocketInfo } from '@shared/contract';
import { withStats } from '@shared/socket-stats';
import { connectClient } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy, startRecordingServer, startRedis, useTestbed, value } from './test-support';

const run = promisify(execFile);
const bed = useTestbed();
let stopListening: (() => void) | undefined;

afterEach(() => stopListening?.());

/** Every event from now on, and each socket as a receiver applying them would have it. */
function watch(): { events: EngineEvent[]; seen: Map<string, SocketInfo> } {
  const events: EngineEvent[] = [];
  const seen = new Map<string, SocketInfo>(bed.engine.snapshot().sockets.map((s) => [s.id, s]));
  stopListening = bed.engine.subscribe((event) => {
    events.push(event);
    if (event.type === 'socket.upsert') seen.set(event.socket.id, event.socket);
    if (event.type === 'socket.stats') {
      const before = seen.get(event.stats.id);
      if (before) seen.set(event.stats.id, withStats(before, event.stats));
    }
  });
  return { events, seen };
}

const upsertsOf = (events: EngineEvent[], id: string): number => events.filter((e) => e.type === 'socket.upsert' && e.socket.id === id).length;

describe('proxy counters on the event stream', () => {
  it('sends toxic hit counts as socket.stats while redis-cli talks through the proxy', async () => {
    const proxy = await createProxy(bed, await startRedis(), { toxics: [{ type: 'latency', stream: 'downstream', attributes: { latency: 1 } }] });
    const { events, seen } = watch();
    for (let i = 0; i < 3; i++) expect((await run('redis-cli', ['-h', '127.0.0.1', '-p', String(proxy.port), 'PING'])).stdout.trim()).toBe('PONG');
    const engineHits = (): number => bed.engine.info(proxy.id).proxy?.toxics[0].hits ?? 0;
    await waitFor(() => engineHits() >= 3 && seen.get(proxy.id)?.proxy?.toxics[0].hits === engineHits(), 'the stats to carry every hit');
    const stats = events.filter((e) => e.type === 'socket.stats' && e.stats.id === proxy.id);
    expect(stats.length).toBeGreaterThan(0);
    expect(stats.at(-1)).toMatchObject({ stats: { toxicHits: { latency_downstream: { hits: engineHits(), conversationCount: 3 } } } });
    // The proxy's settings were not sent again for any of it (its "accepted" notices are log heads).
    expect(upsertsOf(events, proxy.id)).toBe(0);
    expect(seen.get(proxy.id)?.proxy?.toxics[0]).toMatchObject({ name: 'latency_downstream', attributes: { latency: 1 }, conversationCount: 3 });
  });

  it('sends held counts as socket.stats as messages are held, one per read', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    value(await bed.dispatcher.dispatch('proxy.hold', { id: proxy.id, stream: 'upstream', hold: true }));
    const client = await connectClient(proxy.port);
    let id = '';
    await waitFor(() => {
      const found = bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation');
      id = found?.id ?? '';
      return found?.state === 'open' && found.conversation?.holding?.upstream === true;
    }, 'the conversation to open, holding');
    const { events, seen } = watch();
    for (let i = 1; i <= 3; i++) {
      await client.write(Buffer.from(`message ${i}\n`));
      await waitFor(() => seen.get(id)?.conversation?.held?.upstream === i, `${i} held`);
    }
    expect(upsertsOf(events, id)).toBe(0);
    expect(events.filter((e) => e.type === 'socket.stats' && e.stats.id === id && e.stats.held?.upstream === 3).length).toBeGreaterThan(0);
    expect(seen.get(id)?.conversation).toMatchObject({ holding: { upstream: true }, held: { upstream: 3, downstream: 0 } });
    expect(upstream.reads).toHaveLength(0);
  });
});
