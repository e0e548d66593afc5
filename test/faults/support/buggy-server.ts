/**
 * Loaded into the host's process with `node --import` (tests only): a TCP server whose handler
 * has bugs, standing in for a bug in any socket callback of the main process. A line `throw …`
 * throws from the data callback; a line `reject …` leaves a rejected promise that nobody awaits.
 */
import { createServer, type AddressInfo } from 'node:net';

const server = createServer((socket) => {
  socket.on('data', (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text.startsWith('reject')) void Promise.reject(new Error(`nobody awaited this: ${text}`));
    else throw new Error(`bug while handling "${text}"`);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`Buggy server: ${(server.address() as AddressInfo).port}\n`);
});
