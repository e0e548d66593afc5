/**
 * A UDP proxy's toxics, after netem: each datagram goes through the chain on its own (there is no
 * byte order to keep), so a stage may drop it (loss), send it twice (duplicate) or let later ones
 * overtake it (reorder). latency is the TCP stage as it is: measured from arrival, so with jitter
 * datagrams pass each other, as with netem.
 */
import { PROTOCOL_TOXICS, type ProxyProtocol, type Toxic, type ToxicType } from '@shared/proxy';
import { EngineError } from '../engine/errors';
import { createStage, parseAttributes, Stoppable, type Attributes, type Stage, type StageActs, type StageContext } from './toxics';

type UdpOwnToxic = Exclude<(typeof PROTOCOL_TOXICS.udp)[number], 'latency'>;

const passEnd = async (next: () => void): Promise<void> => next();

const factories: { [T in UdpOwnToxic]: (attributes: Attributes<T>, context: StageContext, life: Stoppable) => StageActs } = {
  loss: ({ rate, correlation }, context) => {
    // Gilbert's two states: after a loss the next is lost with rate + correlation·(1 − rate), after
    // a delivery with rate·(1 − correlation). The long-run share lost stays `rate`; correlation
    // makes the losses come in bursts. The first datagram is lost with `rate`.
    let lost: boolean | undefined;
    return {
      async data(bytes, arrivedAt, next) {
        const chance = lost === undefined ? rate : lost ? rate + correlation * (1 - rate) : rate * (1 - correlation);
        lost = Math.random() < chance;
        if (!lost) return next(bytes, arrivedAt);
        context.hit();
      },
      end: passEnd,
    };
  },
  duplicate: ({ rate }, context) => ({
    async data(bytes, arrivedAt, next) {
      await next(bytes, arrivedAt);
      if (Math.random() >= rate) return;
      context.hit();
      await next(bytes, arrivedAt);
    },
    end: passEnd,
  }),
  reorder: ({ rate, gap, delay }, context, life) => {
    // One datagram at a time is held back, until `gap` later ones have overtaken it or `delay` ms passed.
    let held: { passed: number; send: () => void } | undefined;
    return {
      async data(bytes, arrivedAt, next) {
        if (held) {
          const waiting = held;
          await next(bytes, arrivedAt);
          if (++waiting.passed >= gap) waiting.send();
          return;
        }
        if (Math.random() >= rate) return next(bytes, arrivedAt);
        context.hit();
        await new Promise<void>((resolve) => {
          const mine = {
            passed: 0,
            send: (): void => {
              if (held === mine) held = undefined;
              resolve();
            },
          };
          held = mine;
          void life.sleep(delay).then(mine.send);
        });
        await next(bytes, arrivedAt);
      },
      end: passEnd,
    };
  },
};

/** One toxic's stage for one direction of one UDP session. */
export function createUdpStage(toxic: Toxic, context: StageContext): Stage {
  if (toxic.type === 'latency') return createStage(toxic, context);
  const make = factories[toxic.type as UdpOwnToxic] as (attributes: Record<string, number>, context: StageContext, life: Stoppable) => StageActs;
  const life = new Stoppable();
  return { ...make(parseAttributes(toxic.type, toxic.attributes), context, life), type: toxic.type, stop: () => life.stop() };
}

/** Refuses a toxic the proxy's protocol has no use for (loss on TCP, bandwidth on UDP…). */
export function checkToxicProtocol(type: ToxicType, protocol: ProxyProtocol = 'tcp'): void {
  const takes: readonly ToxicType[] = PROTOCOL_TOXICS[protocol];
  if (takes.includes(type)) return;
  const other = protocol === 'tcp' ? 'UDP' : 'TCP';
  throw new EngineError('INVALID_INPUT', `${type} is a toxic for ${other} proxies; a ${protocol.toUpperCase()} proxy takes ${takes.join(', ')}`);
}
