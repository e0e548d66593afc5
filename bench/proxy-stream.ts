/**
 * 8. Proxy, bulk and scale: one stream through the proxy (logging both directions) against a
 * one-connection `socat` relay between the same sender and the same sink; many conversations
 * held open (what each costs the host); and a held direction of a large stream (the proxy stops
 * reading the held side, so the host's peak RSS stays within the log budget).
 */
import { DEFAULT_LOG_BUDGET_BYTES } from '../src/main/engine/log-budget';
import type { BenchContext } from './lib/context';
import { type HostClient, startHost } from './lib/host';
import { freePort, waitUntilBound } from './lib/net';
import { memoryOf, type Peer, sleep, startPeer, startProcess } from './lib/proc';
import { mb, mbPerSec, pairedRatios, ratioSpread, spreadOf, valueSpread, type Row } from './lib/report';

const MiB = 1024 * 1024;
const OVERHEAD_BYTES = 150e6;

/** Starts the sender's `--bytes` towards `port`; resolves with bytes per second (connect to the receiver's close). */
function startSend(port: number, bytes: number): Promise<number> {
  const sender = startPeer('tcp-sender.ts', ['--port', String(port), '--bytes', String(bytes), '--timeout-ms', '300000']);
  return sender.waitForLine(/^done (.*)$/, 300_000).then((done) => {
    const { secs } = JSON.parse(done[1]) as { secs: number };
    return bytes / secs;
  });
}

/** A sink for every round: socat reads each connection into /dev/null with 64 KiB reads, as Node reads. */
async function startSink(): Promise<{ port: number; peer: Peer }> {
  const port = await freePort();
  const peer = startProcess('socat', ['-u', '-b', '65536', `TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, 'OPEN:/dev/null,wronly']);
  await waitUntilBound(port, 'tcp');
  return { port, peer };
}

/** A one-connection relay: socat copies both ways with the same 64 KiB buffer size. */
async function throughSocatRelay(sinkPort: number, bytes: number): Promise<number> {
  const port = await freePort();
  const relay = startProcess('socat', ['-b', '65536', `TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr`, `TCP4:127.0.0.1:${sinkPort}`]);
  try {
    await waitUntilBound(port, 'tcp');
    return await startSend(port, bytes);
  } finally {
    await relay.stop();
  }
}

async function createProxy(host: HostClient, upstreamPort: number): Promise<{ id: string; port: number }> {
  const created = await host.invoke('proxy.create', { host: '127.0.0.1', port: 0, upstreamHost: '127.0.0.1', upstreamPort });
  const port = host.sockets.get(created.id)?.local?.port ?? created.settings.listen.port;
  await waitUntilBound(port, 'tcp');
  return { id: created.id, port };
}

/** The conversation of `proxyId` that appears after `known` was taken. */
function newConversation(host: HostClient, proxyId: string, known: Set<string>): string | undefined {
  return [...host.sockets.values()].find((s) => s.parentId === proxyId && !known.has(s.id))?.id;
}

/** Sends through the proxy; the host's log must hold every byte, which the client is told. */
async function throughProxy(host: HostClient, proxy: { id: string; port: number }, bytes: number): Promise<number> {
  const known = new Set(host.sockets.keys());
  const rate = await startSend(proxy.port, bytes);
  let id: string | undefined;
  await host.waitFor(
    () => {
      id ??= newConversation(host, proxy.id, known);
      return id !== undefined && (host.sockets.get(id)?.bytesOut ?? 0) >= bytes;
    },
    'the conversation to log every byte',
    60_000,
  );
  if (id !== undefined) await host.invoke('socket.remove', { id });
  return rate;
}

async function stream(ctx: BenchContext, sinkPort: number): Promise<Row> {
  const bytes = ctx.smoke ? 32 * MiB : 1024 * MiB;
  const rounds = ctx.smoke ? 1 : 5;
  const relayed: number[] = [];
  const proxied: number[] = [];
  const host = await startHost(ctx.hostNodeArgs);
  try {
    const proxy = await createProxy(host, sinkPort);
    for (let round = 1; round <= rounds; round++) {
      relayed.push(await throughSocatRelay(sinkPort, bytes));
      proxied.push(await throughProxy(host, proxy, bytes));
      ctx.log(`proxy stream round ${round}: socat relay ${mbPerSec(relayed.at(-1) ?? 0)}, sockscope proxy ${mbPerSec(proxied.at(-1) ?? 0)}`);
    }
  } finally {
    await host.stop();
  }
  const ratios = spreadOf(pairedRatios(proxied, relayed));
  return {
    benchmark: '8 Proxy',
    measure: `${ctx.smoke ? '32 MiB' : '1 GiB'} through the proxy, logging; ratio ${ratioSpread(ratios)}`,
    sockscope: valueSpread(spreadOf(proxied), mbPerSec),
    reference: `socat relay ${valueSpread(spreadOf(relayed), mbPerSec)}`,
    ratio: ratios.median,
    target: '≥ 0.8× socat relay (median)',
    pass: ctx.smoke ? undefined : ratios.median >= 0.8,
  };
}

/** Many conversations, each relaying one line each way, held open: the host's RSS above idle. */
async function conversations(ctx: BenchContext): Promise<Row> {
  const count = ctx.smoke ? 100 : 1000;
  const pairs = startPeer('echo-pairs.ts', []);
  const host = await startHost(ctx.hostNodeArgs);
  try {
    const echoPort = Number((await pairs.waitForLine(/^ready (\d+)/))[1]);
    const proxy = await createProxy(host, echoPort);
    await sleep(300);
    const idle = memoryOf(host.pid).rss;
    pairs.child.stdin?.write(`connect ${proxy.port} ${count}\n`);
    const connected = JSON.parse((await pairs.waitForLine(/^connected (.*)$/, 120_000))[1]) as { count: number; failed: number; secs: number };
    if (connected.failed > 0) throw new Error(`${connected.failed} of ${count} conversations failed`);
    await sleep(500);
    const held = memoryOf(host.pid).rss;
    const each = (held - idle) / count;
    ctx.log(`proxy conversations: ${count} open in ${connected.secs.toFixed(1)} s; host RSS idle ${mb(idle)}, with them ${mb(held)}`);
    return {
      benchmark: '8 Proxy',
      measure: `${count.toLocaleString('en')} relayed conversations held open (one line echoed through each): host RSS`,
      sockscope: `${(each / 1024).toFixed(1)} KiB per conversation`,
      reference: `idle host ${mb(idle)}, with them ${mb(held)}`,
    };
  } finally {
    await host.stop();
    pairs.child.stdin?.end();
    await pairs.stop();
  }
}

/** Holds client → server while a large stream arrives, then lets go: the host's peak RSS (VmHWM). */
async function holdStream(ctx: BenchContext, sinkPort: number): Promise<Row> {
  const bytes = ctx.smoke ? 64 * MiB : 1024 * MiB;
  const host = await startHost(ctx.hostNodeArgs);
  try {
    const proxy = await createProxy(host, sinkPort);
    await host.invoke('proxy.hold', { id: proxy.id, stream: 'upstream', hold: true });
    const known = new Set(host.sockets.keys());
    const sending = startSend(proxy.port, bytes);
    let id: string | undefined;
    await host.waitFor(() => (id ??= newConversation(host, proxy.id, known)) !== undefined, 'the conversation', 20_000);
    // Long enough for the sender to fill every buffer between it and the proxy's held queue.
    await sleep(ctx.smoke ? 300 : 1500);
    const held = await host.invoke('proxy.held', { id: id ?? '' });
    const heldBytes = held.messages.reduce((sum, m) => sum + m.bytes.byteLength, 0);
    const rssHeld = memoryOf(host.pid).rss;
    await host.invoke('proxy.hold', { id: proxy.id, stream: 'upstream', hold: false });
    const rate = await sending;
    const peak = memoryOf(host.pid).peakRss;
    const budget = DEFAULT_LOG_BUDGET_BYTES;
    ctx.log(
      `proxy hold: ${held.messages.length} messages (${(heldBytes / 1024).toFixed(0)} KiB) held, host RSS ${mb(rssHeld)} while held; ` +
        `let go: ${mbPerSec(rate)}; peak ${mb(peak)}`,
    );
    return {
      benchmark: '8 Proxy',
      measure: `client → server held during a ${ctx.smoke ? '64 MiB' : '1 GiB'} stream (${(heldBytes / 1024).toFixed(0)} KiB read, then not), then let go: peak host RSS`,
      sockscope: mb(peak),
      reference: `log budget ${mb(budget)}; RSS while held ${mb(rssHeld)}`,
      ratio: peak / (budget + OVERHEAD_BYTES),
      target: `≤ log budget + 150 MB (${mb(budget + OVERHEAD_BYTES)})`,
      pass: ctx.smoke ? undefined : peak <= budget + OVERHEAD_BYTES,
    };
  } finally {
    await host.stop();
  }
}

export async function proxyStreams(ctx: BenchContext): Promise<Row[]> {
  const sink = await startSink();
  try {
    return [await stream(ctx, sink.port), await conversations(ctx), await holdStream(ctx, sink.port)];
  } finally {
    await sink.peer.stop();
  }
}
