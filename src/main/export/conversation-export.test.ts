/**
 * A proxy conversation exported (and recorded) as pcapng holds both real connections — the
 * client's to the proxy and the proxy's to the upstream — read back by tshark's Follow Stream.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { Recording } from '../capture/recorder';
import { connectClient, freePort } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { logEvents } from '../engine/test-support/engine-log';
import { createProxy, startRecordingServer, startRedis, useTestbed, value } from '../proxy/test-support';
import { exportLogs } from './export-logs';
import { scratchDir, tsharkFields } from './test-support/tshark';

const run = promisify(execFile);
const bed = useTestbed();
let files: ReturnType<typeof scratchDir>;

beforeEach(() => {
  files = scratchDir();
});
afterEach(() => files.remove());

interface Followed {
  nodes: [string, string];
  /** Bytes each node sent, in order. */
  sent: [string, string];
}

/** `tshark -z follow,tcp,raw,N`: both ends and what each sent. */
async function follow(file: string, stream: number): Promise<Followed> {
  const { stdout } = await run('tshark', ['-r', file, '-n', '-q', '-z', `follow,tcp,raw,${stream}`]);
  const node = (n: number): string => new RegExp(`^Node ${n}: (.*)$`, 'm').exec(stdout)?.[1] ?? '';
  const sent: [string, string] = ['', ''];
  for (const line of stdout.split('\n')) {
    if (!/^\t?[0-9a-f]+$/.test(line)) continue;
    const from = line.startsWith('\t') ? 1 : 0;
    sent[from] += Buffer.from(line.trim(), 'hex').toString('latin1');
  }
  return { nodes: [node(0), node(1)], sent };
}

const at = (e: { address: string; port: number } | undefined): string => `${e?.address}:${e?.port}`;

function conversationOf(proxyId: string): SocketInfo {
  const found = bed.engine.snapshot().sockets.find((s) => s.kind === 'proxy-conversation' && s.parentId === proxyId);
  if (!found) throw new Error('no conversation');
  return found;
}

describe('pcapng of a proxy conversation', () => {
  it('holds the client ↔ proxy and proxy ↔ upstream connections with their real ends (redis-cli through the proxy)', async () => {
    const redis = await startRedis();
    const proxy = await createProxy(bed, redis);
    const recorded = files.path('recorded.pcapng');
    const recording = await Recording.start(bed.engine, { path: recorded, format: 'pcapng', ids: [proxy.id], overwrite: false });
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(proxy.port), 'SET', 'k', 'v']);
    expect(stdout.trim()).toBe('OK');
    await waitFor(() => conversationOf(proxy.id).state === 'closed', 'the conversation to close');
    await recording.stop();
    const conversation = conversationOf(proxy.id);
    const exported = files.write('exported.pcapng', exportLogs(bed.engine, { ids: [proxy.id], format: 'pcapng' }).data);

    const request = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n';
    for (const file of [exported, recorded]) {
      const [clientSide, upstreamSide] = [await follow(file, 0), await follow(file, 1)];
      // The client dialled the proxy: the client is node 0 and sent the request.
      expect(clientSide.nodes).toEqual([at(conversation.remote), at(conversation.local)]);
      expect(clientSide.sent).toEqual([request, '+OK\r\n']);
      // The proxy dialled redis from its own port.
      expect(upstreamSide.nodes).toEqual([at(conversation.conversation?.upstreamLocal), `127.0.0.1:${redis}`]);
      expect(upstreamSide.sent).toEqual([request, '+OK\r\n']);
      // Each opened with a handshake and closed with FINs both ways; checksums are good (status 1).
      const rows = await tsharkFields(file, ['tcp.stream', 'tcp.flags.str', 'tcp.checksum.status']);
      for (const stream of ['0', '1']) {
        const flags = rows.filter((r) => r[0] === stream).map((r) => r[1].replace(/·/g, ''));
        expect(flags.slice(0, 3)).toEqual(['S', 'AS', 'A']);
        expect(flags.filter((f) => f.includes('F'))).toHaveLength(2);
      }
      expect(rows.every((r) => r[2] === '1')).toBe(true);
    }
  });

  it("leaves a gap where the client's bytes were dropped on the way, on the client's connection only, and says why", async () => {
    const upstream = await startRecordingServer((socket) => socket.on('end', () => socket.end()));
    const proxy = await createProxy(bed, upstream.port);
    const recorded = files.path('recorded.pcapng');
    const recording = await Recording.start(bed.engine, { path: recorded, format: 'pcapng', ids: [proxy.id], overwrite: false });
    const dispatch = (command: 'proxy.hold' | 'proxy.release', input: Record<string, unknown>): Promise<unknown> =>
      bed.dispatcher.dispatch(command, { stream: 'upstream', ...input }).then(value);
    await dispatch('proxy.hold', { id: proxy.id, hold: true });
    const client = await connectClient(proxy.port);
    await client.write(Buffer.from('dropped!'));
    await waitFor(() => bed.engine.snapshot().sockets.some((s) => s.kind === 'proxy-conversation' && s.parentId === proxy.id), 'the conversation');
    const { id } = conversationOf(proxy.id);
    await waitFor(() => bed.engine.info(id).conversation?.held?.upstream === 1, 'the message to be held');
    expect(await dispatch('proxy.release', { id, action: 'drop' })).toEqual({ released: 1 });
    await dispatch('proxy.hold', { id: proxy.id, hold: false });
    await client.write(Buffer.from('kept'));
    await waitFor(() => Buffer.concat(upstream.reads).toString() === 'kept', 'the server to get what came after');
    client.socket.end();
    await waitFor(() => conversationOf(proxy.id).state === 'closed', 'the conversation to close');
    await recording.stop();
    expect(logEvents(bed.engine, id).find((event) => event.lost)).toMatchObject({
      message: 'Dropped held message #1 (8 bytes)',
      lost: { dir: 'out', bytes: 8 },
    });
    const exported = files.write('exported.pcapng', exportLogs(bed.engine, { ids: [proxy.id], format: 'pcapng' }).data);

    for (const file of [exported, recorded]) {
      const [clientSide, upstreamSide] = [await follow(file, 0), await follow(file, 1)];
      // Follow Stream shows the gap where the 8 bytes were, then what came after.
      expect(clientSide.sent[0]).toBe('[8 bytes missing in capture file]\u0000kept');
      expect(upstreamSide.sent[0]).toBe('kept');
      // The client's segment after the gap starts 8 bytes on (relative seq 1 + 8), flagged and explained.
      const rows = await tsharkFields(file, ['tcp.stream', 'tcp.seq', 'tcp.analysis.lost_segment', 'frame.comment'], 'tcp.len > 0');
      const [onClient, onUpstream] = [rows.filter((r) => r[0] === '0'), rows.filter((r) => r[0] === '1')];
      expect(onClient.map((r) => r.slice(1, 3))).toEqual([['9', '1']]);
      expect(onClient[0][3]).toContain('Not in this capture: Dropped held message #1 (8 bytes)');
      // The proxy never sent them upstream: no gap there.
      expect(onUpstream.map((r) => r.slice(1, 3))).toEqual([['1', '']]);
    }
  });

  it('shows a client reset as an RST from the client, passed on as an RST from the proxy to the upstream', async () => {
    const upstream = await startRecordingServer();
    const proxy = await createProxy(bed, upstream.port);
    const client = await connectClient(proxy.port);
    await client.write(Buffer.from('hello'));
    await waitFor(() => Buffer.concat(upstream.reads).toString() === 'hello', 'the server to get hello');
    client.socket.resetAndDestroy();
    await waitFor(() => conversationOf(proxy.id).state !== 'open', 'the conversation to see the reset');
    const conversation = conversationOf(proxy.id);
    const file = files.write('reset.pcapng', exportLogs(bed.engine, { ids: [conversation.id], format: 'pcapng' }).data);
    const rows = await tsharkFields(file, ['tcp.stream', 'ip.src', 'tcp.srcport', 'tcp.flags.str'], 'tcp.flags.reset == 1');
    expect(rows.map((r) => `${r[0]} ${r[1]}:${r[2]}`)).toEqual([`0 ${at(conversation.remote)}`, `1 ${at(conversation.conversation?.upstreamLocal)}`]);
    expect((await follow(file, 1)).sent[0]).toBe('hello');
  });

  it('holds only the client connection, closed by the proxy, when the upstream refused', async () => {
    const refused = await freePort();
    const proxy = await createProxy(bed, refused);
    const client = await connectClient(proxy.port);
    await waitFor(() => client.ended, 'the proxy to close the client');
    const conversation = conversationOf(proxy.id);
    await waitFor(() => conversationOf(proxy.id).state !== 'connecting', 'the conversation to fail');
    const file = files.write('refused.pcapng', exportLogs(bed.engine, { ids: [conversation.id], format: 'pcapng' }).data);
    const rows = await tsharkFields(file, ['tcp.stream', 'ip.src', 'tcp.srcport', 'tcp.flags.str']);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['0']));
    const fin = rows.find((r) => r[3].includes('F'));
    expect(`${fin?.[1]}:${fin?.[2]}`).toBe(at(conversation.local));
  });
});
