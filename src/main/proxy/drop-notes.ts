/**
 * What one direction of a conversation lost on the way, said in its log: bytes a toxic dropped
 * (timeout, reset_peer, limit_data, loss) and bytes still on their way when the conversation
 * ended. The log shows what went over the wire, so what did not must be said, or a request under
 * a timeout toxic looks sent. One note per run of drops, not one per read: a run ends when bytes
 * get through again, after QUIET_MS without a drop, or when the conversation ends; a run that
 * goes on (a flood into a timeout) is said every FOLD_MS with what it dropped since, as the log's
 * repeated notices are (notice-coalescer.ts). Once the conversation ends, what its stages still
 * let go of (limit_data's rest of the read that reached its limit, a slicer's last slices) is said
 * at the end of that turn, next to the line that says why it ended rather than a while after.
 */
import type { ToxicStream } from '@shared/proxy';
import { FOLD_MS } from '../engine/notice-coalescer';
import type { SocketRecord } from '../engine/socket-record';

/** A pause this long ends a run: the reads of one request come closer together than this. */
export const QUIET_MS = 100;

const ENDED = '\u0000ended';

interface Run {
  bytes: number;
  /** Reads (TCP) or datagrams (UDP) it dropped from. */
  pieces: number;
  startedAt: number;
  lastAt: number;
}

/** Says a note in a direction's log; `lostBytes`: the bytes of that direction it says went missing. */
export type DirectionNote = (message: string, lostBytes?: number) => void;

/**
 * How a conversation's or session's direction `stream` says its notes in `record`'s log: one that
 * tells of lost bytes carries them (LostBytes), for a capture to leave their gap where they were sent.
 */
export function directionNote(record: SocketRecord, stream: ToxicStream): DirectionNote {
  return (message, lostBytes) =>
    lostBytes === undefined
      ? record.event('info', message)
      : record.lossNote(message, { dir: stream === 'upstream' ? 'out' : 'in', bytes: lostBytes });
}

export interface DropNotesOptions {
  /** Where the bytes were going, as the note says it: "the server 127.0.0.1:6379". */
  destination: string;
  /** UDP: drops are counted in datagrams too, and what ends is a session. */
  datagrams?: boolean;
}

export class DropNotes {
  /** By cause ("timeout toxic 'stall'", or ENDED), in the order each run began. */
  private readonly runs = new Map<string, Run>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;
  private endOfTurn: ReturnType<typeof setImmediate> | undefined;

  constructor(
    private readonly say: DirectionNote,
    private readonly options: DropNotesOptions,
  ) {}

  /** `by` ("timeout toxic 'stall'") did not pass `bytes` of a piece on. */
  dropped(by: string, bytes: number): void {
    this.count(by, bytes);
  }

  /** Bytes that reached the end of the chain, or waited in the queue, after the conversation ended. */
  undelivered(bytes: number): void {
    this.count(ENDED, bytes);
  }

  /** Says every run now: bytes got through again, or the conversation is ending. */
  flush(): void {
    if (this.runs.size === 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const [cause, run] of this.runs) this.sayRun(cause, run);
    this.runs.clear();
  }

  /** The conversation is over: what is counted from now on is said at the end of the turn. */
  end(): void {
    this.ended = true;
    if (this.runs.size > 0) this.sayAtTurnEnd();
  }

  private count(cause: string, bytes: number): void {
    if (bytes <= 0) return;
    const at = performance.now();
    const run = this.runs.get(cause);
    if (run) {
      run.bytes += bytes;
      run.pieces++;
      run.lastAt = at;
    } else {
      this.runs.set(cause, { bytes, pieces: 1, startedAt: at, lastAt: at });
    }
    if (this.ended) this.sayAtTurnEnd();
    else this.timer ??= this.arm();
  }

  private sayAtTurnEnd(): void {
    this.endOfTurn ??= setImmediate(() => {
      this.endOfTurn = undefined;
      this.flush();
    });
  }

  private arm(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timer = undefined;
      const at = performance.now();
      for (const [cause, run] of this.runs) {
        if (at - run.lastAt < QUIET_MS && at - run.startedAt < FOLD_MS) continue;
        this.sayRun(cause, run);
        this.runs.delete(cause);
      }
      if (this.runs.size > 0) this.timer = this.arm();
    }, QUIET_MS);
    // A note still to say must not keep a CLI or test process alive.
    timer.unref?.();
    return timer;
  }

  private sayRun(cause: string, run: Run): void {
    const { destination, datagrams } = this.options;
    const bytes = `${run.bytes.toLocaleString('en-US')} ${run.bytes === 1 ? 'byte' : 'bytes'}`;
    const amount = datagrams ? `${run.pieces.toLocaleString('en-US')} ${run.pieces === 1 ? 'datagram' : 'datagrams'} (${bytes})` : bytes;
    if (cause !== ENDED) return this.say(`${cause} dropped ${amount} to ${destination}`, run.bytes);
    this.say(`${amount} to ${destination} not delivered: ${datagrams ? 'the session ended' : 'the connection closed'} first`, run.bytes);
  }
}
