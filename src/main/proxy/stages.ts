/**
 * A direction's toxic stages, in the order they were added (TCP's DirectionPipe and UDP's
 * DatagramDirection both keep one). The list is replaced, never changed in place, so what a
 * direction took at one moment stays the chain that bytes run through; a removed stage is stopped
 * after it left the list, so it lets go of what it holds into the chain there is now.
 */
import type { Next, Stage } from './toxics';

export interface PipeStage {
  toxic: string;
  stage: Stage;
}

export class StageList {
  private items: readonly PipeStage[] = [];
  private stopped = false;

  /** `changed` runs after the list changed (the TCP pipe builds its chain function again). */
  constructor(private readonly changed: () => void = () => {}) {}

  get all(): readonly PipeStage[] {
    return this.items;
  }

  has(toxic: string): boolean {
    return this.items.some((s) => s.toxic === toxic);
  }

  /** After stop() a stage added is stopped at once: the direction is over. */
  add(toxic: string, stage: Stage): void {
    if (this.stopped) return stage.stop();
    this.items = [...this.items, { toxic, stage }];
    this.changed();
  }

  /** `removed`: the toxic is gone, not being replaced by an edit (its stage's Cleanup runs). */
  remove(toxic: string, removed = false): void {
    const found = this.items.find((s) => s.toxic === toxic);
    if (!found) return;
    this.items = this.items.filter((s) => s !== found);
    this.changed();
    if (removed) found.stage.removed?.();
    found.stage.stop();
  }

  /** Every stage lets go; the list stays empty. */
  stop(): void {
    this.stopped = true;
    for (const { stage } of this.items) stage.stop();
    this.items = [];
    this.changed();
  }
}

/**
 * The stages as one function ending in `last` (what writes a piece on), built when they change
 * rather than per piece. What a stage does not pass on of a piece it was given (timeout,
 * reset_peer and loss drop it, limit_data past its limit) is told to `dropped`, naming that stage:
 * a stage's data() settles once what it passes on has gone, so the count is known then. A stage
 * that passes on more than it got (duplicate) dropped nothing.
 */
export function chainOf(stages: readonly PipeStage[], last: Next, dropped: (by: PipeStage, bytes: number) => void): Next {
  let next = last;
  for (let i = stages.length - 1; i >= 0; i--) {
    const item = stages[i];
    const after = next;
    next = async (piece, arrivedAt) => {
      let passed = 0;
      await item.stage.data(piece, arrivedAt, (out, time) => {
        passed += out.byteLength;
        return after(out, time);
      });
      if (passed < piece.byteLength) dropped(item, piece.byteLength - passed);
    };
  }
  return next;
}

/** How a note names a stage: "timeout toxic 'stall'". */
export function stageLabel({ toxic, stage }: PipeStage): string {
  return `${stage.type} toxic '${toxic}'`;
}
