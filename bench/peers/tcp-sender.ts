/**
 * Pushes `--bytes` over one TCP connection in writes of `--chunk` bytes, honouring backpressure,
 * then half-closes and waits for the receiver to close too. Prints one JSON line:
 * `done {"bytes","secs"}` where secs runs from connected to the receiver's close (so it includes
 * the receiver reading everything).
 */
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    bytes: { type: 'string' },
    chunk: { type: 'string', default: '65536' },
    'timeout-ms': { type: 'string', default: '120000' },
  },
});
const port = Number(values.port);
const total = Number(values.bytes);
const chunkSize = Number(values.chunk);
const timeoutMs = Number(values['timeout-ms']);
const chunk = Buffer.alloc(chunkSize, 0x61);

const bail = setTimeout(() => {
  console.error(`tcp-sender: gave up after ${timeoutMs} ms`);
  process.exit(2);
}, timeoutMs);

/** The receiver may still be starting: retry a refused connect for a few seconds. */
async function connectWithRetry(deadline: number): Promise<Socket> {
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function main(): Promise<void> {
  const socket = await connectWithRetry(performance.now() + 5000);
  socket.on('data', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const size = Math.min(chunkSize, total - sent);
    sent += size;
    if (!socket.write(size === chunkSize ? chunk : chunk.subarray(0, size))) {
      await new Promise((resolve) => socket.once('drain', resolve));
    }
  }
  socket.end();
  await closed;
  const secs = (performance.now() - start) / 1000;
  console.log(`done ${JSON.stringify({ bytes: sent, secs })}`);
  clearTimeout(bail);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
