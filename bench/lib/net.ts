/** Ports and readiness for reference tools that cannot tell us when they are listening. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { sleep } from './proc';

/** A port that was free a moment ago (the kernel hands out ephemeral ports in order, so reuse is rare). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** True once something listens on TCP `port` (state 0A) or has bound UDP `port`, on IPv4. */
function isBound(port: number, protocol: 'tcp' | 'udp'): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync(`/proc/net/${protocol}`, 'utf8')
    .split('\n')
    .slice(1)
    .some((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[1]?.endsWith(hex) && (protocol === 'udp' || fields[3] === '0A');
    });
}

export async function waitUntilBound(port: number, protocol: 'tcp' | 'udp', timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!isBound(port, protocol)) {
    if (performance.now() > deadline) throw new Error(`Nothing bound ${protocol} port ${port} within ${timeoutMs} ms`);
    await sleep(10);
  }
}
