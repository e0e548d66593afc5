/**
 * A UDP flood from another process: `--count` datagrams of `--size` bytes to 127.0.0.1:`--port`,
 * as fast as it can, each starting with its 0-based number (big-endian uint32) so the receiver
 * can tell which ones it kept. Prints `sent N` when done.
 */
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, count: { type: 'string' }, size: { type: 'string' } } });
const count = Number(values.count);
const size = Number(values.size);
const socket = createSocket('udp4');
socket.connect(Number(values.port), '127.0.0.1', () => {
  let sent = 0;
  let acknowledged = 0;
  const burst = (): void => {
    // A burst, then let libuv flush it: a send queue without bound would only measure our memory.
    for (const end = Math.min(count, sent + 500); sent < end; sent++) {
      const datagram = Buffer.alloc(size, sent & 0xff);
      datagram.writeUInt32BE(sent, 0);
      socket.send(datagram, () => {
        if (++acknowledged === count) {
          process.stdout.write(`sent ${count}\n`);
          socket.close();
        }
      });
    }
    if (sent < count) setImmediate(burst);
  };
  burst();
});
