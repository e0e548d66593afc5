/**
 * Sends `--count` datagrams of `--size` bytes to 127.0.0.1:`--port`, at `--rate` per second
 * (0: as fast as this process can). Prints `done {"sent","secs"}`.
 */
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    count: { type: 'string' },
    size: { type: 'string', default: '64' },
    rate: { type: 'string', default: '0' },
    'timeout-ms': { type: 'string', default: '120000' },
  },
});
const port = Number(values.port);
const count = Number(values.count);
const rate = Number(values.rate);
const timeoutMs = Number(values['timeout-ms']);
const payload = Buffer.alloc(Number(values.size), 0x61);
/** Most datagrams sent in one go before yielding to the event loop. */
const BURST = 1000;

const socket = createSocket('udp4');
socket.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
socket.connect(port, '127.0.0.1', () => {
  const start = performance.now();
  const deadline = start + timeoutMs;
  let sent = 0;
  const tick = (): void => {
    const now = performance.now();
    const due = rate > 0 ? Math.min(count, Math.floor(((now - start) / 1000) * rate)) : count;
    const end = Math.min(due, sent + BURST);
    for (; sent < end; sent++) socket.send(payload);
    if (sent >= count || now > deadline) {
      console.log(`done ${JSON.stringify({ sent, secs: (performance.now() - start) / 1000 })}`);
      socket.close();
      return;
    }
    // Paced: come back at the next millisecond; flat out: just let I/O callbacks run.
    if (rate > 0 && sent >= due) setTimeout(tick, 1);
    else setImmediate(tick);
  };
  tick();
});
