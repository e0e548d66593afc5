import { afterEach, describe, expect, it, vi } from 'vitest';

/** This browser's storage as the Ports store finds it when its module loads. */
async function portsStoreWith(stored: string | null): Promise<{ intervalMs: number; show: string }> {
  vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'sockscope.ports' ? stored : null), setItem: () => undefined });
  vi.resetModules();
  const { usePorts } = await import('./ports');
  const { intervalMs, show } = usePorts.getState();
  return { intervalMs, show };
}

describe("the Ports view's interval and Show choice, read back when the window loads", () => {
  afterEach(() => vi.unstubAllGlobals());

  it('start at every 2 s and listening sockets when none were stored', async () => {
    expect(await portsStoreWith(null)).toEqual({ intervalMs: 2000, show: 'listening' });
  });

  it('come back as stored', async () => {
    expect(await portsStoreWith(JSON.stringify({ intervalMs: 5000, show: 'all' }))).toEqual({ intervalMs: 5000, show: 'all' });
  });

  it('fall back one by one where the stored value is not a choice, and as a whole where the storage is not JSON', async () => {
    expect(await portsStoreWith(JSON.stringify({ intervalMs: 1234, show: 'connections' }))).toEqual({ intervalMs: 2000, show: 'connections' });
    expect(await portsStoreWith('{not json')).toEqual({ intervalMs: 2000, show: 'listening' });
  });
});
