/**
 * Both ends of many relayed conversations, in one process: an echo server (the upstream, prints
 * `ready <port>`), and on a stdin line `connect <port> <count>` that many clients to `port` (the
 * proxy), each sending one line and waiting for its echo, at most 128 connecting at once. Prints
 * `connected {"count","failed","secs"}` once every client has its echo; holds everything open
 * until stdin closes. 2 × count descriptors: keep count well under the open-files limit.
 */
import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const HELLO = Buffer.from('hello through the proxy\n');
const held: Socket[] = [];
const server = createServer((socket) => {
  held.push(socket);
  socket.on('error', () => undefined);
  socket.on('data', (chunk) => socket.write(chunk));
});

function connectAll(port: number, count: number): void {
  const begin = performance.now();
  let started = 0;
  let settled = 0;
  let failed = 0;
  const openMore = (): void => {
    while (started < count && started - settled < 128) {
      started++;
      const socket = connect({ port, host: '127.0.0.1' });
      held.push(socket);
      let done = false;
      const settle = (ok: boolean): void => {
        if (done) return;
        done = true;
        settled++;
        if (!ok) failed++;
        if (settled === count) {
          console.log(`connected ${JSON.stringify({ count: count - failed, failed, secs: (performance.now() - begin) / 1000 })}`);
        } else openMore();
      };
      socket.once('connect', () => socket.write(HELLO));
      socket.once('data', () => settle(true));
      socket.on('error', () => settle(false));
      socket.once('close', () => settle(false));
    }
  };
  openMore();
}

server.listen({ port: 0, host: '127.0.0.1', backlog: 511 }, () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
});
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [word, port, count] = line.split(' ');
    if (word === 'connect') connectAll(Number(port), Number(count));
  })
  .on('close', () => {
    for (const socket of held) socket.destroy();
    process.exit(0);
  });
