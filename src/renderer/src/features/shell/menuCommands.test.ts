import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch, Result } from '@shared/contract';
import type { Transport } from '../../transport';
import { setTransport } from '../../sync/engine';
import { startMenuCommands } from './menuCommands';
import { usePreferences } from './preferences';
import { initialSocketsState, useSockets } from '../sockets/sockets';
import { useUi } from './ui';
import * as view from './view';
import { useView } from './view';

/** Delivers batches by hand; `log.export` fails, as it does with no sockets to export. */
function fakeTransport() {
  const listeners = new Set<(batch: EventBatch) => void>();
  const transport = {
    invoke: async (): Promise<Result<never>> => ({ ok: false, error: { code: 'NOTHING_TO_EXPORT', message: 'No socket has a log to export' } }),
    subscribe(listener: (batch: EventBatch) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus: () => () => undefined,
  } as unknown as Transport;
  let rev = 0;
  const emit = (...events: unknown[]) => listeners.forEach((listener) => listener({ rev: ++rev, events } as EventBatch));
  return { transport, emit, listeners };
}

describe('menu commands in the window', () => {
  beforeEach(() => {
    useSockets.setState(initialSocketsState);
    useUi.setState({ dialog: null });
    useView.setState({ view: 'sockets' });
    // The desktop app's window: the menu exists only there.
    vi.stubGlobal('window', { sockscope: {} });
  });
  afterEach(() => void vi.unstubAllGlobals());

  it('maps each ui.command onto the window’s own action', async () => {
    const { transport, emit } = fakeTransport();
    setTransport(transport);
    const stop = startMenuCommands(transport);
    emit({ type: 'ui.command', command: { action: 'new-socket', kind: 'udp' } });
    await expect.poll(() => useUi.getState().dialog).toBe('udp');
    emit({ type: 'ui.command', command: { action: 'show-view', view: 'ports' } });
    await expect.poll(() => useView.getState().view).toBe('ports');
    emit({ type: 'ui.command', command: { action: 'select-socket', id: 'imp-1' } });
    await expect.poll(() => useSockets.getState().selectedId).toBe('imp-1');
    emit({ type: 'ui.command', command: { action: 'set-theme', theme: 'dark' } });
    await expect.poll(() => usePreferences.getState().theme).toBe('dark');
    emit({ type: 'ui.command', command: { action: 'export-all', format: 'jsonl' } });
    await expect.poll(() => useSockets.getState().lastError?.error.code).toBe('NOTHING_TO_EXPORT');
    stop();
  });

  it('ignores other events, malformed commands, and everything once stopped', async () => {
    const { transport, emit, listeners } = fakeTransport();
    const stop = startMenuCommands(transport);
    emit(
      { type: 'library.changed', revision: 1 },
      { type: 'ui.command', command: { action: 'new-socket', kind: 'raw-ip' } },
      { type: 'ui.command', command: { action: 'format-disk' } },
      // Commands are handled in order: once this one has run, the two before it were looked at.
      { type: 'ui.command', command: { action: 'show-view', view: 'ports' } },
    );
    await expect.poll(() => useView.getState().view).toBe('ports');
    expect(useUi.getState().dialog).toBeNull();
    stop();
    expect(listeners.size).toBe(0);
  });

  it('reports a command that fails, and still runs the ones after it', async () => {
    const { transport, emit } = fakeTransport();
    const stop = startMenuCommands(transport);
    const failing = vi.spyOn(view, 'showView').mockImplementationOnce(() => {
      throw new Error('no such view today');
    });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    emit(
      { type: 'ui.command', command: { action: 'show-view', view: 'ports' } },
      { type: 'ui.command', command: { action: 'new-socket', kind: 'udp' } },
    );
    await expect.poll(() => useUi.getState().dialog).toBe('udp');
    expect(useSockets.getState().lastError?.error.message).toMatch(/menu command failed: no such view today/);
    expect(logged).toHaveBeenCalledTimes(1);
    failing.mockRestore();
    logged.mockRestore();
    stop();
  });
});
