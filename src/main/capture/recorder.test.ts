/**
 * Recordings over real sockets: starting one over a large backlog keeps the event loop turning
 * and the file whole; a long recording forgets the sockets that went; a tap that throws fails
 * its recording, never the socket.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectClient } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { tsharkFields } from '../export/test-support/tshark';
import { Recording } from './recorder';
import { coreEachTest } from '../test-support/core';
import { scratchDirEachTest } from '../test-support/scratch';

const current = coreEachTest();
const files = scratchDirEachTest();

/**
 * The most CPU time this process used between two runs of a 5 ms timer while `work` ran: the
 * longest turn, as work done without yielding. Not wall time: a busy machine that pauses the
 * process stretches the gap between two ticks however short the turns are.
 */
async function longestTurn(work: () => Promise<void>): Promise<number> {
  let last = process.cpuUsage();
  let longest = 0;
  const tick = (): void => {
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    longest = Math.max(longest, (used.user + used.system) / 1000);
  };
  const timer = setInterval(tick, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  tick();
  return longest;
}

describe('starting a recording over a large backlog', () => {
  it('keeps the event loop turning, and the file holds the whole backlog and what came after', async () => {
    const listener = await current.core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    // Three connections, each with a log nearly full (64 MiB): seconds of encoding in one turn.
    const clients = await Promise.all([1, 2, 3].map(() => connectClient(listener.local?.port ?? 0)));
    const each = 60 * 1024 * 1024;
    const backlog = clients.length * each;
    const block = randomBytes(1024 * 1024);
    await Promise.all(
      clients.map(async (client) => {
        for (let sent = 0; sent < each; sent += block.byteLength) await client.write(block);
      }),
    );
    const received = (): number =>
      current.core.engine.snapshot().sockets.reduce((total, s) => total + (s.parentId === listener.id ? s.bytesIn : 0), 0);
    const arrived = (n: number) => () => received() === n;
    await waitFor(arrived(backlog), 'the backlog to arrive', 60_000);
    const path = files.path('backlog.pcapng');
    let recording: Recording | undefined;
    const turn = await longestTurn(async () => {
      recording = await Recording.start(current.core.engine, { path, format: 'pcapng' });
    });
    await clients[0].write(Buffer.from('after'));
    await waitFor(arrived(backlog + 5), 'the last bytes');
    const status = await (recording as Recording).stop();
    // Encoding 180 MiB in one turn takes seconds of CPU here; a page at a time, a turn stays well under this.
    expect(turn, 'CPU ms of the longest turn').toBeLessThan(500);
    expect(status.lostBytes + status.missingBytes).toBe(0);
    const rows = await tsharkFields(path, ['tcp.len', 'tcp.analysis.lost_segment'], 'tcp.len > 0');
    expect(rows.reduce((total, row) => total + Number(row[0]), 0)).toBe(backlog + 5);
    expect(rows.filter((row) => row[1] !== '')).toHaveLength(0);
  }, 120_000);
});

describe('a long recording', () => {
  it('forgets the sockets that were removed: 5,000 created and removed leave nothing behind', async () => {
    const recording = await Recording.start(current.core.engine, { path: files.path('many.pcapng'), format: 'pcapng' });
    for (let i = 0; i < 5000; i++) {
      const socket = await current.core.engine.bindUdp({ host: '127.0.0.1', port: 0 });
      await current.core.engine.remove(socket.id);
    }
    const status = await recording.stop();
    expect(status.state).toBe('stopped');
    expect(recording.trackedSockets).toBe(0);
  }, 120_000);
});

describe('a tap that throws', () => {
  it('does not break the socket that logged the entry, nor the recordings', async () => {
    const listener = await current.core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const recording = await Recording.start(current.core.engine, { path: files.path('kept.jsonl'), format: 'jsonl' });
    const untap = current.core.engine.tap(() => {
      throw new Error('broken tap');
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const client = await connectClient(listener.local?.port ?? 0);
      await client.write(Buffer.from('one'));
      await client.write(Buffer.from('two'));
      await waitFor(() => current.core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === 6), 'both writes to arrive');
    } finally {
      console.error = original;
      untap();
    }
    expect(errors).toHaveLength(1);
    const status = await recording.stop();
    expect(status.state).toBe('stopped');
    expect(status.records).toBeGreaterThan(0);
  });
});
