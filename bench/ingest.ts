/**
 * 1. Ingest throughput: the same sender pushes the same bytes over TCP into socat (writing to
 * /dev/null), into a bare node:net receiver, and into a Sockscope listener (logging, with a
 * WebSocket client subscribed to the host's event batches).
 */
import type { BenchContext } from './lib/context';
import { startHost } from './lib/host';
import { freePort, waitUntilBound } from './lib/net';
import { cpuSecondsOf, startPeer, startProcess } from './lib/proc';
import { mbPerSec, pairedRatios, perSecond, ratioSpread, spreadOf, valueSpread, type Row } from './lib/report';

const GiB = 1024 ** 3;

interface SendResult {
  bytes: number;
  secs: number;
}

async function send(port: number, bytes: number, chunk = 65536): Promise<SendResult> {
  const sender = startPeer('tcp-sender.ts', ['--port', String(port), '--bytes', String(bytes), '--chunk', String(chunk)]);
  const done = await sender.waitForLine(/^done (.*)$/, 180_000);
  await sender.exited;
  return JSON.parse(done[1]) as SendResult;
}

/** socat -u TCP-LISTEN → /dev/null, with the same 64 KiB reads Node uses. */
export async function sendToSocat(bytes: number, chunk?: number): Promise<SendResult> {
  const port = await freePort();
  const socat = startProcess('socat', ['-u', '-b', '65536', `TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr`, 'OPEN:/dev/null,wronly']);
  try {
    await waitUntilBound(port, 'tcp');
    return await send(port, bytes, chunk);
  } finally {
    await socat.stop();
  }
}

async function sendToBareNode(bytes: number): Promise<SendResult> {
  const receiver = startPeer('bare-receiver.ts', ['--tcp']);
  try {
    const port = Number((await receiver.waitForLine(/^ready (\d+)/))[1]);
    return await send(port, bytes);
  } finally {
    await receiver.stop();
  }
}

export interface SockscopeRun extends SendResult {
  /** Log entries the subscribed client was shown per second while the bytes arrived. */
  entriesPerSec: number;
  entries: number;
}

/** Sends into a listener on a running host; the client must see every byte in its events. */
export async function sendToSockscope(
  host: Awaited<ReturnType<typeof startHost>>,
  listenerId: string,
  port: number,
  bytes: number,
  chunk?: number,
): Promise<SockscopeRun> {
  const known = new Set(host.sockets.keys());
  const entriesBefore = host.entriesSeen();
  const start = performance.now();
  const result = send(port, bytes, chunk);
  let connectionId: string | undefined;
  await host.waitFor(
    () => {
      connectionId ??= [...host.sockets.values()].find((s) => s.parentId === listenerId && !known.has(s.id))?.id;
      return connectionId !== undefined && (host.sockets.get(connectionId)?.bytesIn ?? 0) >= bytes;
    },
    'the client to see every byte',
    180_000,
  );
  const seenAt = performance.now();
  const sent = await result;
  const entries = host.entriesSeen() - entriesBefore;
  const info = connectionId === undefined ? undefined : host.sockets.get(connectionId);
  // Receive window from the engine's own clock: first byte (creation) to the last byte.
  const receiveSecs = info?.lastActivityAt === undefined ? (seenAt - start) / 1000 : (info.lastActivityAt - info.createdAt) / 1000;
  if (connectionId !== undefined) await host.invoke('socket.remove', { id: connectionId });
  return { ...sent, entries, entriesPerSec: entries / Math.max(receiveSecs, 1e-3) };
}

export async function ingest(ctx: BenchContext): Promise<Row[]> {
  const bytes = ctx.smoke ? 32 * 1024 * 1024 : GiB;
  const rounds = ctx.smoke ? 1 : 5;
  const socat: number[] = [];
  const bare: number[] = [];
  const sockscope: number[] = [];
  const eventRates: number[] = [];
  const host = await startHost(ctx.hostNodeArgs);
  try {
    const listener = await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0 });
    const port = listener.local?.port ?? 0;
    for (let round = 1; round <= rounds; round++) {
      const s = await sendToSocat(bytes);
      socat.push(s.bytes / s.secs);
      const b = await sendToBareNode(bytes);
      bare.push(b.bytes / b.secs);
      // Host CPU for the transfer (its client's events included): what each read costs, whatever else the machine runs.
      const cpuBefore = cpuSecondsOf(host.pid);
      const k = await sendToSockscope(host, listener.id, port, bytes);
      const cpuPerGiB = ((cpuSecondsOf(host.pid) - cpuBefore) * GiB) / bytes;
      sockscope.push(k.bytes / k.secs);
      eventRates.push(k.entriesPerSec);
      ctx.log(
        `ingest round ${round}: socat ${mbPerSec(s.bytes / s.secs)}, node ${mbPerSec(b.bytes / b.secs)}, ` +
          `sockscope ${mbPerSec(k.bytes / k.secs)} (${k.entries} entries, ${perSecond(k.entriesPerSec, 'entries')}, host ${cpuPerGiB.toFixed(2)} s CPU per GiB)`,
      );
    }
  } finally {
    await host.stop();
  }
  // Judged on the median of the round-by-round ratios: each round sends to socat and to Sockscope
  // minutes apart, so a ratio compares two receivers under the same load on the machine.
  const ratios = spreadOf(pairedRatios(sockscope, socat));
  const size = ctx.smoke ? '32 MiB' : '1 GiB';
  return [
    {
      benchmark: '1 Ingest',
      measure: `TCP ${size}, logging on; ratio ${ratioSpread(ratios)}`,
      sockscope: valueSpread(spreadOf(sockscope), mbPerSec),
      reference: `socat ${valueSpread(spreadOf(socat), mbPerSec)}; bare node:net ${mbPerSec(spreadOf(bare).median)} median`,
      ratio: ratios.median,
      target: '≥ 0.9× socat (median)',
      pass: ctx.smoke ? undefined : ratios.median >= 0.9,
    },
    {
      benchmark: '1 Ingest',
      measure: 'log entries shown to a subscribed client (64 KiB reads)',
      sockscope: valueSpread(spreadOf(eventRates), (n) => perSecond(n, 'entries')),
    },
  ];
}
