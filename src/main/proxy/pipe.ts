/**
 * One direction of a conversation: what one side sends, through that direction's toxic chain, to
 * the other side. Like Toxiproxy's link, the chain can change while bytes flow: a chunk goes
 * through the stages there were when it was taken from the queue, and a removed stage lets go of
 * what it holds, so nothing is dropped. Memory is bounded: past HIGH_WATER bytes waiting, the
 * source is not read (the kernel then pushes back on its sender).
 */
import type { Socket } from 'node:net';
import type { FramingSpec } from '@shared/framing';
import type { ToxicStream } from '@shared/proxy';
import { EngineError } from '../engine/errors';
import { type DirectionNote, DropNotes } from './drop-notes';
import { HandleWriter } from './handle-writes';
import { type HeldFrames, heldFramesFor } from './held-frames';
import type { ProxyReader } from './own-read-buffer';
import { chainOf, StageList, stageLabel } from './stages';
import type { Next, Stage } from './toxics';
import { atTurnEnd, type TurnEndWork } from './turn-end';

export const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;

interface Pending {
  /** Numbers held messages for the user (forward, edit, drop). */
  heldId: number;
  /** Absent: the source's FIN. */
  bytes?: Uint8Array;
  /** performance.now() when it was read. */
  arrivedAt: number;
  /** Epoch ms when it was read, for the user. */
  time: number;
}

/** A message waiting in a held direction. */
export interface HeldChunk {
  heldId: number;
  /** Empty for a FIN. */
  bytes: Uint8Array;
  time: number;
  /** The sender's FIN, last in the queue: forwarding it forwards what is held before it. */
  fin?: true;
}

export interface PipeHooks {
  /**
   * What the log shows as this direction's traffic: bytes as they are written on to `dest` (with
   * toxics, what left the chain, when it did), or on the direct path as they are read.
   */
  forwarded(bytes: Uint8Array): void;
  /** Where this direction goes, as notes name it: "the server 127.0.0.1:6379". */
  readonly destination: string;
  /** Told once the FIN has been passed on to `dest`. */
  endForwarded(): void;
  /** The held messages changed (held, forwarded or dropped). */
  heldChanged(): void;
  /** What the log should say: a held message dropped or edited, bytes a toxic dropped (`lostBytes`, see DropNotes). */
  note: DirectionNote;
}

/**
 * How long bytes given to the pipe stay as they are: its own to keep (a copy, TLS clear text);
 * borrowed (a view into the buffer every proxy socket reads into, valid only during the call); or
 * lent (a view into the source's own read buffer, valid until the source reads again).
 */
type Lifetime = 'owned' | 'borrowed' | 'lent';

export class DirectionPipe implements ProxyReader, TurnEndWork {
  private readonly queue: Pending[] = [];
  /** Held messages the user let go, ahead of the rest of the queue. */
  private readonly released: Pending[] = [];
  private holding = false;
  private nextHeldId = 1;
  private queuedBytes = 0;
  private readonly stages = new StageList(() => {
    this.buildChain();
    this.decide();
  });
  /**
   * Nothing waits, nothing is held and no toxic applies: a chunk goes straight on, logged and
   * written at the end of the turn. Decided when one of those changes (decide()), not per chunk.
   */
  private passThrough = true;
  /** What passed straight through in this turn, written at its end (turn-end.ts); its own bytes, never views. */
  private turnOut: Uint8Array[] = [];
  /** Writes to `dest` past its Writable when it is plain TCP (handle-writes.ts). */
  private readonly handleWriter: HandleWriter;
  /** What toxics dropped and what the end of the conversation cut off, said in the log (drop-notes.ts). */
  private readonly drops: DropNotes;
  /**
   * The end of the chain: what the log shows, when a toxic is in the way, is what comes out of
   * it, as it is written on. Each piece is its own entry: a slicer's slices and a bandwidth
   * toxic's tenths of a second are the reads the other side can get, at the times they went, and a
   * capture exported from the log shows the split a test set up; a latency toxic's bytes show
   * when they were delivered, not when they were read. Bytes that arrive here after the
   * conversation ended never went: counted, not logged.
   */
  private readonly deliver: Next = (piece) => {
    if (this.stopped || this.dest.destroyed || this.dest.writableEnded) {
      this.drops.undelivered(piece.byteLength);
      return Promise.resolve();
    }
    // A run of drops before these bytes is said before them.
    this.drops.flush();
    this.hooks.forwarded(piece);
    return this.write(piece);
  };
  /** Through every stage, in order, then into `dest`: a chunk taken from the queue runs the chain there was then. */
  private chain: Next = this.deliver;
  private pumping = false;
  private stopped = false;
  private sourcePaused = true;
  /** The conversation's framing, when set: what a hold holds are whole frames (held-frames.ts). */
  private frames: HeldFrames | undefined;
  /** A direct write still points into the source's read buffer: the source is not read meanwhile. */
  private sourceLent = false;
  /** Direct writes of lent bytes whose callback has not run yet. */
  private directWrites = 0;
  /** Once every direct write has completed, the source's buffer is free again. */
  private readonly directWritten = (): void => {
    if (--this.directWrites > 0 || !this.sourceLent) return;
    this.sourceLent = false;
    this.decide();
    this.updateFlow();
    void this.pump();
  };
  /** `dest` buffers past its high-water mark (a direct write of our own bytes said so): the source is not read until it drains. */
  private destFull = false;
  private readonly destDrained = (): void => {
    this.dest.off('drain', this.destDrained);
    this.dest.off('close', this.destDrained);
    this.destFull = false;
    this.updateFlow();
  };

  constructor(
    readonly stream: ToxicStream,
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly hooks: PipeHooks,
  ) {
    // Not read until start(): an upstream socket would otherwise flow as soon as it is listened to.
    source.pause();
    this.handleWriter = new HandleWriter(dest, () => this.updateFlow(), hooks.note);
    this.drops = new DropNotes(hooks.note, { destination: hooks.destination });
  }

  get isHolding(): boolean {
    return this.holding;
  }

  get heldCount(): number {
    return this.holding ? this.queue.filter((item) => item.bytes).length : 0;
  }

  /** The source's FIN waits in the held queue (always its last item: nothing is read after it). */
  get finHeld(): boolean {
    return this.holding && this.queue.length > 0 && this.queue[this.queue.length - 1].bytes === undefined;
  }

  /**
   * Holds the direction: what is read waits as held messages, and past HIGH_WATER bytes held the
   * source is not read any more (the kernel pushes back on the sender). Letting go sends
   * everything held, in order.
   */
  setHolding(holding: boolean): void {
    if (this.stopped || holding === this.holding) return;
    if (!holding) this.queuePartialFrame();
    this.holding = holding;
    this.decide();
    this.updateFlow();
    this.hooks.heldChanged();
    void this.pump();
  }

  /** The held messages, oldest first, and a held FIN last (it can be forwarded by its number). */
  held(): HeldChunk[] {
    if (!this.holding) return [];
    return this.queue.map(({ heldId, bytes, time }) => (bytes ? { heldId, bytes, time } : { heldId, bytes: new Uint8Array(0), time, fin: true }));
  }

  /**
   * Forwards (as it is, or as edited) or drops one held message, or all of them (no id); returns
   * how many went. A byte stream keeps its order: forwarding one lets those held before it go
   * first. Forwarding all, or the FIN by its number, lets a held FIN go too, in its place;
   * dropping never drops a FIN, and one asked to by its number is refused.
   */
  release(heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number {
    if (heldId !== undefined && (action === 'drop' || edited) && this.queue.some((item) => item.heldId === heldId && !item.bytes)) {
      const [to, from] = this.stream === 'upstream' ? ['the server', 'the client'] : ['the client', 'the server'];
      throw new EngineError('INVALID_INPUT', `Held message #${heldId} to ${to} is ${from}'s FIN: it can only be forwarded, not dropped or edited`);
    }
    const chosen = this.queue.filter((item) => {
      if (!item.bytes) return action === 'forward' && (heldId === undefined || item.heldId <= heldId);
      if (heldId === undefined) return true;
      return action === 'forward' ? item.heldId <= heldId : item.heldId === heldId;
    });
    for (const item of chosen) {
      this.queue.splice(this.queue.indexOf(item), 1);
      const size = item.bytes?.byteLength ?? 0;
      this.queuedBytes -= size;
      if (!item.bytes) {
        this.released.push(item);
        continue;
      }
      if (action === 'drop') {
        this.hooks.note(`Dropped held message #${item.heldId} (${size} bytes)`, size);
        continue;
      }
      if (edited && item.heldId === heldId) {
        this.hooks.note(`Held message #${item.heldId} edited: ${size} → ${edited.byteLength} bytes`);
        item.bytes = edited;
      }
      this.released.push(item);
    }
    this.decide();
    this.updateFlow();
    this.hooks.heldChanged();
    void this.pump();
    return chosen.length;
  }

  /** Held messages become whole frames under `spec` (raw: each read). */
  setFraming(spec: FramingSpec | undefined): void {
    this.queuePartialFrame();
    this.frames = heldFramesFor(spec);
  }

  /** Starts reading the source (it is created paused, until the other side is there). */
  start(): void {
    this.updateFlow();
  }

  /** Bytes of the pipe's own from the source (TLS clear text, or what a 'data' listener was handed). */
  accept(bytes: Uint8Array): void {
    this.take(bytes, 'owned');
  }

  /** A read of a source reading into a proxy read buffer (own-read-buffer.ts). */
  read(bytes: Uint8Array, lent: boolean): void {
    this.take(bytes, lent ? 'lent' : 'borrowed');
  }

  /**
   * What is kept beyond this call is a copy of borrowed bytes; lent bytes are written without
   * one, and a write the kernel does not take at once keeps the source paused until it
   * completes, so the next read cannot overwrite them.
   */
  private take(bytes: Uint8Array, lifetime: Lifetime): void {
    if (this.stopped) return;
    if (this.passThrough) {
      this.frames?.track(bytes);
      this.nextHeldId++;
      this.hooks.forwarded(bytes);
      if (lifetime === 'lent') this.writeLent(bytes);
      else {
        if (this.turnOut.length === 0) atTurnEnd(this);
        this.turnOut.push(lifetime === 'owned' ? bytes : Buffer.from(bytes));
      }
      return;
    }
    const own = lifetime === 'owned' ? bytes : new Uint8Array(bytes);
    this.queuedBytes += own.byteLength;
    if (this.holding && this.frames) for (const frame of this.frames.cut(own)) this.enqueue(frame);
    else {
      this.frames?.track(own);
      this.enqueue(own);
    }
    this.updateFlow();
    if (this.holding) this.hooks.heldChanged();
    void this.pump();
  }

  /** Bytes in the source's own buffer, written now (after this turn's earlier bytes) without a copy. */
  private writeLent(bytes: Uint8Array): void {
    if (this.dest.destroyed || this.dest.writableEnded) return;
    this.atTurnEnd();
    this.directWrites++;
    this.dest.write(bytes, this.directWritten);
    if (this.dest.writableLength > 0) {
      this.sourceLent = true;
      this.decide();
      this.updateFlow();
    }
  }

  /**
   * Writes what passed through in this turn: straight to a plain TCP handle when its Writable has
   * nothing queued, else through the socket (whose write() pushes back past its high-water mark).
   * Run at the turn's end, and before anything else goes to `dest`, so that the order holds.
   */
  atTurnEnd(): void {
    const chunks = this.turnOut;
    if (chunks.length === 0) return;
    const dest = this.dest;
    if (dest.destroyed || dest.writableEnded) {
      chunks.length = 0;
      return;
    }
    const written = this.handleWriter.write(chunks);
    if (written === 'written') {
      chunks.length = 0;
      return;
    }
    // The pending write holds on to the chunks.
    this.turnOut = [];
    if (written === 'pending') return this.updateFlow();
    let full = false;
    if (chunks.length > 1) dest.cork();
    for (const chunk of chunks) full = !dest.write(chunk) || full;
    if (chunks.length > 1) dest.uncork();
    if (full && !this.destFull) {
      this.destFull = true;
      dest.once('drain', this.destDrained);
      dest.once('close', this.destDrained);
      this.updateFlow();
    }
  }

  acceptEnd(): void {
    if (this.stopped) return;
    this.queuePartialFrame();
    this.queue.push({ heldId: this.nextHeldId++, arrivedAt: performance.now(), time: Date.now() });
    this.decide();
    if (this.holding) this.hooks.heldChanged();
    void this.pump();
  }

  /** Bytes written into the destination as if they had come through (inject): they skip the toxics. */
  inject(bytes: Uint8Array): Promise<void> {
    // Resolves once the destination takes more, so a file injected chunk by chunk waits for its reader.
    return this.write(bytes);
  }

  has(toxic: string): boolean {
    return this.stages.has(toxic);
  }

  addStage(toxic: string, stage: Stage): void {
    this.stages.add(toxic, stage);
  }

  removeStage(toxic: string, removed = false): void {
    this.stages.remove(toxic, removed);
  }

  /** What passed through in this turn goes now (before the conversation ends or cuts `dest`). */
  flush(): void {
    this.atTurnEnd();
  }

  /** What toxics dropped until now is said (the conversation is about to say why it ends). */
  sayDrops(): void {
    this.drops.flush();
  }

  /**
   * The conversation is over: nothing more is forwarded (what was, goes), every stage lets go.
   * What still waited is said as not delivered, and so is what the stages let go of now.
   */
  stop(): void {
    this.atTurnEnd();
    if (this.stopped) return;
    this.stopped = true;
    this.decide();
    for (const item of [...this.released, ...this.queue]) if (item.bytes) this.drops.undelivered(item.bytes.byteLength);
    this.drops.end();
    this.queue.length = 0;
    this.released.length = 0;
    this.queuedBytes = 0;
    this.stages.stop();
  }

  /** Its bytes are counted in queuedBytes already (when read). */
  private enqueue(bytes: Uint8Array): void {
    this.queue.push({ heldId: this.nextHeldId++, bytes, arrivedAt: performance.now(), time: Date.now() });
    this.decide();
  }

  /** A frame begun in a hold that ends (or a stream that does) goes as it is, in its place. */
  private queuePartialFrame(): void {
    const partial = this.frames?.takePartial();
    if (partial) this.enqueue(partial);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    this.decide();
    try {
      for (let item = this.next(); item && !this.stopped; item = this.next()) {
        if (item.bytes) {
          await this.runData(item.bytes, item.arrivedAt);
          this.updateFlow();
        } else {
          await this.runEnd();
        }
      }
    } finally {
      this.pumping = false;
      this.decide();
    }
  }

  /** Released messages first; the queue only while not holding. */
  private next(): Pending | undefined {
    const released = this.released.shift();
    if (released) return released;
    if (this.holding) return undefined;
    const item = this.queue.shift();
    if (item?.bytes) this.queuedBytes -= item.bytes.byteLength;
    return item;
  }

  private runData(bytes: Uint8Array, arrivedAt: number): Promise<void> {
    return this.chain(bytes, arrivedAt);
  }

  /** The stages as one function, built when they change rather than per chunk. */
  private buildChain(): void {
    this.chain = chainOf(this.stages.all, this.deliver, (stage, bytes) => this.drops.dropped(stageLabel(stage), bytes));
  }

  private async runEnd(): Promise<void> {
    for (const { stage } of this.stages.all) {
      await new Promise<void>((resolve) => void stage.end(resolve));
    }
    if (this.stopped) return;
    this.atTurnEnd();
    if (!this.dest.destroyed && !this.dest.writableEnded) this.dest.end();
    this.hooks.endForwarded();
  }

  /** Resolves once `dest` takes more (drain) or is gone. */
  private write(bytes: Uint8Array): Promise<void> {
    this.atTurnEnd();
    if (this.stopped || this.dest.destroyed || this.dest.writableEnded || this.dest.write(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.dest.off('drain', done);
        this.dest.off('close', done);
        resolve();
      };
      this.dest.once('drain', done);
      this.dest.once('close', done);
    });
  }

  /** Whether a chunk may go straight through (passThrough): the pipe's state changed. */
  private decide(): void {
    this.passThrough =
      !this.stopped &&
      !this.pumping &&
      !this.sourceLent &&
      !this.holding &&
      this.stages.all.length === 0 &&
      this.queue.length === 0 &&
      this.released.length === 0;
  }

  private updateFlow(): void {
    if (this.stopped || this.source.destroyed) return;
    // Held messages are not taken from the queue, so a held side is read up to HIGH_WATER, then not at all.
    const pause =
      this.sourceLent ||
      this.destFull ||
      this.handleWriter.pending > 0 ||
      (this.sourcePaused ? this.queuedBytes > LOW_WATER : this.queuedBytes >= HIGH_WATER);
    if (pause === this.sourcePaused) return;
    this.sourcePaused = pause;
    if (pause) this.source.pause();
    else this.source.resume();
  }
}
