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

/**
 * `count` loopback addresses in a /24 of 127.0.0.0/8 picked at random (Linux answers on all of
 * it), never 127.0.0.x: rounds, runs a minute apart and other benchmarks on the machine then
 * never find their source ports taken by connections still in TIME_WAIT.
 */
export function freshAddresses(count: number): string[] {
  const net = `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}`;
  return Array.from({ length: count }, (_, i) => `${net}.${2 + i}`);
}
