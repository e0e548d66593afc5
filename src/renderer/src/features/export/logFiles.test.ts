/**
 * The desktop app's Export and Import as the window sees them: the file.* commands (main shows
 * the dialog and streams the file), "Saved" only once main says the file is written, progress
 * from file.progress events, and nothing said when the dialog was cancelled.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch, Result } from '@shared/contract';
import type { Transport } from '../../transport';
import { setTransport } from '../../sync/engine';
import { startFileTransferSync, useFileTransfers } from './fileTransfers';
import { exportLogs, importLogWithDialog, importsWithDialog } from './logFiles';
import { initialSocketsState, useSockets } from '../sockets/sockets';

/** A transport whose answers the test gives by hand, after looking at what was asked. */
function fakeTransport() {
  const calls: Array<{ command: string; input: unknown; answer: (result: Result<unknown>) => void }> = [];
  const listeners = new Set<(batch: EventBatch) => void>();
  const transport = {
    invoke: (command: string, input: unknown) => new Promise((answer) => calls.push({ command, input, answer })),
    subscribe(listener: (batch: EventBatch) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus: () => () => undefined,
  } as unknown as Transport;
  const emit = (...events: unknown[]) => listeners.forEach((listener) => listener({ rev: 1, events } as EventBatch));
  return { transport, calls, emit };
}

let fake: ReturnType<typeof fakeTransport>;
beforeEach(() => {
  vi.stubGlobal('window', { sockscope: {} });
  fake = fakeTransport();
  setTransport(fake.transport);
  useSockets.setState(initialSocketsState);
});
afterEach(() => void vi.unstubAllGlobals());

describe('Export in the desktop app', () => {
  it('asks main to show the save dialog and says "Saved" only once main has written the file', async () => {
    const started = vi.fn();
    let settled = false;
    const result = exportLogs(['tcp-1'], 'pcapng', started).finally(() => (settled = true));
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1));
    const [call] = fake.calls;
    expect(call.command).toBe('file.exportWithDialog');
    expect(call.input).toEqual({ transferId: started.mock.calls[0][0], ids: ['tcp-1'], format: 'pcapng' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    call.answer({
      ok: true,
      value: { canceled: false, path: '/home/me/a.pcapng', fileName: 'a.pcapng', bytes: 2048, sockets: 1, records: 3, missingBytes: 0 },
    });
    expect(await result).toEqual({ ok: true, value: 'Saved /home/me/a.pcapng (3 packets, 2.0 KiB)' });
  });

  it('says nothing when the dialog is cancelled, and says a cancelled export saved nothing', async () => {
    const cancelled = exportLogs(undefined, 'jsonl');
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1));
    fake.calls[0].answer({ ok: true, value: { canceled: true } });
    expect(await cancelled).toEqual({ ok: true, value: '' });
    const stopped = exportLogs(undefined, 'jsonl');
    await vi.waitFor(() => expect(fake.calls).toHaveLength(2));
    fake.calls[1].answer({ ok: false, error: { code: 'CANCELLED', message: 'The export was cancelled' } });
    expect(await stopped).toEqual({ ok: true, value: 'Export cancelled: nothing was saved' });
    const failed = exportLogs(undefined, 'jsonl');
    await vi.waitFor(() => expect(fake.calls).toHaveLength(3));
    fake.calls[2].answer({ ok: false, error: { code: 'DISK_FULL', message: 'Cannot write /x.jsonl: the disk is full' } });
    expect(await failed).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
  });
});

describe('Import in the desktop app', () => {
  it('goes through the open dialog in main and shows the first socket it opened', async () => {
    expect(importsWithDialog()).toBe(true);
    const result = importLogWithDialog();
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1));
    expect(fake.calls[0].command).toBe('file.importWithDialog');
    fake.calls[0].answer({ ok: true, value: { canceled: false, fileName: 'big.jsonl', sockets: [{ id: 'imp-1' }, { id: 'imp-2' }] } });
    expect(await result).toEqual({ ok: true, value: 'Imported 2 socket logs from big.jsonl' });
    expect(useSockets.getState().selectedId).toBe('imp-1');
  });
});

describe('transfer progress', () => {
  it('follows file.progress events until the last one', () => {
    const stop = startFileTransferSync(fake.transport);
    const progress = { type: 'file.progress', transferId: 't1', direction: 'export', fileName: 'a.jsonl', bytes: 10, done: false };
    fake.emit(progress, { type: 'library.changed', revision: 1 });
    expect(useFileTransfers.getState().running.t1).toEqual(progress);
    fake.emit({ ...progress, bytes: 20, done: true });
    expect(useFileTransfers.getState().running).toEqual({});
    stop();
  });
});
