/**
 * The send bar's sends, in the order the user made them: Enter pressed while a message is on its
 * way sends the next one after it, rather than being ignored (a busy host or a slow peer holds a
 * send for a moment, and a fast typist's second line would be lost without a word).
 *
 * When a send fails, those already waiting behind it are not made: each would meet the same
 * error, and what the user typed last is still in the send bar to send again.
 */
export interface SendOrder {
  /** Runs `send` once every send asked for before it has settled; false without running it if one of those failed. */
  run(send: () => Promise<boolean>): Promise<boolean>;
}

export function sendOrder(onWaiting?: (count: number) => void): SendOrder {
  let tail: Promise<unknown> = Promise.resolve();
  let failures = 0;
  let waiting = 0;
  const count = (change: number): void => {
    waiting += change;
    onWaiting?.(waiting);
  };
  return {
    run(send) {
      const failuresBefore = failures;
      count(1);
      const turn = tail
        .then(async () => {
          if (failures !== failuresBefore) return false;
          let ok = false;
          try {
            ok = await send();
          } finally {
            if (!ok) failures++;
          }
          return ok;
        })
        .finally(() => count(-1));
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}
