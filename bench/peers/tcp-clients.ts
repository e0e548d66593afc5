/**
 * Opens `--count` TCP connections to 127.0.0.1:`--port` from `--local-address` (another
 * 127.0.0.x spreads many clients over more source ports than one address has), at most
 * `--concurrency` connecting at once, and holds them until stdin closes. Prints `started <epoch ms>` and then
 * `connected {"count","failed","secs"}`. Lives in its own process: the open-files limit is per
 * process.
 */
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    count: { type: 'string' },
    concurrency: { type: 'string', default: '256' },
    'timeout-ms': { type: 'string', default: '60000' },
    'local-address': { type: 'string', default: '127.0.0.1' },
  },
});
const port = Number(values.port);
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const deadline = performance.now() + Number(values['timeout-ms']);
const held: Socket[] = [];
let started = 0;
let connected = 0;
let failed = 0;
let inFlight = 0;
const begin = performance.now();
console.log(`started ${performance.timeOrigin + begin}`);

function openMore(): void {
  while (inFlight < concurrency && started < count && performance.now() < deadline) {
    started++;
    inFlight++;
    const socket = connect({ port, host: '127.0.0.1', localAddress: values['local-address'] });
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      inFlight--;
      if (ok) connected++;
      else failed++;
      if (connected + failed === count) {
        console.log(`connected ${JSON.stringify({ count: connected, failed, secs: (performance.now() - begin) / 1000 })}`);
      } else openMore();
    };
    socket.once('connect', () => settle(true));
    socket.on('error', () => settle(false));
    held.push(socket);
  }
}
openMore();
createInterface({ input: process.stdin }).on('close', () => {
  for (const socket of held) socket.destroy();
  process.exit(0);
});
