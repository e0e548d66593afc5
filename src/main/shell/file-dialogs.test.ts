/**
 * Export and Import in the desktop app, through the fake `electron` (its ipcMain, dialogs and
 * window) bound to a real core with real sockets: the save dialog comes first, the file is what
 * the browser host's download of the same log is, progress reaches the window, a cancel removes
 * the partial file, and only the app's own window may ask.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channels } from '@shared/channels';
import { type EventBatch, MAX_IMPORT_BYTES, type Output, type Result } from '@shared/contract';
import type { FileProgressEvent } from '@shared/file-dialogs';
import { type Core, createCore } from '../core';
import { connectClient, stopPeers } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { type Host, startHost } from '../host/server';
import { bindIpc } from '../ipc';
import { createFileDialogs } from './file-dialogs';
import { createFakeElectron, type FakeElectron } from './test-support/fake-electron';

const appUrl = 'file:///app/out/renderer/index.html';
let electron: FakeElectron;
let core: Core;
let host: Host;
let dir: string;
let unbind: () => void;
/** Run on each progress event as main sends it (a test's way to act mid-way). */
let onProgress: (event: FileProgressEvent) => void;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-file-dialogs-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sockscope</title>');
  electron = createFakeElectron();
  core = createCore({ batch: { intervalMs: 1 } });
  host = await startHost({ core, rendererDir: dir });
  const window = new electron.BrowserWindow({});
  window.webContents.url = appUrl;
  onProgress = () => undefined;
  const fileDialogs = createFileDialogs({
    engine: core.engine,
    showSaveDialog: (options) => electron.dialog.showSaveDialog(window, options),
    showOpenDialog: (options) => electron.dialog.showOpenDialog(window, options),
    defaultFolder: '/home/me/Downloads',
    progressIntervalMs: 0,
    progress: (event) => {
      core.batcher.push(event);
      onProgress(event);
    },
  });
  const unbindIpc = bindIpc(
    electron.ipcMain as unknown as Parameters<typeof bindIpc>[0],
    core,
    () => window.webContents as unknown as Electron.WebContents,
    (url) => url === appUrl,
    fileDialogs.handlers,
    // This fake window acknowledges no batch; what it is sent is what these tests read.
    { maxUnackedBatches: Infinity, maxHeldEvents: Infinity },
  );
  unbind = () => (fileDialogs.dispose(), unbindIpc());
});

afterEach(async () => {
  unbind();
  await host.close();
  await core.dispose();
  await stopPeers();
  rmSync(dir, { recursive: true, force: true });
});

const appWindow = () => electron.BrowserWindow.getAllWindows()[0].webContents;

function invoke<T = unknown>(command: string, input: unknown, sender: object = appWindow(), url = appUrl): Promise<Result<T>> {
  return electron.ipcMain.invoke(channels.command, sender, url, { command, input }) as Promise<Result<T>>;
}

type Exported = Output<'file.exportWithDialog'>;
type Imported = Output<'file.importWithDialog'>;

/** file.progress events the window has received, in order. */
const progressSeen = (): FileProgressEvent[] =>
  appWindow()
    .sent.filter((message) => message.channel === channels.events)
    .flatMap((message) => (message.args[0] as EventBatch).events)
    .filter((event): event is FileProgressEvent => event.type === 'file.progress');

/** A listener whose accepted connection received `bytes` random bytes from a real client. */
async function listenerWithTraffic(bytes: number): Promise<string> {
  const listener = await core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
  const client = await connectClient(listener.local?.port ?? 0);
  await client.write(randomBytes(bytes));
  await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === bytes), 'everything to arrive', 20_000);
  return listener.id;
}

describe('Export in the desktop app', () => {
  it('shows the save dialog first, then writes the same file as the host’s download, saying so only once it is closed', async () => {
    const id = await listenerWithTraffic(3_000_000);
    const path = join(dir, 'capture.pcapng');
    const result = invoke<Exported>('file.exportWithDialog', { transferId: 't1', ids: [id], format: 'pcapng' });

    await waitFor(() => electron.dialog.saveShown.length === 1, 'the save dialog');
    const options = electron.dialog.saveShown[0];
    expect(options.defaultPath).toMatch(new RegExp(`^/home/me/Downloads/sockscope-${id}-\\d{8}-\\d{6}\\.pcapng$`));
    expect(options.filters).toEqual([{ name: 'pcapng capture (Wireshark)', extensions: ['pcapng'] }]);
    // Nothing is written, and nothing said, while the dialog is open.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(path)).toBe(false);
    expect(progressSeen()).toEqual([]);

    electron.dialog.answerSave(path);
    const saved = await result;
    if (!saved.ok || saved.value.canceled) throw new Error(`not saved: ${JSON.stringify(saved)}`);
    // Resolved only once the file is closed: all of it is on disk when "Saved" can be shown.
    expect(statSync(path).size).toBe(saved.value.bytes);
    expect(saved.value).toMatchObject({ path, fileName: 'capture.pcapng', sockets: 2, missingBytes: 0 });

    const download = await fetch(`http://127.0.0.1:${host.port}/export?token=${host.token}&format=pcapng&ids=${id}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(readFileSync(path))).toBe(true);

    await waitFor(() => progressSeen().some((event) => event.done), 'the last progress event');
    const seen = progressSeen();
    expect(seen[0]).toMatchObject({ transferId: 't1', direction: 'export', fileName: 'capture.pcapng', done: false });
    expect(seen.at(-1)).toMatchObject({ bytes: saved.value.bytes, done: true });
  });

  it('writes nothing when the dialog is cancelled', async () => {
    await listenerWithTraffic(1000);
    electron.dialog.saveAnswers.push(undefined);
    expect(await invoke('file.exportWithDialog', { transferId: 't2', format: 'jsonl' })).toEqual({ ok: true, value: { canceled: true } });
    expect(electron.dialog.saveShown[0].filters).toEqual([{ name: 'JSON Lines log', extensions: ['jsonl'] }]);
    expect(progressSeen()).toEqual([]);
  });

  it('removes the partial file when cancelled mid-way', async () => {
    await listenerWithTraffic(24 * 1024 * 1024);
    const path = join(dir, 'big.jsonl');
    let sizeWhenCancelled = 0;
    onProgress = (event) => {
      if (event.bytes === 0 || sizeWhenCancelled > 0) return;
      sizeWhenCancelled = event.bytes;
      // The window's Cancel, arriving as the first bytes are written.
      void invoke('file.cancelTransfer', { transferId: 't3' });
    };
    electron.dialog.saveAnswers.push(path);
    const result = await invoke<Exported>('file.exportWithDialog', { transferId: 't3', format: 'jsonl' });
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(sizeWhenCancelled).toBeGreaterThan(0);
    expect(existsSync(path)).toBe(false);
    await waitFor(() => progressSeen().at(-1)?.done === true, 'the last progress event');
    // Nothing left running under that id.
    expect(await invoke('file.cancelTransfer', { transferId: 't3' })).toEqual({ ok: true, value: { stopped: false } });
  });

  it('says why a file cannot be written, and touches nothing', async () => {
    await listenerWithTraffic(1000);
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    electron.dialog.saveAnswers.push(folder, join(dir, 'gone', 'x.jsonl'));
    expect(await invoke('file.exportWithDialog', { transferId: 't4', format: 'jsonl' })).toMatchObject({
      ok: false,
      error: { message: `Cannot write ${folder}: it is a folder; name a file` },
    });
    expect(await invoke('file.exportWithDialog', { transferId: 't5', format: 'jsonl' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining(`there is no folder ${join(dir, 'gone')}`) },
    });
    // The folder chosen by mistake is left as it was.
    expect(statSync(folder).isDirectory()).toBe(true);
    expect(existsSync(join(dir, 'gone'))).toBe(false);
  });

  it('says there is nothing to export before any dialog', async () => {
    expect(await invoke('file.exportWithDialog', { transferId: 't6', format: 'pcapng' })).toMatchObject({
      ok: false,
      error: { code: 'NOTHING_TO_EXPORT' },
    });
    expect(electron.dialog.saveShown).toEqual([]);
  });
});

describe('Import in the desktop app', () => {
  it('streams in a log larger than a message may be, chosen in the open dialog', async () => {
    await listenerWithTraffic(MAX_IMPORT_BYTES);
    const path = join(dir, 'big.jsonl');
    electron.dialog.saveAnswers.push(path);
    const exported = await invoke<Exported>('file.exportWithDialog', { transferId: 'e1', format: 'jsonl' });
    if (!exported.ok || exported.value.canceled) throw new Error('could not export a log to import');
    expect(statSync(path).size).toBeGreaterThan(MAX_IMPORT_BYTES);

    electron.dialog.openAnswers.push(path);
    const imported = await invoke<Imported>('file.importWithDialog', { transferId: 'i1' });
    if (!imported.ok || imported.value.canceled) throw new Error(`not imported: ${JSON.stringify(imported)}`);
    expect(imported.value.sockets).toHaveLength(2);
    const connection = core.engine.snapshot().sockets.find((socket) => socket.importedFrom?.kind === 'tcp-connection');
    expect(connection).toMatchObject({ kind: 'imported', bytesIn: MAX_IMPORT_BYTES, importedFrom: { fileName: 'big.jsonl' } });
    await waitFor(() => progressSeen().some((event) => event.transferId === 'i1' && event.done), 'the import’s last progress event');
    expect(
      progressSeen()
        .filter((event) => event.transferId === 'i1')
        .at(-1),
    ).toMatchObject({ direction: 'import', bytes: statSync(path).size, total: statSync(path).size });
  });

  it('opens nothing when the dialog is cancelled, and says what a file is not', async () => {
    expect(await invoke('file.importWithDialog', { transferId: 'i2' })).toEqual({ ok: true, value: { canceled: true } });
    expect(electron.dialog.openShown[0]).toMatchObject({ properties: ['openFile'], filters: [{ extensions: ['jsonl', 'ndjson', 'json'] }] });
    const capture = join(dir, 'x.jsonl');
    writeFileSync(capture, 'not a log\n');
    electron.dialog.openAnswers.push(capture);
    expect(await invoke('file.importWithDialog', { transferId: 'i3' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('x.jsonl') },
    });
    expect(core.engine.snapshot().sockets).toEqual([]);
  });
});

describe('the file commands', () => {
  it('answer only the app’s window, and validate their input', async () => {
    await listenerWithTraffic(1000);
    const stranger = new electron.BrowserWindow({}).webContents;
    stranger.url = appUrl;
    for (const command of ['file.exportWithDialog', 'file.importWithDialog', 'file.cancelTransfer']) {
      const input = { transferId: 'x', format: 'jsonl' };
      expect(await invoke(command, input, stranger), command).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await invoke(command, input, appWindow(), 'https://evil.example/'), command).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await invoke(command, { transferId: '../x' }), command).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await invoke('file.exportWithDialog', { transferId: 'x', format: 'pcap' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // No dialog was shown for any of them.
    expect(electron.dialog.saveShown).toEqual([]);
  });

  it('are not available through the dispatcher (the browser host, the CLI)', async () => {
    expect(await core.dispatcher.dispatch('file.exportWithDialog', { transferId: 'x', format: 'jsonl' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AVAILABLE', message: expect.stringContaining('Not available in the browser host') },
    });
  });
});
