/**
 * What a page subscribed to the host is sent while a UDP socket with auto-reply rules takes a
 * flood of datagrams (or, with --tls, a connection to a TLS listener takes as many TLS records):
 * the bytes of every event batch, counted on a second WebSocket that only listens.
 * `--paced` spreads the messages over about five seconds (100 every 50 ms) instead of sending them at once.
 * `npx electron-vite build && npx tsx bench/event-bytes.ts [--count 10000] [--tls] [--paced]`
 */
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { startHost } from './lib/host';
import { startProcess } from './lib/proc';

/** Rules as a mock server might have them: the first answers the flood, the others wait their turn. */
const RULES = [
  { id: 'ping', match: 'exact', pattern: 'PING', reply: 'PONG' },
  { id: 'hello', match: 'contains', pattern: 'HELLO', reply: `{"greeting":"${'welcome to the mock service '.repeat(8)}"}` },
  { id: 'status', match: 'regex', pattern: '^STATUS (?<name>\\w+)$', reply: '{"name":"$<name>","status":"up","uptime":12345}' },
  { id: 'quit', match: 'exact', pattern: 'QUIT', reply: '' },
] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '10000' }, tls: { type: 'boolean', default: false }, paced: { type: 'boolean', default: false } },
  });
  const count = Number(values.count);
  const tls = values.tls ?? false;
  const pause = values.paced ? '\n  if i % 100 == 99: time.sleep(0.05)' : '';
  const host = await startHost();
  try {
    const url = new URL(host.url);
    url.protocol = 'ws:';
    url.pathname = '/ws';
    const page = new WebSocket(url);
    await new Promise<void>((done, fail) => {
      page.once('open', () => done());
      page.once('error', fail);
    });
    let bytes = 0;
    let batches = 0;
    page.on('message', (data: Buffer) => {
      bytes += data.byteLength;
      batches++;
    });

    const receiver = tls
      ? await host.invoke('tcp.listen', { host: '127.0.0.1', port: 0, tls: { certificate: { mode: 'self-signed', names: ['localhost'] } } })
      : await host.invoke('udp.bind', { host: '127.0.0.1', port: 0 });
    await host.invoke('autoReply.set', { id: receiver.id, rules: [...RULES] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    bytes = batches = 0;

    const port = receiver.local?.port ?? 0;
    const send = tls
      ? 'import socket, ssl, time\nc = ssl.create_default_context()\nc.check_hostname = False\nc.verify_mode = ssl.CERT_NONE\n' +
        `s = c.wrap_socket(socket.create_connection(("127.0.0.1", ${port})), server_hostname="localhost")\n` +
        `for i in range(${count}):\n  s.send(b"PING")${pause}\nprint("sent", flush=True)\ntime.sleep(5)`
      : `import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range(${count}):\n  s.sendto(b"PING", ("127.0.0.1", ${port}))${pause}\nprint("sent", flush=True)`;
    const sender = startProcess('python3', ['-c', send]);
    await sender.waitForLine(/sent/, 60_000);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const sockets = (await host.invoke('app.snapshot', {})).sockets;
      const socket = sockets.find((s) => (tls ? s.parentId === receiver.id : s.id === receiver.id));
      if (socket && socket.bytesIn + 4 * (socket.kernelDrops ?? 0) >= 4 * count) {
        // The last batch leaves within the batcher's interval.
        await new Promise((resolve) => setTimeout(resolve, 500));
        process.stdout.write(
          `${count} ${tls ? 'TLS records' : 'datagrams'} (${socket.messagesIn} reads logged, ${socket.kernelDrops ?? 0} dropped by the kernel): ${bytes} bytes in ${batches} batches to a subscribed page (${(bytes / count).toFixed(1)} bytes per message)\n`,
        );
        break;
      }
      if (Date.now() > deadline) throw new Error('The flood was not accounted for within a minute');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    page.terminate();
    await sender.stop();
  } finally {
    await host.stop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
