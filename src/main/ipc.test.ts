import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels } from '@shared/channels';
import type { EventBatch, Result } from '@shared/contract';
import { type Core, createCore } from './core';
import { bindIpc } from './ipc';

type Handler = (event: IpcMainInvokeEvent, payload: unknown) => Promise<Result<unknown>>;

let core: Core;
const handlers = new Map<string, Handler>();
const ipcMain = Object.assign(new EventEmitter(), {
  handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
  removeHandler: (channel: string) => void handlers.delete(channel),
});
const sent: Array<[string, EventBatch]> = [];
const window = {
  isDestroyed: () => false,
  send: (channel: string, batch: EventBatch) => void sent.push([channel, batch]),
} as unknown as WebContents;
const appUrl = 'file:///app/out/renderer/index.html';

function invoke(payload: unknown, sender: unknown = window, url = appUrl): Promise<Result<unknown>> {
  const handler = handlers.get(channels.command);
  if (!handler) throw new Error('no handler');
  return handler({ sender, senderFrame: { url } } as unknown as IpcMainInvokeEvent, payload);
}

let unbind: () => void;

beforeEach(() => {
  core = createCore({ batch: { intervalMs: 1 } });
  unbind = bindIpc(
    ipcMain,
    core,
    () => window,
    (url) => url === appUrl,
  );
});

afterEach(async () => {
  unbind();
  sent.length = 0;
  await core.dispose();
});

describe('IPC binding', () => {
  it('dispatches commands from the app window and pushes event batches to it', async () => {
    const result = await invoke({ command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } });
    expect(result).toMatchObject({ ok: true, value: { kind: 'tcp-listener' } });
    await expect.poll(() => sent.length).toBeGreaterThan(0);
    expect(sent[0][0]).toBe(channels.events);
  });

  it('refuses a message from another window or frame', async () => {
    const other = { isDestroyed: () => false, send: () => undefined };
    expect(await invoke({ command: 'app.snapshot', input: {} }, other)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await invoke({ command: 'app.snapshot', input: {} }, window, 'https://evil.example/')).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
  });

  it('refuses malformed messages and unknown commands', async () => {
    expect(await invoke('nonsense')).toMatchObject({ error: { code: 'MALFORMED_MESSAGE' } });
    expect(await invoke({ command: 'fs.readFile', input: {} })).toMatchObject({ error: { code: 'MALFORMED_MESSAGE' } });
    expect(await invoke({ command: 'app.snapshot', input: {} })).toMatchObject({ ok: true });
  });

  it('removes its handler when unbound', () => {
    unbind();
    expect(handlers.has(channels.command)).toBe(false);
    unbind = () => undefined;
  });
});
