/**
 * A scenario link over an engine socket: sends go through the engine (logged like any send), and
 * what arrives is read back from the socket's log as it grows, so the user watches a sequence in
 * the same log view as everything else.
 */
import type { Announced } from '../engine/announcements';
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
  /** Released, closed or removed: a read already queued must not ask for the log, nor say the end twice. */
  let done = false;
  const stop = (): void => {
    done = true;
    unsubscribe?.();
  };
  return {
    description: `${id}`,
    send: async (bytes) => {
      await engine.send({ id, data: bytes as Uint8Array<ArrayBuffer> });
    },
    receive(onData, onClosed) {
      /** The socket as the engine marks it (Announced), once it has marked anything. */
      let socket: Announced | undefined;
      let drainQueued = false;
      let stateChanged = false;
      const drain = (): void => {
        drainQueued = false;
        if (done) return;
        // Read up to here: the socket's next change must be marked again for this link to hear of it.
        socket?.built();
        for (;;) {
          const { head, entries } = engine.readLog(id, nextSeq, READ_BATCH);
          // Entries the ring already dropped are gone: carry on from what is held.
          nextSeq = Math.max(nextSeq, head.firstSeq);
          for (const entry of entries) {
            nextSeq = entry.seq + 1;
            if (entry.dir === 'in') onData(entry.bytes, datagrams);
          }
          if (entries.length < READ_BATCH) break;
        }
        if (!stateChanged || socket === undefined) return;
        stateChanged = false;
        const { state, error } = socket.info;
        if (state !== 'closed' && state !== 'error') return;
        done = true;
        onClosed(error?.message);
      };
      // Read after the mark, not inside it: a mark comes from the middle of the engine's read.
      const soon = (source: Announced): void => {
        socket = source;
        if (drainQueued) return;
        drainQueued = true;
        queueMicrotask(drain);
      };
      // Marks rather than events: only this link's socket is marked more often than once per
      // batch while a sequence runs on it (a listener of every log head made every socket so).
      unsubscribe = engine.announceTo({
        event: () => undefined,
        changed(source, kind) {
          // Counters come with a log head: only a new state says more.
          if (source.id !== id || kind !== 'upsert') return;
          stateChanged = true;
          soon(source);
        },
        headChanged(source) {
          if (source.id === id) soon(source);
        },
        removed(source) {
          if (source.id !== id) return;
          // Closed and removed in one turn: its last reads and its close wait on a queued drain.
          // The engine still holds the log while it tells of the removal.
          if (drainQueued) drain();
          if (done) return;
          done = true;
          onClosed('the socket was removed');
        },
      });
      drain();
      if (info.state === 'closed' || info.state === 'error') onClosed(info.error?.message);
    },
    close: async () => {
      stop();
      await engine.close(id).catch(() => undefined);
    },
    release: stop,
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
