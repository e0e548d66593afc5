/**
 * The accept queue's turns: connections are made in turns that took none from the kernel, in the
 * order they came, and a flood that never lets up still has them made.
 */
import { Server, type AddressInfo, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AcceptQueue, MAKE_PER_TURN, MAX_WAITING, MAX_WAIT_MS } from './accept-queue';
import { now } from './log';
import { acceptIntoShared } from './read-buffer';
import { startBurst } from './test-support/burst';
import { stopPeers } from './test-support/peers';
import { waitFor } from './test-support/wait-for';

const cleanup: (() => void)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0)) done();
  await stopPeers();
});

function queue(): { waiting: AcceptQueue<number>; made: { item: number; acceptedAt: number; at: number }[]; closed: number[] } {
  const made: { item: number; acceptedAt: number; at: number }[] = [];
  const closed: number[] = [];
  const waiting = new AcceptQueue<number>(
    (item, acceptedAt) => made.push({ item, acceptedAt, at: now() }),
    (item) => closed.push(item),
  );
  return { waiting, made, closed };
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextTurn();
}

describe('the accept queue', () => {
  it('makes a lone connection in the next turn', async () => {
    const { waiting, made } = queue();
    const before = now();
    waiting.push(1);
    await turns(3);
    expect(made.map((m) => m.item)).toEqual([1]);
    expect(made[0].acceptedAt).toBeGreaterThanOrEqual(before);
    expect(waiting.waiting).toBe(0);
  });

  it('makes none while connections keep coming each turn, then all of them, in the order they came', async () => {
    const { waiting, made } = queue();
    const started = now();
    let pushed = 0;
    // One a turn, as libuv hands them over in a burst, for less than the longest wait.
    while (now() - started < MAX_WAIT_MS / 4) {
      waiting.push(pushed++);
      await nextTurn();
    }
    expect(pushed).toBeGreaterThan(1);
    expect(made).toEqual([]);
    expect(waiting.waiting).toBe(pushed);
    await turns(Math.ceil(pushed / MAKE_PER_TURN) + 2);
    expect(made.map((m) => m.item)).toEqual(Array.from({ length: pushed }, (_, i) => i));
    const times = made.map((m) => m.acceptedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('still makes connections in a flood that never lets up, once the oldest has waited its longest', async () => {
    const { waiting, made } = queue();
    let pushed = 0;
    for (let i = 0; i < 100_000 && made.length === 0; i++) {
      waiting.push(pushed++);
      // Each turn lasts a while, as a real one that accepts does: on a fast machine 4,096 bare
      // turns fit in 20 ms, and the count rule (tested below) would make them first.
      const until = now() + 0.01;
      while (now() < until);
      await nextTurn();
    }
    expect(made.length).toBeGreaterThan(0);
    expect(pushed).toBeLessThan(MAX_WAITING);
    expect(made[0].item).toBe(0);
    expect(made[0].at - made[0].acceptedAt).toBeGreaterThanOrEqual(MAX_WAIT_MS);
    // Then back to accepting: the next turn that takes one makes none, though many still wait.
    const madeSoFar = made.length;
    waiting.push(pushed);
    await nextTurn();
    expect(made).toHaveLength(madeSoFar);
    expect(waiting.waiting).toBeGreaterThan(0);
    waiting.discard();
  });

  it('makes a few at a time, a turn of the loop between them (reading what those few had queued)', async () => {
    const { waiting, made } = queue();
    for (let i = 0; i < 3 * MAKE_PER_TURN; i++) waiting.push(i);
    // The turn that took them; then one batch a turn.
    await turns(2);
    expect(made).toHaveLength(MAKE_PER_TURN);
    await nextTurn();
    expect(made).toHaveLength(2 * MAKE_PER_TURN);
    await nextTurn();
    expect(made.map((m) => m.item)).toEqual(Array.from({ length: 3 * MAKE_PER_TURN }, (_, i) => i));
  });

  it('makes some in every turn once as many wait as the kernel would hold, though more keep coming', async () => {
    const { waiting, made } = queue();
    let pushed = 0;
    while (pushed < MAX_WAITING) waiting.push(pushed++);
    for (let turn = 1; turn <= 3; turn++) {
      // Kept at the mark: it is the count waiting, not the time, that makes these turns make some.
      for (let i = 0; i < MAKE_PER_TURN; i++) waiting.push(pushed++);
      await nextTurn();
      expect(made).toHaveLength(turn * MAKE_PER_TURN);
    }
    waiting.discard();
  });

  it('makes every waiting connection at once when flushed, and closes them unmade when discarded', async () => {
    const flushed = queue();
    for (const item of [1, 2, 3]) flushed.waiting.push(item);
    flushed.waiting.flush();
    expect(flushed.made.map((m) => m.item)).toEqual([1, 2, 3]);

    const discarded = queue();
    for (const item of [4, 5]) discarded.waiting.push(item);
    discarded.waiting.discard();
    expect(discarded.closed).toEqual([4, 5]);
    await turns(3);
    expect(discarded.made).toEqual([]);
    expect(flushed.made).toHaveLength(3);
  });

  it('makes the rest in a later turn when making one throws', async () => {
    const made: number[] = [];
    const waiting = new AcceptQueue<number>(
      (item) => {
        if (item === 1) throw new Error('bug');
        made.push(item);
      },
      () => undefined,
    );
    const errors: unknown[] = [];
    const onError = (err: unknown): void => void errors.push(err);
    process.prependListener('uncaughtException', onError);
    try {
      for (const item of [0, 1, 2]) waiting.push(item);
      await turns(5);
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([expect.objectContaining({ message: 'bug' })]);
    expect(made).toEqual([0, 2]);
  });
});

describe('a listener taking a burst that came while it was busy', () => {
  it('takes all of it off the kernel’s queue before it makes the first socket, then makes every one', async () => {
    const count = 100;
    const server = new Server({ pauseOnConnect: true });
    cleanup.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const made: { socket: Socket; acceptedAt: number; stillWaiting: number }[] = [];
    const waiting = acceptIntoShared(server, { allowHalfOpen: false, noDelay: false }, (socket, acceptedAt) => {
      cleanup.push(() => socket.destroy());
      socket.on('error', () => undefined);
      made.push({ socket, acceptedAt, stillWaiting: waiting?.waiting ?? -1 });
    });
    expect(waiting).toBeDefined();
    const burst = await startBurst((server.address() as AddressInfo).port, count);
    burst.arriveWhileBusy();
    await waitFor(() => made.length === count, 'every connection made into a socket');
    // The first was made once the kernel had no more to hand over, not one at a time between accepts.
    expect(made[0].stillWaiting).toBeGreaterThanOrEqual(count / 2);
    const times = made.map((m) => m.acceptedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(made.map((m) => m.socket.remotePort)).size).toBe(count);
    burst.end();
  });
});
