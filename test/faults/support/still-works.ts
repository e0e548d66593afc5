import { expect } from 'vitest';
import { call, type Dispatch } from './contract';
import { expectIntactLog } from './log-check';

/** Polls an asynchronous condition; fails with `what` after `timeoutMs`. Never a fixed sleep. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * After a fault, the app must still do its job: a new listener accepts a new connection, bytes
 * go through, and both ends log them. Everything it opens is removed again.
 */
export async function expectEngineStillWorks(dispatch: Dispatch): Promise<void> {
  const listener = await call(dispatch, 'tcp.listen', { host: '127.0.0.1', port: 0 });
  const client = await call(dispatch, 'tcp.connect', { host: '127.0.0.1', port: listener.local?.port ?? 0 });
  const message = new Uint8Array(Buffer.from('still working after the fault'));
  await call(dispatch, 'socket.send', { id: client.id, data: message });
  const accepted = async (): Promise<string | undefined> =>
    (await call(dispatch, 'app.snapshot', {})).sockets.find((s) => s.parentId === listener.id && s.bytesIn === message.length)?.id;
  await eventually(async () => (await accepted()) !== undefined, 'the message to arrive through a new connection');
  const log = await expectIntactLog(dispatch, (await accepted()) ?? '');
  expect(log.bytesIn).toEqual(Buffer.from(message));
  await call(dispatch, 'socket.remove', { id: client.id });
  await call(dispatch, 'socket.remove', { id: listener.id });
}
