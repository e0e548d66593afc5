/**
 * The reference for accepting connections: a bare node:net server that only accepts and holds.
 * Prints `ready <port>`; with `--warm-up N`, `warmed` once N connections are in (those are not
 * held: they go when their clients close them); then `accepted {"count","first","last"}` (epoch
 * ms) once `--count` more are in; exits when stdin closes.
 */
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { count: { type: 'string' }, backlog: { type: 'string', default: '511' }, 'warm-up': { type: 'string', default: '0' } },
});
const count = Number(values.count);
let warmUp = Number(values['warm-up']);
const held: Socket[] = [];
let first = 0;
const server = createServer((socket) => {
  socket.on('error', () => undefined);
  if (warmUp > 0) {
    if (--warmUp === 0) console.log('warmed');
    return;
  }
  if (held.length === 0) first = performance.timeOrigin + performance.now();
  held.push(socket);
  if (held.length === count) {
    console.log(`accepted ${JSON.stringify({ count, first, last: performance.timeOrigin + performance.now() })}`);
  }
});
server.listen({ port: 0, host: '127.0.0.1', backlog: Number(values.backlog) }, () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
});
createInterface({ input: process.stdin }).on('close', () => process.exit(0));
