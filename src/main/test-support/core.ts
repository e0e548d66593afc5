import { afterEach, beforeEach } from 'vitest';
import { type Core, createCore } from '../core';
import { stopPeers } from '../engine/test-support/peers';

/** Runs a command through the core's dispatcher as the app, host and CLI do; a refusal throws, naming the command. */
export async function dispatchOk<T = unknown>(core: Core, command: string, input: unknown = {}): Promise<T> {
  const result = await core.dispatcher.dispatch(command, input);
  if (!result.ok) throw new Error(`${command}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** A fresh core for each test, disposed after it together with the peers the test started. */
export function coreEachTest(options?: Parameters<typeof createCore>[0]): { readonly core: Core } {
  let current: Core | undefined;
  beforeEach(() => {
    current = createCore(options);
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
    await stopPeers();
  });
  return {
    get core(): Core {
      if (!current) throw new Error('coreEachTest: no test is running');
      return current;
    },
  };
}
