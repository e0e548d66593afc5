import { describe, expect, it } from 'vitest';
import { sendOrder } from './sendOrder';

/** A send that settles when told to, and says when it began. */
function heldSend(log: string[], name: string) {
  let settle: (ok: boolean) => void = () => undefined;
  const send = (): Promise<boolean> => {
    log.push(`start ${name}`);
    return new Promise<boolean>((resolve) => (settle = resolve));
  };
  return { send, settle: (ok: boolean) => settle(ok) };
}

const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('sendOrder', () => {
  it('starts a send only when the one asked for before it has settled, and counts those waiting', async () => {
    const log: string[] = [];
    const counts: number[] = [];
    const order = sendOrder((n) => counts.push(n));
    const first = heldSend(log, 'first');
    const second = heldSend(log, 'second');
    const firstDone = order.run(first.send);
    const secondDone = order.run(second.send);
    await turn();
    expect(log).toEqual(['start first']);
    first.settle(true);
    await expect(firstDone).resolves.toBe(true);
    await turn();
    expect(log).toEqual(['start first', 'start second']);
    second.settle(true);
    await expect(secondDone).resolves.toBe(true);
    expect(counts).toEqual([1, 2, 1, 0]);
  });

  it('does not make the sends waiting behind one that failed, but makes those asked for after', async () => {
    const log: string[] = [];
    const order = sendOrder();
    const failing = heldSend(log, 'failing');
    const behind = heldSend(log, 'behind');
    const failed = order.run(failing.send);
    const skipped = order.run(behind.send);
    await turn();
    failing.settle(false);
    await expect(failed).resolves.toBe(false);
    await expect(skipped).resolves.toBe(false);
    expect(log).toEqual(['start failing']);
    const later = heldSend(log, 'later');
    const laterDone = order.run(later.send);
    await turn();
    later.settle(true);
    await expect(laterDone).resolves.toBe(true);
    expect(log).toEqual(['start failing', 'start later']);
  });

  it('goes on after a send that throws', async () => {
    const order = sendOrder();
    await expect(order.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(order.run(() => Promise.resolve(true))).resolves.toBe(true);
  });
});
