import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channels } from '@shared/channels';
import type { EventBatch } from '@shared/contract';
import { createFakeElectron, type FakeElectron } from '../main/shell/test-support/fake-electron';
import type { SockscopeBridge } from './api';

let electron: FakeElectron;

async function loadPreload(): Promise<SockscopeBridge> {
  electron = createFakeElectron();
  vi.resetModules();
  const fake = electron;
  vi.doMock('electron', () => fake.module);
  await import('./index');
  return electron.exposed.get('sockscope') as SockscopeBridge;
}

describe('preload bridge', () => {
  let bridge: SockscopeBridge;
  beforeEach(async () => {
    bridge = await loadPreload();
  });

  it('exposes only the contract functions, never ipcRenderer', () => {
    expect([...electron.exposed.keys()]).toEqual(['sockscope']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvents', 'onResync']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.values(bridge)).not.toContain(electron.ipcRenderer);
  });

  it('sends commands on the command channel', async () => {
    await bridge.invoke('app.snapshot', {});
    expect(electron.ipcRenderer.invocations).toEqual([{ channel: channels.command, args: [{ command: 'app.snapshot', input: {} }] }]);
  });

  it('hands the page each batch (not the IPC event) until it unsubscribes', () => {
    const received: unknown[][] = [];
    const off = bridge.onEvents((...args) => received.push(args));
    const batch: EventBatch = { rev: 1, events: [] };
    electron.ipcRenderer.emit(channels.events, { sender: electron.ipcRenderer, ports: [] }, batch);
    expect(received).toEqual([[batch]]);
    // Main hears that the page listens, and that it handled the batch.
    expect(electron.ipcRenderer.sent).toEqual([
      { channel: channels.ready, args: [] },
      { channel: channels.ack, args: [1] },
    ]);
    off();
    electron.ipcRenderer.emit(channels.events, {}, { rev: 2, events: [] });
    expect(received).toHaveLength(1);
    expect(electron.ipcRenderer.listenerCount(channels.events)).toBe(0);
  });

  it('passes on a resync from main until the page unsubscribes', () => {
    let resyncs = 0;
    const off = bridge.onResync(() => resyncs++);
    electron.ipcRenderer.emit(channels.resync, {});
    off();
    electron.ipcRenderer.emit(channels.resync, {});
    expect(resyncs).toBe(1);
  });
});
