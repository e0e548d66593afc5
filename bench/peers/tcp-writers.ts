/**
 * Opens `--count` TCP connections to 127.0.0.1:`--port`, at most `--concurrency` busy at once,
 * and writes `--bytes` on each (in 64 KiB writes, honouring backpressure). A connection that has
 * written everything stays OPEN, held until stdin closes: open connections' logs are the ones a
 * budget cannot simply forget (closed ones go first, and past a cap entirely). Prints
 * `written {"count","failed","bytes","secs"}` once every connection has written (or failed).
 * Lives in its own process: the open-files limit is per process.
 */
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { holdConnections } from './held-connections';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    count: { type: 'string' },
    bytes: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
  },
});
const port = Number(values.port);
const count = Number(values.count);
const bytesEach = Number(values.bytes);
const concurrency = Number(values.concurrency);
const chunk = Buffer.alloc(64 * 1024, 0x62);
const begin = performance.now();

/** Writes `bytesEach` on `socket`, resolving once the kernel has taken the last write. */
function writeAll(socket: Socket, done: (ok: boolean) => void): void {
  let left = bytesEach;
  const more = (): void => {
    while (left > 0) {
      const size = Math.min(left, chunk.length);
      left -= size;
      const last = left === 0;
      const ok = socket.write(size === chunk.length ? chunk : chunk.subarray(0, size), last ? (err) => done(!err) : undefined);
      if (!ok && !last) {
        socket.once('drain', more);
        return;
      }
    }
  };
  if (bytesEach === 0) done(true);
  else more();
}

holdConnections({
  port,
  count,
  concurrency,
  onConnect: writeAll,
  onAllSettled: (written, failed) => {
    const secs = (performance.now() - begin) / 1000;
    console.log(`written ${JSON.stringify({ count: written, failed, bytes: written * bytesEach, secs })}`);
  },
});
