/**
 * A scenario link over an engine socket: sends go through the engine (logged like any send), and
 * what arrives is read back from the socket's log as it grows, so the user watches a sequence in
 * the same log view as everything else.
 */
import type { Engine } from '../engine/engine';
import type { Connector, ScenarioLink } from './runner';
import { parseScenarioTarget } from '@shared/scenario';

const READ_BATCH = 1000;

/** `fromStart`: hand over what the log already holds too (a connection just accepted). */
export function engineLink(engine: Engine, id: string, options: { fromStart?: boolean } = {}): ScenarioLink {
  const info = engine.info(id);
  const datagrams = info.kind === 'udp';
  let nextSeq = options.fromStart ? 0 : engine.readLog(id, 0, 1).head.nextSeq;
  let unsubscribe: (() => void) | undefined;
  return {
    description: `${id}`,
    send: async (bytes) => {
      await engine.send({ id, data: bytes as Uint8Array<ArrayBuffer> });
    },
    receive(onData, onClosed) {
      const drain = (): void => {
        for (;;) {
          const { head, entries } = engine.readLog(id, nextSeq, READ_BATCH);
          // Entries the ring already dropped are gone: carry on from what is held.
          nextSeq = Math.max(nextSeq, head.firstSeq);
          for (const entry of entries) {
            nextSeq = entry.seq + 1;
            if (entry.dir === 'in') onData(entry.bytes, datagrams);
          }
          if (entries.length < READ_BATCH) return;
        }
      };
      unsubscribe = engine.subscribe(
        (event) => {
          if (event.type === 'log.head' && event.head.id === id) drain();
          else if (event.type === 'socket.upsert' && event.socket.id === id && (event.socket.state === 'closed' || event.socket.state === 'error')) {
            drain();
            onClosed(event.socket.error?.message);
          } else if (event.type === 'socket.removed' && event.id === id) onClosed('the socket was removed');
        },
        ['log.head', 'socket.upsert', 'socket.removed'],
      );
      drain();
      if (info.state === 'closed' || info.state === 'error') onClosed(info.error?.message);
    },
    close: async () => {
      unsubscribe?.();
      await engine.close(id).catch(() => undefined);
    },
    release: () => unsubscribe?.(),
  };
}

/** Connect steps open engine sockets, so the connection shows in the app like any other. */
export function engineConnector(engine: Engine): Connector {
  return async (target, timeoutMs) => {
    const { protocol, host, port } = parseScenarioTarget(target);
    if (protocol !== 'tcp') throw new Error('A sequence in the app connects over TCP; for UDP, run it on a UDP socket');
    const socket = await engine.connectTcp({ host, port, timeoutMs });
    return engineLink(engine, socket.id);
  };
}
