/**
 * Client processes that open many TCP connections at once (bench/peers/tcp-clients.ts), as
 * benchmark 3 drives a server: spread over processes (each holds its own descriptors) and source
 * addresses of their own (each has its own ephemeral ports).
 */
import { freshAddresses } from './net';
import { startPeer } from './proc';

/** Connects in flight at once, over all the processes. */
export const CONCURRENCY = 256;

/** Client processes that together open `count` connections; resolves with the earliest start. */
export class Clients {
  private readonly peers: ReturnType<typeof startPeer>[];

  /**
   * Each run takes source addresses of its own (freshAddresses): the previous run's connections
   * sit in TIME_WAIT on theirs, and a port search past 19,000 of them slowed every connect (the
   * clients, not the server, then set the pace).
   */
  constructor(port: number, count: number, processes: number) {
    const share = Math.ceil(count / processes);
    const addresses = freshAddresses(processes);
    this.peers = Array.from({ length: processes }, (_, i) =>
      startPeer('tcp-clients.ts', [
        '--port',
        String(port),
        '--count',
        String(Math.min(share, count - share * i)),
        '--concurrency',
        String(Math.ceil(CONCURRENCY / processes)),
        '--local-address',
        addresses[i],
      ]),
    );
  }

  async started(): Promise<number> {
    return Math.min(...(await Promise.all(this.peers.map(async (p) => Number((await p.waitForLine(/^started (\S+)/))[1])))));
  }

  /** Resolves once every connection is in, with how many of them took a second or more (a dropped handshake). */
  async connected(): Promise<number> {
    const reports = await Promise.all(
      this.peers.map(async (p) => JSON.parse((await p.waitForLine(/^connected (.*)$/, 120_000))[1]) as { slow: number }),
    );
    return reports.reduce((sum, r) => sum + r.slow, 0);
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.child.stdin?.end();
    await Promise.all(this.peers.map((p) => p.exited));
  }
}
