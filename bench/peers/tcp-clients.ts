/**
 * Opens `--count` TCP connections to 127.0.0.1:`--port` from `--local-address` (another
 * 127.0.0.x spreads many clients over more source ports than one address has), at most
 * `--concurrency` connecting at once, and holds them until stdin closes. Prints `started <epoch ms>` and then
 * `connected {"count","failed","slow","secs"}` (slow: connects that took a second or more). Lives in its own process: the open-files limit is per
 * process.
 */
import { parseArgs } from 'node:util';
import { holdConnections } from './held-connections';

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
const begin = performance.now();
console.log(`started ${performance.timeOrigin + begin}`);

holdConnections({
  port,
  count,
  concurrency,
  deadline,
  localAddress: values['local-address'],
  onConnect: (_socket, settle) => settle(true),
  onAllSettled: (connected, failed, slow) =>
    console.log(`connected ${JSON.stringify({ count: connected, failed, slow, secs: (performance.now() - begin) / 1000 })}`),
});
