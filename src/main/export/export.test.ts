import { createSocket, type Socket as UdpPeer } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '@shared/wire';
import type { LogEntry, SocketInfo } from '@shared/contract';
import { type Core, createCore } from '../core';
import type { Engine } from '../engine/engine';
import { allEntries } from '../engine/test-support/engine-log';
import { connectClient, startEchoServer, stopPeers, type TestClient } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { exportLogs } from './export-logs';
import { scratchDir, tsharkFields } from './test-support/tshark';

let core: Core;
let engine: Engine;
let files: ReturnType<typeof scratchDir>;
const udpPeers: UdpPeer[] = [];

beforeEach(() => {
  core = createCore();
  engine = core.engine;
  files = scratchDir();
});

afterEach(async () => {
  await core.dispose();
  await stopPeers();
  for (const peer of udpPeers.splice(0)) peer.close();
  files.remove();
});

function exportTo(name: string, ids: string[] | undefined, format: 'jsonl' | 'pcapng'): string {
  return files.write(name, exportLogs(engine, { ids, format }).data);
}

/** A listener that has accepted `client`; resolves with the connection once `bytes` arrived. */
async function acceptedConnection(listenerId: string, client: TestClient, bytes: number): Promise<SocketInfo> {
  let found: SocketInfo | undefined;
  await waitFor(() => {
    found = engine.snapshot().sockets.find((s) => s.parentId === listenerId && s.remote?.port === client.localPort && s.bytesIn === bytes);
    return found !== undefined;
  }, 'the connection to receive everything');
  return found as SocketInfo;
}

/** µs since the epoch, as a capture stores a log entry's time. */
function micros(entry: LogEntry): string {
  const us = Math.round(entry.time * 1000);
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

describe('pcapng export, read back by tshark', () => {
  it('turns a TCP connection into a handshake, data segments of at most 64 KiB with consistent seq/ack, and the close', async () => {
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    const client = await connectClient(port);
    const big = randomBytes(150_000);
    await client.write(Buffer.from('hello'));
    await client.write(big);
    const connection = await acceptedConnection(listener.id, client, 5 + big.byteLength);
    await engine.send({ id: connection.id, data: new Uint8Array(Buffer.from('world\n')) });
    await waitFor(() => client.received().toString() === 'world\n', 'the reply');
    client.socket.end();
    await waitFor(() => engine.info(connection.id).state === 'closed', 'the connection to close');

    const file = exportTo('tcp.pcapng', [listener.id], 'pcapng');
    const rows = await tsharkFields(file, [
      'ip.src',
      'tcp.srcport',
      'ip.dst',
      'tcp.dstport',
      'tcp.flags.str',
      'tcp.len',
      'tcp.payload',
      'ip.checksum.status',
      'tcp.checksum.status',
    ]);
    const c = String(client.localPort);
    const s = String(port);
    const flags = rows.map((r) => `${r[1] === c ? 'C' : 'S'}:${r[4].replace(/·/g, '')}`);
    // The data from the client arrives as the kernel handed it over: one or more reads, each split to fit.
    const clientData = flags.slice(3).filter((f) => f === 'C:AP').length;
    expect(flags).toEqual(['C:S', 'S:AS', 'C:A', ...Array<string>(clientData).fill('C:AP'), 'S:AP', 'C:AF', 'S:A', 'S:AF', 'C:A']);
    expect(rows.every((r) => r[0] === '127.0.0.1' && r[2] === '127.0.0.1' && [c, s].includes(r[1]) && [c, s].includes(r[3]))).toBe(true);
    expect(Math.max(...rows.map((r) => Number(r[5])))).toBeLessThanOrEqual(65_535);
    expect(clientData).toBeGreaterThanOrEqual(Math.ceil(big.byteLength / 65_495));
    const sent = (from: string): Buffer => Buffer.concat(rows.filter((r) => r[1] === from && r[6] !== '').map((r) => Buffer.from(r[6], 'hex')));
    expect(sent(c).equals(Buffer.concat([Buffer.from('hello'), big]))).toBe(true);
    expect(sent(s).toString()).toBe('world\n');
    // Checksums are right, and Wireshark's TCP analysis finds no lost, repeated or unexpected segment.
    expect(rows.every((r) => r[7] === '1' && r[8] === '1')).toBe(true);
    expect(await tsharkFields(file, ['frame.number'], 'tcp.analysis.flags')).toEqual([]);

    // Timestamps are the log's, to the microsecond.
    const dataTimes = (await tsharkFields(file, ['frame.time_epoch'], 'tcp.len > 0')).map((r) => r[0].slice(0, 17));
    const entryTimes = allEntries(engine, connection.id).flatMap((entry) =>
      entry.dir === 'event' ? [] : Array<string>(Math.max(1, Math.ceil(entry.bytes.byteLength / 65_495))).fill(micros(entry)),
    );
    expect(dataTimes).toEqual(entryTimes);
  });

  it('writes IPv6 TCP and UDP in both directions with their real endpoints, all sockets merged in time order', async () => {
    const echo = await startEchoServer('::1');
    const tcp = await engine.connectTcp({ host: '::1', port: echo.port, timeoutMs: 2000 });
    await engine.send({ id: tcp.id, data: new Uint8Array(Buffer.from('over ipv6')) });
    await waitFor(() => engine.info(tcp.id).bytesIn === 9, 'the echo');

    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const udpPort = udp.local?.port ?? 0;
    const peer = createSocket('udp4');
    udpPeers.push(peer);
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const peerPort = peer.address().port;
    peer.send(Buffer.from([0, 1, 2, 255]), udpPort, '127.0.0.1');
    await waitFor(() => engine.info(udp.id).messagesIn === 1, 'the datagram');
    await engine.send({ id: udp.id, data: new Uint8Array(Buffer.from('back')), target: { host: '127.0.0.1', port: peerPort } });

    const file = exportTo('all.pcapng', undefined, 'pcapng');
    const v6 = await tsharkFields(file, ['ipv6.src', 'ipv6.dst', 'tcp.payload'], 'ipv6 && tcp.len > 0');
    expect(v6).toEqual([
      ['::1', '::1', Buffer.from('over ipv6').toString('hex')],
      ['::1', '::1', Buffer.from('over ipv6').toString('hex')],
    ]);
    const v4 = await tsharkFields(file, ['ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport', 'udp.payload', 'udp.checksum.status'], 'udp');
    expect(v4).toEqual([
      ['127.0.0.1', String(peerPort), '127.0.0.1', String(udpPort), '000102ff', '1'],
      ['127.0.0.1', String(udpPort), '127.0.0.1', String(peerPort), Buffer.from('back').toString('hex'), '1'],
    ]);
    const times = (await tsharkFields(file, ['frame.time_epoch'])).map((r) => Number(r[0]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('JSON Lines export and import', () => {
  it('writes one line per socket and entry, and imports back as read-only logs with the same bytes, times and peers', async () => {
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const peer = createSocket('udp4');
    udpPeers.push(peer);
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    peer.send(binary, udp.local?.port ?? 0, '127.0.0.1');
    await waitFor(() => engine.info(udp.id).messagesIn === 1, 'the datagram');

    const exported = exportLogs(engine, { ids: [udp.id], format: 'jsonl' }, { at: new Date(2025, 0, 2, 3, 4, 5) });
    expect(exported.fileName).toBe(`sockscope-${udp.id}-20250102-030405.jsonl`);
    const lines = Buffer.from(exported.data)
      .toString()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const original = allEntries(engine, udp.id);
    expect(lines).toHaveLength(2 + original.length);
    expect(lines[0]).toMatchObject({ type: 'sockscope-log', version: 1, sockets: 1 });
    expect(lines[1]).toMatchObject({ type: 'socket', socket: { id: udp.id, kind: 'udp' }, dropped: 0 });
    expect(lines).toContainEqual(expect.objectContaining({ type: 'entry', dir: 'in', size: 256, data: bytesToBase64(binary) }));

    const imported = await core.dispatcher.dispatch('log.import', { fileName: 'capture.jsonl', data: exported.data });
    expect(imported.ok).toBe(true);
    const [socket] = (imported as { value: { sockets: SocketInfo[] } }).value.sockets;
    expect(socket).toMatchObject({
      kind: 'imported',
      state: 'closed',
      local: udp.local,
      importedFrom: { fileName: 'capture.jsonl', kind: 'udp', id: udp.id },
    });
    const strip = (entries: LogEntry[]): unknown[] => entries.map(({ seq: _seq, ...rest }) => rest);
    expect(strip(allEntries(engine, socket.id))).toEqual(strip(original));
    expect(
      await core.dispatcher.dispatch('socket.send', { id: socket.id, data: new Uint8Array(1), target: { host: '127.0.0.1', port: 9 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });

    // Exported again, the imported log is the UDP socket it was, so a capture can be made from it too.
    const again = exportLogs(engine, { ids: [socket.id], format: 'jsonl' });
    expect(Buffer.from(again.data).toString()).toContain('"kind":"udp"');
    const capture = files.write('imported.pcapng', exportLogs(engine, { ids: [socket.id], format: 'pcapng' }).data);
    expect(await tsharkFields(capture, ['udp.payload'])).toEqual([[binary.toString('hex')]]);
    expect(await core.dispatcher.dispatch('socket.remove', { id: socket.id })).toEqual({ ok: true, value: {} });
    expect(engine.snapshot().sockets.map((s) => s.id)).toEqual([udp.id]);
  });

  it('refuses files it cannot read, saying which line and why', async () => {
    const importText = async (text: string, fileName = 'f.jsonl') =>
      core.dispatcher.dispatch('log.import', { fileName, data: new Uint8Array(Buffer.from(text)) });
    const header = '{"type":"sockscope-log","version":1,"exportedAt":"x","sockets":1}\n';
    const socket =
      '{"type":"socket","socket":{"id":"tcp-1","kind":"tcp-client","state":"closed","bytesIn":0,"bytesOut":0,"messagesIn":0,"messagesOut":0,"queuedBytes":0,"createdAt":1}}\n';
    expect(await importText('hello\n')).toMatchObject({ error: { code: 'INVALID_LOG_FILE', message: 'f.jsonl: Line 1: not valid JSON' } });
    expect(await importText('{"a":1}\n')).toMatchObject({
      error: { message: 'f.jsonl: Not a Sockscope log: its first line should be {"type":"sockscope-log",…}' },
    });
    expect(await importText(header.replace('"version":1', '"version":2'))).toMatchObject({
      error: { message: 'f.jsonl: Line 1: version: This file is of a newer format; this Sockscope reads version 1' },
    });
    expect(await importText(header)).toMatchObject({ error: { message: 'f.jsonl: The file holds no socket logs' } });
    expect(
      await importText(`${header}${socket}{"type":"entry","socket":"tcp-9","seq":0,"time":1,"dir":"event","event":"info","message":"m"}\n`),
    ).toMatchObject({
      error: { message: 'f.jsonl: Line 3: an entry of socket tcp-9, which no earlier line describes' },
    });
    expect(
      await importText(`${header}${socket}{"type":"entry","socket":"tcp-1","seq":0,"time":1,"dir":"in","size":5,"data":"AAAA"}\n`),
    ).toMatchObject({
      error: { message: 'f.jsonl: Line 3: "size" says 5 bytes but "data" holds 3' },
    });
    const pcapng = exportLogs(engine, { ids: [(await engine.listenTcp({ host: '127.0.0.1', port: 0 })).id], format: 'pcapng' }).data;
    expect(await core.dispatcher.dispatch('log.import', { fileName: 'c.pcapng', data: pcapng })).toMatchObject({
      error: { message: 'c.pcapng is a pcapng capture: open it in Wireshark; Sockscope imports its JSON Lines exports' },
    });
    expect(engine.snapshot().sockets.filter((s) => s.kind === 'imported')).toEqual([]);
  });

  it('refuses an export over the size limit, and unknown sockets, with a clear error', async () => {
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    expect(() => exportLogs(engine, { ids: [listener.id], format: 'jsonl' }, { maxBytes: 100 })).toThrow(
      'The export would be larger than 100 B: save it to a file instead (Export writes as it reads), or export fewer sockets',
    );
    expect(await core.dispatcher.dispatch('log.export', { ids: ['nope'], format: 'pcapng' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No socket with id nope' },
    });
  });
});
