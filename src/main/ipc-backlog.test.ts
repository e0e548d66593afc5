/**
 * A window that stops reading its IPC (a hung renderer) must not grow main: past a few batches it
 * has not acknowledged, main merges what comes, and past a bound drops it for a resync, as the
 * host does for a browser page. Played with the fake `electron` module's ipcMain and window.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels } from '@shared/channels';
import type { EventBatch } from '@shared/contract';
import { type Core, createCore } from './core';
import { bindIpc } from './ipc';
import { createFakeElectron, type FakeElectron } from './shell/test-support/fake-electron';

const appUrl = 'file:///app/out/renderer/index.html';
const LIMITS = { maxUnackedBatches: 2, maxHeldEvents: 5 };

let electron: FakeElectron;
let core: Core;
let window: InstanceType<FakeElectron['BrowserWindow']>;
let unbind: ReturnType<typeof bindIpc>;

beforeEach(() => {
  electron = createFakeElectron();
  core = createCore();
  window = new electron.BrowserWindow({});
  unbind = bindIpc(
    electron.ipcMain as unknown as Parameters<typeof bindIpc>[0],
    core,
    () => window.webContents as unknown as Electron.WebContents,
    (url) => url === appUrl,
    {},
    LIMITS,
  );
});

afterEach(async () => {
  unbind();
  await core.dispose();
});

/** One batch removing each of `ids` (distinct events, which no merging folds together). */
function batch(...ids: string[]): void {
  for (const id of ids) core.batcher.push({ type: 'socket.removed', id });
  core.batcher.flush();
}

const from = (sender: unknown = window.webContents, url = appUrl) => ({ sender, senderFrame: { url } });
const ack = (rev: number, sender?: unknown): void => void electron.ipcMain.emit(channels.ack, from(sender), rev);
const sent = (channel: string) => window.webContents.sent.filter((message) => message.channel === channel);
const batches = (): EventBatch[] => sent(channels.events).map((message) => message.args[0] as EventBatch);

describe('IPC to a window that falls behind', () => {
  it('sends only so many batches ahead of the acknowledgements, then one merged batch for all that came meanwhile', () => {
    batch('a');
    batch('b');
    batch('c');
    batch('d');
    expect(batches().map((b) => b.events.length)).toEqual([1, 1]);
    expect(unbind.backlog()).toEqual({ unackedBatches: 2, heldEvents: 2, resyncPending: false });
    ack(1);
    expect(batches()).toHaveLength(3);
    expect(batches()[2]).toEqual({
      rev: 4,
      events: [
        { type: 'socket.removed', id: 'c' },
        { type: 'socket.removed', id: 'd' },
      ],
    });
    expect(unbind.backlog()).toEqual({ unackedBatches: 2, heldEvents: 0, resyncPending: false });
  });

  it('keeps a hung window to a bounded backlog, and tells it to resync once it reads again', () => {
    for (let n = 0; n < 1000; n++) batch(`s${n}`);
    expect(batches()).toHaveLength(LIMITS.maxUnackedBatches);
    expect(unbind.backlog()).toEqual({ unackedBatches: 2, heldEvents: 0, resyncPending: true });
    ack(1);
    expect(sent(channels.resync)).toHaveLength(1);
    expect(unbind.backlog().resyncPending).toBe(false);
    // After the resync, batches flow again as the window acknowledges them.
    ack(2);
    batch('after');
    expect(batches().at(-1)?.events).toEqual([{ type: 'socket.removed', id: 'after' }]);
  });

  it('heeds acknowledgements and fresh starts only from the app window', () => {
    batch('a');
    batch('b');
    batch('c');
    const other = new electron.BrowserWindow({});
    ack(1, other.webContents);
    electron.ipcMain.emit(channels.ack, from(window.webContents, 'https://evil.example/'), 1);
    electron.ipcMain.emit(channels.ready, from(other.webContents));
    expect(batches()).toHaveLength(2);
    expect(unbind.backlog().unackedBatches).toBe(2);
  });

  it('starts afresh when the page reloads: what was owed to the old page is forgotten', () => {
    batch('a');
    batch('b');
    batch('c');
    electron.ipcMain.emit(channels.ready, from());
    expect(unbind.backlog()).toEqual({ unackedBatches: 0, heldEvents: 0, resyncPending: false });
    batch('d');
    expect(batches().at(-1)?.events).toEqual([{ type: 'socket.removed', id: 'd' }]);
  });
});
