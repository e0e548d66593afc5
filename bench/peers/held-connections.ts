import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * Linux's initial retransmission timeout: a connect that took this long most likely had its
 * handshake dropped once (or its client was starved of the CPU that long: the kernel's own
 * counters, read by the benchmark, tell the two apart).
 */
const SYN_RETRY_MS = 1000;

export interface HeldConnections {
  port: number;
  count: number;
  /** At most this many connections between starting and settling at once. */
  concurrency: number;
  localAddress?: string;
  /** No new connection starts after this (performance.now()). */
  deadline?: number;
  /** What a connection does once connected; it calls `settle` when done (ok or not). */
  onConnect(socket: Socket, settle: (ok: boolean) => void): void;
  /**
   * Every connection has settled; `slow` of them took a second or more to connect, the time a
   * client waits before it retransmits a handshake the server's kernel dropped.
   */
  onAllSettled(ok: number, failed: number, slow: number): void;
}

/**
 * Opens `count` TCP connections to 127.0.0.1:`port`, `concurrency` busy at once, and holds every
 * one open until stdin closes, then exits: the peers the benchmarks start in processes of their
 * own (the open-files limit is per process).
 */
export function holdConnections(options: HeldConnections): void {
  const held: Socket[] = [];
  let started = 0;
  let ok = 0;
  let failed = 0;
  let busy = 0;
  let slow = 0;
  const openMore = (): void => {
    while (busy < options.concurrency && started < options.count && performance.now() < (options.deadline ?? Infinity)) {
      started++;
      busy++;
      const begun = performance.now();
      const socket = connect({ port: options.port, host: '127.0.0.1', localAddress: options.localAddress });
      let settled = false;
      const settle = (success: boolean): void => {
        if (settled) return;
        settled = true;
        busy--;
        if (success) ok++;
        else failed++;
        if (ok + failed === options.count) options.onAllSettled(ok, failed, slow);
        else openMore();
      };
      socket.once('connect', () => {
        if (performance.now() - begun >= SYN_RETRY_MS) slow++;
        options.onConnect(socket, settle);
      });
      socket.on('error', () => settle(false));
      held.push(socket);
    }
  };
  openMore();
  createInterface({ input: process.stdin }).on('close', () => {
    for (const socket of held) socket.destroy();
    process.exit(0);
  });
}
