import { beforeEach, describe, expect, it, vi } from 'vitest';
import { channels } from '../shared/channels';
import type { SockscopeBridge } from './api';

const exposed = new Map<string, unknown>();
const ipcRenderer = { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() };

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer,
}));

describe('preload bridge', () => {
  beforeEach(async () => {
    exposed.clear();
    vi.resetModules();
    await import('./index');
  });

  it('exposes only the contract functions, never ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['sockscope']);
    const bridge = exposed.get('sockscope') as SockscopeBridge;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvents']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
  });

  it('sends commands on the command channel and unsubscribes event listeners', () => {
    const bridge = exposed.get('sockscope') as SockscopeBridge;
    void bridge.invoke('app.snapshot', {});
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(channels.command, { command: 'app.snapshot', input: {} });
    const off = bridge.onEvents(() => undefined);
    expect(ipcRenderer.on).toHaveBeenCalledWith(channels.events, expect.any(Function));
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith(channels.events, ipcRenderer.on.mock.calls[0][1]);
  });
});
