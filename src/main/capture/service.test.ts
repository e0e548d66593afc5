/** `capture.*` through the dispatcher, as the app and the host use them, against a real peer. */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordingInfo } from '@shared/capture';
import { connectClient } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { tsharkFields } from '../export/test-support/tshark';
import { createCore } from '../core';
import { coreEachTest, dispatchOk } from '../test-support/core';
import { scratchDirEachTest } from '../test-support/scratch';

const current = coreEachTest();
const files = scratchDirEachTest();

const call = <T>(command: string, input: unknown): Promise<T> => dispatchOk<T>(current.core, command, input);

describe('capture commands', () => {
  it('records a listener and the connections it accepts later, shows the size growing, and stops with the file complete', async () => {
    const listener = await current.core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const other = await current.core.engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const path = files.path('rec.pcapng');
    const started = await call<RecordingInfo>('capture.start', { ids: [listener.id], format: 'pcapng', path });
    expect(started).toMatchObject({ id: 'rec-1', path, state: 'recording', ids: [listener.id] });
    const client = await connectClient(listener.local?.port ?? 0);
    await client.write(randomBytes(500_000));
    await waitFor(() => statSync(path).size > 500_000, 'the file to grow while recording');
    // The listing counts what the file stream has confirmed written, a moment after the file grew.
    let listed = await call<{ recordings: RecordingInfo[]; folder: string }>('capture.list', {});
    while (listed.recordings[0].bytesWritten <= 500_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      listed = await call<{ recordings: RecordingInfo[]; folder: string }>('capture.list', {});
    }
    expect(listed.folder).toBe(process.cwd());
    expect(listed.recordings[0].bytesWritten).toBeLessThanOrEqual(statSync(path).size);
    await current.core.engine.send({ id: other.id, data: Uint8Array.of(1), target: { host: '127.0.0.1', port: other.local?.port ?? 1 } });
    const stopped = await call<RecordingInfo>('capture.stop', { id: 'rec-1' });
    expect(stopped.state).toBe('stopped');
    expect(stopped.bytesWritten).toBe(statSync(path).size);
    const rows = await tsharkFields(path, ['tcp.len', 'udp.length']);
    expect(rows.reduce((total, row) => total + Number(row[0] || 0), 0)).toBe(500_000);
    // The UDP socket was not asked for.
    expect(rows.filter((row) => row[1] !== undefined && row[1] !== '').length).toBe(0);
  });

  it('refuses a path it cannot write, and a file already being recorded to, saying why', async () => {
    await expect(call('capture.start', { format: 'jsonl', path: files.path('nowhere/x.jsonl') })).rejects.toThrow(
      /Cannot write .*x\.jsonl: there is no folder/,
    );
    const path = files.path('twice.jsonl');
    await call('capture.start', { format: 'jsonl', path });
    await expect(call('capture.start', { format: 'pcapng', path })).rejects.toThrow(/is being recorded to already/);
    await expect(call('capture.start', { format: 'pcapng', path: '  ' })).rejects.toThrow('Type the path of the file to record to');
  });

  it("resolves a path against the front end's folder, refuses a second start to the same file while the first opens it, and an existing file unless told to replace it", async () => {
    const folder = dirname(files.path('x'));
    const other = createCore({ recordingFolder: folder });
    try {
      const dispatch = <T>(command: string, input: unknown): Promise<T> => dispatchOk<T>(other, command, input);
      expect((await dispatch<{ folder: string }>('capture.list', {})).folder).toBe(folder);
      // Two starts in the same turn, one by a relative name and one by the full path: one file, one recording.
      const both = await Promise.allSettled([
        dispatch<RecordingInfo>('capture.start', { format: 'jsonl', path: 'same.jsonl' }),
        dispatch<RecordingInfo>('capture.start', { format: 'jsonl', path: files.path('same.jsonl') }),
      ]);
      expect(both[0]).toMatchObject({ status: 'fulfilled', value: { path: files.path('same.jsonl') } });
      expect(both[1]).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/same\.jsonl is being recorded to already/) } });
      writeFileSync(files.path('kept.pcapng'), 'precious');
      await expect(dispatch('capture.start', { format: 'pcapng', path: 'kept.pcapng' })).rejects.toThrow(
        /Cannot write .*kept\.pcapng: it already exists: choose another name/,
      );
      expect(readFileSync(files.path('kept.pcapng'), 'utf8')).toBe('precious');
      const replaced = await dispatch<RecordingInfo>('capture.start', { format: 'pcapng', path: 'kept.pcapng', overwrite: true });
      expect(replaced.state).toBe('recording');
    } finally {
      await other.dispose();
    }
  });
});
