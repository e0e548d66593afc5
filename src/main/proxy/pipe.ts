/**
 * One direction of a conversation: what one side sends, through that direction's toxic chain, to
 * the other side. Like Toxiproxy's link, the chain can change while bytes flow: a chunk goes
 * through the stages there were when it was taken from the queue, and a removed stage lets go of
 * what it holds, so nothing is dropped. Memory is bounded: past HIGH_WATER bytes waiting, the
 * source is not read (the kernel then pushes back on its sender).
 */
import type { Socket } from 'node:net';
import type { ToxicStream } from '../../shared/proxy';
import type { Next, Stage } from './toxics';

export const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;

interface Pending {
  /** Absent: the source's FIN. */
  bytes?: Uint8Array;
  /** performance.now() when it was read. */
  arrivedAt: number;
}

export interface PipeStage {
  toxic: string;
  stage: Stage;
}

export class DirectionPipe {
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private stages: PipeStage[] = [];
  private pumping = false;
  private stopped = false;
  private sourcePaused = true;

  constructor(
    readonly stream: ToxicStream,
    private readonly source: Socket,
    private readonly dest: Socket,
    /** Told once the FIN has been passed on to `dest`. */
    private readonly onEndForwarded: () => void,
  ) {}

  /** Starts reading the source (it is created paused, until the other side is there). */
  start(): void {
    this.updateFlow();
  }

  accept(bytes: Uint8Array): void {
    if (this.stopped) return;
    this.queue.push({ bytes, arrivedAt: performance.now() });
    this.queuedBytes += bytes.byteLength;
    this.updateFlow();
    void this.pump();
  }

  acceptEnd(): void {
    if (this.stopped) return;
    this.queue.push({ arrivedAt: performance.now() });
    void this.pump();
  }

  /** Bytes written into the destination as if they had come through (inject): they skip the toxics. */
  inject(bytes: Uint8Array): void {
    if (!this.dest.destroyed && !this.dest.writableEnded) this.dest.write(bytes);
  }

  has(toxic: string): boolean {
    return this.stages.some((s) => s.toxic === toxic);
  }

  addStage(toxic: string, stage: Stage): void {
    if (this.stopped) return stage.stop();
    this.stages = [...this.stages, { toxic, stage }];
  }

  removeStage(toxic: string): void {
    const found = this.stages.find((s) => s.toxic === toxic);
    if (!found) return;
    this.stages = this.stages.filter((s) => s !== found);
    found.stage.stop();
  }

  /** The conversation is over: nothing more is forwarded, every stage lets go. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    for (const { stage } of this.stages) stage.stop();
    this.stages = [];
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let item = this.queue.shift(); item && !this.stopped; item = this.queue.shift()) {
        if (item.bytes) {
          this.queuedBytes -= item.bytes.byteLength;
          await this.runData(item.bytes, item.arrivedAt);
          this.updateFlow();
        } else {
          await this.runEnd();
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private runData(bytes: Uint8Array, arrivedAt: number): Promise<void> {
    const chain = this.stages;
    const step = (index: number): Next =>
      index < chain.length ? (piece, time) => chain[index].stage.data(piece, time, step(index + 1)) : (piece) => this.write(piece);
    return step(0)(bytes, arrivedAt);
  }

  private async runEnd(): Promise<void> {
    for (const { stage } of this.stages) {
      await new Promise<void>((resolve) => void stage.end(resolve));
    }
    if (this.stopped) return;
    if (!this.dest.destroyed && !this.dest.writableEnded) this.dest.end();
    this.onEndForwarded();
  }

  /** Resolves once `dest` takes more (drain) or is gone. */
  private write(bytes: Uint8Array): Promise<void> {
    if (this.stopped || this.dest.destroyed || this.dest.writableEnded) return Promise.resolve();
    if (this.dest.write(bytes)) return Promise.resolve();
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

  private updateFlow(): void {
    if (this.stopped || this.source.destroyed) return;
    const pause = this.sourcePaused ? this.queuedBytes > LOW_WATER : this.queuedBytes >= HIGH_WATER;
    if (pause === this.sourcePaused) return;
    this.sourcePaused = pause;
    if (pause) this.source.pause();
    else this.source.resume();
  }
}
