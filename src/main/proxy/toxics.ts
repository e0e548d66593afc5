/**
 * Toxics as stages of one direction of a conversation, after Toxiproxy's toxics/*.go: each stage
 * takes a chunk and hands zero or more pieces to the next stage, waiting as the fault requires.
 * Attributes and semantics are Toxiproxy's (latency and jitter in ms, bandwidth in KB/s, slicer's
 * delay in µs; timeout drops what comes and closes the connection when it fires, when its sender
 * closes or when the toxic is removed).
 */
import { ToxicAttributeSchemas, type PROTOCOL_TOXICS, type Toxic, type ToxicType } from '@shared/proxy';

/** Hands a piece to the rest of the chain; resolves once the piece is written (or dropped). */
export type Next = (bytes: Uint8Array, arrivedAt: number) => Promise<void>;

/** What a stage may do to the conversation it sits in. */
export interface StageContext {
  /** Counts an action of this toxic on this conversation. */
  hit(): void;
  /** Ends both sides gracefully once what was forwarded has gone (timeout, limit_data). */
  close(reason: string): void;
  /** Aborts both sides with RST (reset_peer). */
  reset(reason: string): void;
  /**
   * What the toxic keeps of this conversation across edits, as Toxiproxy keeps a toxic's state on
   * its link when the toxic is updated: limit_data's count of bytes let through.
   */
  readonly kept?: Record<string, number>;
}

export interface Stage {
  /** The toxic's type, as notes name it ("timeout toxic 'stall' dropped …"). */
  readonly type: ToxicType;
  data(bytes: Uint8Array, arrivedAt: number, next: Next): Promise<void>;
  /** The direction's FIN passes through here (slow_close delays it). */
  end(next: () => void): Promise<void>;
  /** Removed from the chain, or the conversation is over: timers stop and held data moves on. */
  stop(): void;
  /**
   * The toxic was removed, not replaced by an edit nor ended with its conversation: Toxiproxy's
   * Cleanup (timeout closes the connection). Called before stop().
   */
  removed?(): void;
}

/** A promise that `stop()` settles, so that a stage waiting on a timer lets go when removed. */
export class Stoppable {
  private stopped = false;
  private readonly waiting = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Resolves after `ms`, or at once when stopped. */
  sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      this.waiting.add(done);
    });
  }

  /** Resolves only when stopped. */
  untilStopped(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiting.add(resolve));
  }

  /** Runs `action` after `ms` unless stopped first, or cancelled with the function returned. */
  after(ms: number, action: () => void): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) action();
    }, ms);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const resolve of [...this.waiting]) resolve();
    this.waiting.clear();
  }
}

/** What a toxic's factory makes: the stage without its type and stop, which every stage has alike. */
export type StageActs = Omit<Stage, 'stop' | 'type'>;

export type Attributes<T extends ToxicType> = ReturnType<(typeof ToxicAttributeSchemas)[T]['parse']>;

const passEnd = async (next: () => void): Promise<void> => next();

function monotonicNow(): number {
  return performance.now();
}

function randomBetween(low: number, high: number): number {
  return low + Math.random() * (high - low);
}

const factories: {
  [T in (typeof PROTOCOL_TOXICS.tcp)[number]]: (attributes: Attributes<T>, context: StageContext, life: Stoppable) => StageActs;
} = {
  latency: ({ latency, jitter }, context, life) => ({
    // Measured from when the chunk arrived, as Toxiproxy does: chunks in flight are delayed in parallel.
    async data(bytes, arrivedAt, next) {
      context.hit();
      const delay = latency + (jitter > 0 ? randomBetween(-jitter, jitter) : 0);
      await life.sleep(arrivedAt + delay - monotonicNow());
      await next(bytes, arrivedAt);
    },
    end: passEnd,
  }),
  bandwidth: ({ rate }, context, life) => ({
    async data(bytes, arrivedAt, next) {
      if (rate <= 0) return next(bytes, arrivedAt);
      context.hit();
      // Pieces of a tenth of a second's worth keep the flow even, as Toxiproxy's bandwidth toxic.
      const piece = Math.max(1, Math.floor(rate * 100));
      for (let offset = 0; offset < bytes.byteLength; offset += piece) {
        const part = bytes.subarray(offset, offset + piece);
        await life.sleep((part.byteLength / (rate * 1000)) * 1000);
        await next(part, arrivedAt);
      }
    },
    end: passEnd,
  }),
  slow_close: ({ delay }, context, life) => ({
    data: (bytes, arrivedAt, next) => next(bytes, arrivedAt),
    async end(next) {
      context.hit();
      await life.sleep(delay);
      next();
    },
  }),
  timeout: ({ timeout }, context, life) => {
    // As Toxiproxy's (toxics/timeout.go): nothing gets through, what comes is dropped, and the
    // connection is closed `timeout` ms after the toxic started or after the last data it dropped
    // (0: not on its own), at once when the sender closes, and when the toxic is removed (its
    // Cleanup). A suite that removes it expects a dead connection, not the requests it sent meanwhile.
    let cancel: (() => void) | undefined;
    const restart = (): void => {
      if (timeout <= 0) return;
      cancel?.();
      cancel = life.after(timeout, () => context.close(`timeout toxic: closed after ${timeout} ms without data`));
    };
    restart();
    return {
      async data() {
        context.hit();
        restart();
      },
      async end() {
        context.close('timeout toxic: the sender closed (FIN), so the connection is closed');
      },
      removed() {
        context.close('timeout toxic removed: the connection is closed, as Toxiproxy does');
      },
    };
  },
  reset_peer: ({ timeout }, context, life) => {
    // As Toxiproxy's: the first thing to arrive (data or FIN) starts the clock and is dropped, and
    // so is all after it; `timeout` ms later both sides are reset. A quiet connection is left alone,
    // and a request's reply never slips through before the reset a test waits for.
    let armed = false;
    const arm = (): void => {
      if (armed) return;
      armed = true;
      context.hit();
      life.after(timeout, () => context.reset(`reset_peer toxic: reset ${timeout} ms after the first data`));
    };
    return {
      async data() {
        arm();
      },
      async end(next) {
        arm();
        await life.untilStopped();
        next();
      },
    };
  },
  slicer: ({ average_size: average, size_variation: variation, delay }, context, life) => ({
    async data(bytes, arrivedAt, next) {
      if (average <= 0) return next(bytes, arrivedAt);
      context.hit();
      // Paced against a schedule, not slept piece by piece: a timer waits at least 1 ms, so
      // Toxiproxy's usual sub-millisecond delays (in µs) would each cost a whole millisecond. The
      // schedule lags at most 1 ms behind, so a slow write is not made up for by pieces sent at once.
      let due = monotonicNow();
      let offset = 0;
      while (offset < bytes.byteLength) {
        const size = Math.max(1, Math.round(average + (variation > 0 ? randomBetween(-variation, variation) : 0)));
        await next(bytes.subarray(offset, offset + size), arrivedAt);
        offset += size;
        due = Math.max(due, monotonicNow() - 1) + delay / 1000;
        const wait = due - monotonicNow();
        if (offset < bytes.byteLength && !life.isStopped && wait >= 1) await life.sleep(wait);
      }
    },
    end: passEnd,
  }),
  limit_data: ({ bytes: limit }, context) => {
    // Counted across edits: raising the limit lets that many more through, not the new limit again.
    const kept = context.kept ?? {};
    let closed = false;
    return {
      async data(bytes, arrivedAt, next) {
        if (closed) return;
        const passed = kept.limitDataPassed ?? 0;
        const room = Math.max(0, limit - passed);
        const part = bytes.byteLength > room ? bytes.subarray(0, room) : bytes;
        kept.limitDataPassed = passed + part.byteLength;
        if (part.byteLength > 0) await next(part, arrivedAt);
        if (kept.limitDataPassed >= limit) {
          closed = true;
          context.hit();
          context.close(`limit_data toxic: closed after ${limit} bytes`);
        }
      },
      end: passEnd,
    };
  },
};

/** Checks a toxic's attributes; throws the schema's message for bad ones. */
export function parseAttributes(type: ToxicType, attributes: Record<string, unknown>): Record<string, number> {
  const result = ToxicAttributeSchemas[type].safeParse(attributes);
  if (!result.success) {
    throw new Error(result.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; '));
  }
  return result.data as Record<string, number>;
}

/** One toxic's stage for one direction of one conversation. */
export function createStage(toxic: Toxic, context: StageContext): Stage {
  const life = new Stoppable();
  // UDP's own toxics are made in udp-toxics.ts; a proxy refuses the other protocol's (checkToxicProtocol).
  const make = factories[toxic.type as keyof typeof factories] as (
    attributes: Record<string, number>,
    context: StageContext,
    life: Stoppable,
  ) => StageActs;
  const stage = make(parseAttributes(toxic.type, toxic.attributes), context, life);
  return { ...stage, type: toxic.type, stop: () => life.stop() };
}
