/**
 * The reference receivers in plain Node: `--tcp` accepts one connection and reads it to the end;
 * `--udp` counts datagrams. Prints `ready <port>`; for UDP, a line on stdin asks for
 * `count <n>`.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { tcp: { type: 'boolean' }, udp: { type: 'boolean' } } });

if (values.tcp) {
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    let bytes = 0;
    socket.on('data', (chunk) => (bytes += chunk.length));
    socket.on('close', () => {
      console.log(`received ${bytes}`);
      server.close();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
  });
} else if (values.udp) {
  let datagrams = 0;
  const socket = createSocket('udp4');
  socket.on('message', () => datagrams++);
  socket.bind(0, '127.0.0.1', () => console.log(`ready ${socket.address().port}`));
  createInterface({ input: process.stdin })
    .on('line', () => console.log(`count ${datagrams}`))
    .on('close', () => process.exit(0));
}
