/**
 * The reference receivers in plain Node: `--tcp` accepts one connection and reads it to the end;
 * `--udp` counts datagrams, with a receive buffer of `--rcvbuf` bytes if given (the size
 * Sockscope asks for, so that both hold the same backlog). Prints `ready <port>`; for UDP, a line
 * on stdin asks for `count <n>`.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { tcp: { type: 'boolean' }, udp: { type: 'boolean' }, rcvbuf: { type: 'string' } } });

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
  const socket = createSocket({ type: 'udp4', recvBufferSize: values.rcvbuf ? Number(values.rcvbuf) : undefined });
  socket.on('message', () => datagrams++);
  socket.bind(0, '127.0.0.1', () => console.log(`ready ${socket.address().port}`));
  createInterface({ input: process.stdin })
    .on('line', () => console.log(`count ${datagrams}`))
    .on('close', () => process.exit(0));
}
