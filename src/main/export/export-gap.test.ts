/**
 * Exports of logs that no longer hold everything say so: the pcapng's sequence numbers jump by the
 * missing bytes (tshark flags the gap) with a comment, and exports stream to a file page by page.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../core';
import { connectClient, stopPeers } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { Recording } from '../capture/recorder';
import { exportLogs, exportToFile, exportToStream } from './export-logs';
import { entryLine, headerLine, LogFileParser, socketLine } from './jsonl';
import { scratchDir, tsharkFields } from './test-support/tshark';
import { socketInfo } from '@shared/test-support/socket-info';

let core: Core;
let files: ReturnType<typeof scratchDir>;

beforeEach(() => {
  // A small log: most of what arrives falls out of it.
  core = createCore({ engine: { log: { maxBytes: 100_000 } } });
  files = scratchDir();
});

afterEach(async () => {
  await core.dispose();
  await stopPeers();
  files.remove();
});

/** A listener whose one connection received `chunks` writes of `size` bytes; returns the listener's id and all bytes sent. */
async function floodedListener(chunks: number, size: number): Promise<{ id: string; sent: number }> {
  const listener = await core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
  const client = await connectClient(listener.local?.port ?? 0);
  for (let i = 0; i < chunks; i++) await client.write(randomBytes(size));
  const sent = chunks * size;
  await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === sent), 'everything to arrive');
  return { id: listener.id, sent };
}

describe('an export of a log that lost entries', () => {
  it('jumps the TCP sequence numbers by the missing bytes, with a comment, and counts them', async () => {
    const { id, sent } = await floodedListener(30, 20_000);
    const exported = exportLogs(core.engine, { ids: [id], format: 'pcapng' });
    const held = sent - (exported.missingBytes ?? 0);
    expect(exported.missingBytes).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(100_000);
    const file = files.write('gap.pcapng', exported.data);
    const rows = await tsharkFields(file, ['tcp.seq', 'tcp.len', 'tcp.analysis.lost_segment', 'frame.comment'], 'tcp.len > 0');
    // The first held segment starts exactly `missing` bytes after the handshake (relative seq 1).
    expect(Number(rows[0][0])).toBe(1 + (exported.missingBytes ?? 0));
    expect(rows[0][2]).not.toBe('');
    expect(rows[0][3]).toMatch(/before this were no longer held in the log when it was exported/);
    expect(rows.reduce((total, row) => total + Number(row[1]), 0)).toBe(held);
  });

  it('streams to a file whose bytes are the same as the export built in memory, with progress', async () => {
    const { id } = await floodedListener(10, 20_000);
    const path = files.path('streamed.pcapng');
    const at = new Date(2026, 0, 1);
    const progress: number[] = [];
    const summary = await exportToFile(core.engine, { ids: [id], format: 'jsonl' }, path, { at, onProgress: (n) => progress.push(n) });
    expect(readFileSync(path)).toEqual(Buffer.from(exportLogs(core.engine, { ids: [id], format: 'jsonl' }, { at }).data));
    expect(summary.bytes).toBe(readFileSync(path).byteLength);
    expect(progress.length).toBeGreaterThan(0);
  });
});

describe('an export that the log outruns', () => {
  it('marks and counts the entries that fell out of the log while a slow destination held the export', async () => {
    // The log holds more entries than the export reads at a time (64), whatever the size of each
    // read (up to 64 KiB, read-buffer.ts).
    const half = 32 * 1024 * 1024;
    const big = createCore({ engine: { log: { maxBytes: half } } });
    try {
      const listener = await big.engine.listenTcp({ host: '127.0.0.1', port: 0 });
      const client = await connectClient(listener.local?.port ?? 0);
      const arrived = (n: number) => () => big.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === n);
      for (let i = 0; i < half / (64 * 1024); i++) await client.write(randomBytes(64 * 1024));
      await waitFor(arrived(half), 'the first half to arrive');
      // A destination that takes nothing until released: the export waits for it to drain.
      const chunks: Buffer[] = [];
      let release: (() => void) | undefined;
      let released = false;
      const destination = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          if (released) done();
          else release = done;
        },
      });
      const exported = exportToStream(big.engine, { ids: [listener.id], format: 'pcapng' }, destination);
      await waitFor(() => destination.writableLength > 4 * 1024 * 1024, 'the export to wait for its destination');
      // Meanwhile the log takes in as much again: the entries the export has not read yet fall out.
      for (let i = 0; i < half / (64 * 1024); i++) await client.write(randomBytes(64 * 1024));
      await waitFor(arrived(2 * half), 'the second half to arrive');
      released = true;
      release?.();
      const summary = await exported;
      destination.end();
      const file = files.path('outrun.pcapng');
      writeFileSync(file, Buffer.concat(chunks));
      const missing = summary.missing.in + summary.missing.out;
      expect(missing).toBeGreaterThan(0);
      const rows = await tsharkFields(file, ['tcp.len', 'tcp.analysis.lost_segment', 'frame.comment'], 'tcp.len > 0');
      expect(rows.reduce((total, row) => total + Number(row[0]), 0) + missing).toBe(2 * half);
      const marked = rows.filter((row) => /fell out of the log before they were read/.test(row[2]));
      expect(marked).toHaveLength(1);
      expect(marked[0][1]).not.toBe('');
    } finally {
      await big.dispose();
    }
  }, 60_000);
});

describe('cancelling an export', () => {
  it('stops writing and removes the partial file', async () => {
    const { id } = await floodedListener(1, 1000);
    const connection = core.engine.snapshot().sockets.find((s) => s.parentId === id);
    for (let i = 0; i < 300; i++) await core.engine.send({ id: connection?.id ?? '', data: Uint8Array.of(i & 0xff) });
    const path = files.path('cancelled.jsonl');
    const abort = new AbortController();
    const written: number[] = [];
    const exported = exportToFile(core.engine, { ids: [id], format: 'jsonl' }, path, {
      signal: abort.signal,
      onProgress: (bytes) => {
        written.push(bytes);
        abort.abort();
      },
    });
    await expect(exported).rejects.toThrow('The export was cancelled');
    expect(written).toHaveLength(1);
    expect(existsSync(path)).toBe(false);
  });
});

describe('a recording', () => {
  it('holds every byte even when the log keeps only the last 100 kB, and says what a slow disk left out', async () => {
    const listener = await core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const whole = await Recording.start(core.engine, { path: files.path('whole.pcapng'), format: 'pcapng' });
    // A disk that is never fast enough: every payload waits on a queue that is already full.
    const starved = await Recording.start(core.engine, { path: files.path('starved.pcapng'), format: 'pcapng', maxQueuedBytes: -1 });
    const client = await connectClient(listener.local?.port ?? 0);
    const sent = 2_000_000;
    await client.write(randomBytes(sent));
    await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === sent), 'everything to arrive');
    await client.write(Buffer.from('last'));
    await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === sent + 4), 'the last bytes');
    const wholeStatus = await whole.stop();
    const starvedStatus = await starved.stop();
    expect(wholeStatus.lostBytes).toBe(0);
    const rows = await tsharkFields(files.path('whole.pcapng'), ['tcp.len']);
    expect(rows.reduce((total, row) => total + Number(row[0]), 0)).toBe(sent + 4);
    expect(starvedStatus.lostBytes).toBe(sent + 4);
    const starvedRows = await tsharkFields(files.path('starved.pcapng'), ['tcp.len', 'frame.comment']);
    expect(starvedRows.reduce((total, row) => total + Number(row[0]), 0)).toBe(0);
  });
});

describe('a recording behind a slow disk', () => {
  it('leaves payloads out while its queue is full, then marks the gap before the next packet it writes', async () => {
    const listener = await core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    // Anything waiting for the disk counts as full: a burst of reads in one turn overflows it.
    const recording = await Recording.start(core.engine, { path: files.path('behind.pcapng'), format: 'pcapng', maxQueuedBytes: 1 });
    const client = await connectClient(listener.local?.port ?? 0);
    const sent = 4_000_000;
    await client.write(randomBytes(sent));
    await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === sent), 'everything to arrive');
    await waitFor(() => recording.status().queuedBytes === 0, 'the disk to catch up');
    await client.write(Buffer.from('last'));
    await waitFor(() => core.engine.snapshot().sockets.some((s) => s.parentId === listener.id && s.bytesIn === sent + 4), 'the last bytes');
    const status = await recording.stop();
    expect(status.lostBytes).toBeGreaterThan(0);
    const rows = await tsharkFields(files.path('behind.pcapng'), ['tcp.len', 'tcp.analysis.lost_segment', 'frame.comment', 'tcp.seq'], 'tcp.len > 0');
    expect(rows.reduce((total, row) => total + Number(row[0]), 0) + status.lostBytes).toBe(sent + 4);
    const last = rows[rows.length - 1];
    expect(last[0]).toBe('4');
    // The stream's numbering counts what was left out: the last 4 bytes sit right after all the others.
    expect(Number(last[3])).toBe(1 + sent);
    // Wherever the numbering jumps, the packet after the jump carries the comment, and Wireshark
    // says "previous segment not captured" (the handshake counts as recorded); nowhere else.
    let next = 1;
    let gaps = 0;
    for (const [len, lostSegment, comment, seq] of rows) {
      if (Number(seq) > next) {
        gaps++;
        expect(lostSegment).not.toBe('');
        expect(comment).toMatch(/bytes received before this were not recorded: the disk fell behind/);
      } else {
        expect(Number(seq)).toBe(next);
        expect(comment).not.toMatch(/were not recorded/);
      }
      next = Number(seq) + Number(len);
    }
    expect(gaps).toBeGreaterThan(0);
  });
});

describe('reading a log file as it arrives', () => {
  it('keeps only the newest entries a log could hold, counting the rest as dropped', () => {
    const parser = new LogFileParser({ maxEntries: 3, maxBytes: 10 });
    const socket = socketInfo('con-1', { kind: 'tcp-connection', state: 'closed' });
    parser.line(headerLine(1, new Date()));
    parser.line(socketLine(socket, 2));
    for (let seq = 0; seq < 5000; seq++) parser.line(entryLine('con-1', { seq, time: seq, dir: 'in', bytes: Uint8Array.of(seq & 0xff, 1, 2, 3) }));
    const [file] = parser.finish();
    // 4 bytes each: two fit in 10 bytes.
    expect(file.entries.map((e) => e.seq)).toEqual([4998, 4999]);
    expect(file.dropped).toBe(2 + 4998);
  });
});
