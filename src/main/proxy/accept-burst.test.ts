/**
 * A proxy taking a burst of clients that came while it was busy: each is taken off the kernel's
 * queue as it comes and made a conversation after, as a plain listener's connections are.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { firstShownAt, startBurst } from '../engine/test-support/burst';
import { logEvents, loggedBytes } from '../engine/test-support/engine-log';
import { startEchoServer } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { createProxy, useTestbed } from './test-support';

const bed = useTestbed();

function conversationsOf(proxyId: string): SocketInfo[] {
  return bed.engine.snapshot().sockets.filter((s) => s.kind === 'proxy-conversation' && s.parentId === proxyId);
}

/** The times of the proxy's "Accepted … as …" lines. */
function acceptedTimes(proxyId: string): number[] {
  return logEvents(bed.engine, proxyId).flatMap((e) => (e.event === 'accepted' ? [e.time] : []));
}

describe('a proxy taking a burst that came while it was busy', () => {
  it('takes all of it off the kernel’s queue before it makes the first conversation, then relays every one end to end', async () => {
    const count = 100;
    const echo = await startEchoServer();
    const proxy = await createProxy(bed, echo.port);
    const firstMade = firstShownAt(bed.engine, 'proxy-conversation');
    const burst = await startBurst(proxy.port, count, { use: 'echo' });
    burst.arriveWhileBusy();
    // Each client's line went to the echo server through its conversation and came back.
    await burst.served();
    const conversations = conversationsOf(proxy.id);
    expect(conversations).toHaveLength(count);
    const made = firstMade() ?? -Infinity;
    expect(conversations.filter((c) => c.createdAt <= made).length).toBeGreaterThanOrEqual(count / 2);
    await waitFor(() => conversationsOf(proxy.id).every((c) => c.bytesIn > 0), 'every echo logged');
    const lines = conversations.map((c) => loggedBytes(bed.engine, c.id, 'out').toString());
    expect(new Set(lines).size).toBe(count);
    for (const conversation of conversations) {
      expect(loggedBytes(bed.engine, conversation.id, 'in').toString()).toBe(loggedBytes(bed.engine, conversation.id, 'out').toString());
    }
    // Each conversation dates from when its client was accepted, and so does the proxy's line about it.
    expect(acceptedTimes(proxy.id).sort((a, b) => a - b)).toEqual(conversations.map((c) => c.createdAt).sort((a, b) => a - b));
    burst.end();
  });

  it('stopped in a burst, makes the clients it accepted and had not yet made, and ends them with the rest', async () => {
    const echo = await startEchoServer();
    const proxy = await createProxy(bed, echo.port);
    const burst = await startBurst(proxy.port, 50, { use: 'watch' });
    burst.arriveWhileBusy();
    // A few loop turns: one accepted in each, none made while the kernel has more to hand over.
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(conversationsOf(proxy.id)).toEqual([]);
    const stoppedAt = Date.now();
    await bed.engine.close(proxy.id);
    const conversations = conversationsOf(proxy.id);
    expect(conversations.length).toBeGreaterThanOrEqual(5);
    for (const conversation of conversations) expect(conversation.createdAt).toBeLessThanOrEqual(stoppedAt + 1);
    expect(acceptedTimes(proxy.id).sort((a, b) => a - b)).toEqual(conversations.map((c) => c.createdAt).sort((a, b) => a - b));
    await waitFor(() => conversationsOf(proxy.id).every((c) => c.state === 'closed'), 'every conversation closed');
    // Those it had made, and those the kernel still held when it stopped listening.
    await burst.served();
    burst.end();
  });

  it('closes the clients it accepted and had not yet made, unseen, when the engine goes away', async () => {
    const echo = await startEchoServer();
    const proxy = await createProxy(bed, echo.port);
    const firstMade = firstShownAt(bed.engine, 'proxy-conversation');
    const burst = await startBurst(proxy.port, 50, { use: 'watch' });
    burst.arriveWhileBusy();
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(bed.engine.snapshot().sockets.filter((s) => s.parentId === proxy.id)).toEqual([]);
    await bed.engine.dispose();
    // Every client sees its connection closed: none is left open by a connection taken and dropped.
    await burst.served();
    expect(firstMade()).toBeUndefined();
    burst.end();
  });
});
