/**
 * One direction of a UDP session: datagrams from one side, each through that direction's toxic
 * chain on its own, to the other side. Held datagrams wait as messages the user forwards (edited
 * or not) or drops, one by one: datagrams have no order to keep. Bounded: past MAX_WAITING
 * datagrams held or in the chain, new ones are dropped and the log says so. As on TCP (pipe.ts),
 * the log shows a datagram when it is sent on, after the toxics: one a loss toxic dropped is said
 * in a note, a duplicated one shows twice, a delayed or reordered one when and where it went.
 */
import type { ToxicStream } from '@shared/proxy';
import { type DirectionNote, DropNotes } from './drop-notes';
import type { HeldChunk } from './pipe';
import { chainOf, StageList, stageLabel } from './stages';
import type { Next, Stage } from './toxics';

export const MAX_WAITING = 1024;

export interface DatagramHooks {
  /** A datagram as it is sent on (past the toxics): what the log shows as this direction's traffic. */
  forwarded(bytes: Uint8Array): void;
  /** Where this direction goes, as notes name it: "the server 127.0.0.1:53". */
  readonly destination: string;
  /** Sends it on to the other side. */
  write(bytes: Uint8Array): void | Promise<void>;
  heldChanged(): void;
  note: DirectionNote;
}

export class DatagramDirection {
  private readonly stages = new StageList(() => {
    this.chain = chainOf(this.stages.all, this.deliver, (stage, bytes) => this.drops.dropped(stageLabel(stage), bytes));
  });
  private readonly drops: DropNotes;
  /** A datagram out of the chain: logged and sent, or, once the session has ended, counted as not delivered. */
  private readonly deliver: Next = (piece) => {
    if (this.stopped) {
      this.drops.undelivered(piece.byteLength);
      return Promise.resolve();
    }
    this.drops.flush();
    this.hooks.forwarded(piece);
    return Promise.resolve(this.hooks.write(piece));
  };
  /** The stages as one function, built when they change (chainOf). */
  private chain: Next = this.deliver;
  private readonly heldQueue: HeldChunk[] = [];
  private holding = false;
  private inChain = 0;
  private nextHeldId = 1;
  private stopped = false;

  constructor(
    readonly stream: ToxicStream,
    private readonly hooks: DatagramHooks,
  ) {
    this.drops = new DropNotes(hooks.note, { destination: hooks.destination, datagrams: true });
  }

  get isHolding(): boolean {
    return this.holding;
  }

  get heldCount(): number {
    return this.heldQueue.length;
  }

  held(): HeldChunk[] {
    return [...this.heldQueue];
  }

  accept(bytes: Uint8Array): void {
    if (this.stopped) return;
    if (this.inChain + this.heldQueue.length >= MAX_WAITING) {
      // The same words each time: the log counts repeats within a second as one line.
      this.hooks.note(`${MAX_WAITING} datagrams already wait ${this.words()}: datagram dropped`);
      return;
    }
    if (!this.holding) return void this.run(bytes);
    this.heldQueue.push({ heldId: this.nextHeldId++, bytes: new Uint8Array(bytes), time: Date.now() });
    this.hooks.heldChanged();
  }

  setHolding(holding: boolean): void {
    if (this.stopped || holding === this.holding) return;
    this.holding = holding;
    if (!holding) this.release(undefined, 'forward');
    this.hooks.heldChanged();
  }

  /** Forwards (as it is, or edited) or drops one held datagram, or all of them; returns how many. */
  release(heldId: number | undefined, action: 'forward' | 'drop', edited?: Uint8Array): number {
    const chosen = this.heldQueue.filter((item) => heldId === undefined || item.heldId === heldId);
    for (const item of chosen) {
      this.heldQueue.splice(this.heldQueue.indexOf(item), 1);
      if (action === 'drop') {
        this.hooks.note(`Dropped held datagram #${item.heldId} (${item.bytes.byteLength} bytes)`, item.bytes.byteLength);
        continue;
      }
      if (edited) this.hooks.note(`Held datagram #${item.heldId} edited: ${item.bytes.byteLength} → ${edited.byteLength} bytes`);
      void this.run(edited ?? item.bytes);
    }
    if (chosen.length) this.hooks.heldChanged();
    return chosen.length;
  }

  addStage(toxic: string, stage: Stage): void {
    this.stages.add(toxic, stage);
  }

  removeStage(toxic: string, removed = false): void {
    this.stages.remove(toxic, removed);
  }

  /** The session is over: held datagrams are dropped (said in the log), stages let go. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.drops.flush();
    this.drops.end();
    if (this.heldQueue.length) {
      const heldBytes = this.heldQueue.reduce((sum, item) => sum + item.bytes.byteLength, 0);
      // Empty datagrams lose no bytes: a note without a loss.
      this.hooks.note(`${this.heldQueue.length} held datagrams ${this.words()} dropped with the session`, heldBytes || undefined);
    }
    this.heldQueue.length = 0;
    this.stages.stop();
  }

  /** Through the stages there are now; each datagram on its own, so a delayed one holds up no other. */
  private async run(bytes: Uint8Array): Promise<void> {
    let pending: void | Promise<void>;
    // Straight out when no toxic applies and the other side is there: no turn through a promise.
    if (this.stages.all.length === 0) {
      this.hooks.forwarded(bytes);
      pending = this.hooks.write(bytes);
    } else pending = this.chain(bytes, performance.now());
    if (!pending) return;
    this.inChain++;
    try {
      await pending;
    } finally {
      this.inChain--;
    }
  }

  private words(): string {
    return this.stream === 'upstream' ? 'to the server' : 'to the client';
  }
}
