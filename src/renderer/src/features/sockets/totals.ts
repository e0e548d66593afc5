import type { SocketInfo } from '@shared/contract';
import { isLive } from './socketTree';

/** What the status bar shows of all sockets: how many are open, and the traffic of this session. */
export interface SocketTotals {
  readonly open: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export const noTotals: SocketTotals = { open: 0, bytesIn: 0, bytesOut: 0 };

/**
 * Totals kept up to date socket by socket, as a batch replaces them: a batch costs its events, not
 * a pass over every socket (19,000 of them with a busy listener).
 */
export class TotalsTally {
  private open: number;
  private bytesIn: number;
  private bytesOut: number;

  constructor(private readonly from: SocketTotals) {
    ({ open: this.open, bytesIn: this.bytesIn, bytesOut: this.bytesOut } = from);
  }

  /** `before` (undefined: new) is now `after` (undefined: gone). */
  replace(before: SocketInfo | undefined, after: SocketInfo | undefined): void {
    if (before) this.count(before, -1);
    if (after) this.count(after, 1);
  }

  /** The totals now: the ones it started from while nothing moved, so a view keeps its object. */
  result(): SocketTotals {
    const { from } = this;
    if (from.open === this.open && from.bytesIn === this.bytesIn && from.bytesOut === this.bytesOut) return from;
    return { open: this.open, bytesIn: this.bytesIn, bytesOut: this.bytesOut };
  }

  private count(socket: SocketInfo, sign: 1 | -1): void {
    if (isLive(socket)) this.open += sign;
    // A listener's traffic is its connections' traffic; counting both would double it. An
    // imported log's counters are the original socket's, not traffic of this session.
    if (socket.kind === 'tcp-listener' || socket.kind === 'imported') return;
    this.bytesIn += sign * socket.bytesIn;
    this.bytesOut += sign * socket.bytesOut;
  }
}

/** The totals of `sockets`, counted whole (a snapshot). */
export function totalsOf(sockets: Iterable<SocketInfo>): SocketTotals {
  const tally = new TotalsTally(noTotals);
  for (const socket of sockets) tally.replace(undefined, socket);
  return tally.result();
}
