import { beforeEach, describe, expect, it } from 'vitest';
import { socketInfo as socket } from '@shared/test-support/socket-info';
import { sameSettings, statsOf } from '@shared/socket-stats';
import { applyEvents, applySnapshot, initialSocketsState, useSockets } from './sockets';
import { totalsOf } from './totals';

const rules = {
  echo: false,
  echoHits: 0,
  rules: [
    { id: 'r1', enabled: true, match: 'exact' as const, pattern: 'PING', reply: 'PONG', replyFormat: 'text' as const, delayMs: 0, hits: 0 },
    { id: 'r2', enabled: true, match: 'exact' as const, pattern: 'QUIT', reply: '', replyFormat: 'text' as const, delayMs: 0, hits: 4 },
  ],
};

describe('counters from socket.stats', () => {
  beforeEach(() => {
    useSockets.setState(initialSocketsState, true);
    applySnapshot({ rev: 1, sockets: [socket('u', { kind: 'udp', framing: { mode: 'raw' }, autoReply: rules })], logs: [] });
  });

  it('are merged into the socket the window has, keeping its settings', () => {
    applyEvents([
      {
        type: 'socket.stats',
        stats: {
          id: 'u',
          bytesIn: 40,
          bytesOut: 8,
          messagesIn: 10,
          messagesOut: 2,
          queuedBytes: 0,
          lastActivityAt: 9,
          autoReplyHits: { echo: 0, rules: { r1: 2 } },
        },
      },
    ]);
    const merged = useSockets.getState().sockets.u;
    expect(merged).toMatchObject({ kind: 'udp', framing: { mode: 'raw' }, bytesIn: 40, messagesIn: 10, messagesOut: 2, lastActivityAt: 9 });
    expect(merged.autoReply?.rules.map((rule) => [rule.id, rule.pattern, rule.hits])).toEqual([
      ['r1', 'PING', 2],
      ['r2', 'QUIT', 4],
    ]);
  });

  it('keep the rules object while no hit count moved, and are ignored for a socket not known', () => {
    const before = useSockets.getState().sockets.u.autoReply;
    applyEvents([
      {
        type: 'socket.stats',
        stats: {
          id: 'u',
          bytesIn: 1,
          bytesOut: 0,
          messagesIn: 1,
          messagesOut: 0,
          queuedBytes: 0,
          autoReplyHits: { echo: 0, rules: { r1: 0, r2: 4 } },
        },
      },
      { type: 'socket.stats', stats: { id: 'gone', bytesIn: 1, bytesOut: 0, messagesIn: 1, messagesOut: 0, queuedBytes: 0 } },
    ]);
    expect(useSockets.getState().sockets.u.autoReply).toBe(before);
    expect(useSockets.getState().sockets.u.bytesIn).toBe(1);
    expect(useSockets.getState().sockets.gone).toBeUndefined();
  });
});

describe('what views without counters see', () => {
  const stats = (id: string, bytesIn: number) => ({
    type: 'socket.stats' as const,
    stats: { id, bytesIn, bytesOut: 0, messagesIn: 1, messagesOut: 0, queuedBytes: 0, lastActivityAt: bytesIn },
  });

  beforeEach(() => {
    useSockets.setState(initialSocketsState, true);
    applySnapshot({ rev: 1, sockets: [socket('a', { kind: 'udp' }), socket('b', { kind: 'tcp-connection', autoReply: rules })], logs: [] });
  });

  it('keeps the layout while only counters move, and the settings compare equal', () => {
    const before = useSockets.getState();
    applyEvents([stats('a', 64), stats('b', 4096)]);
    const after = useSockets.getState();
    expect(after.sockets.a.bytesIn).toBe(64);
    expect(after.layout).toBe(before.layout);
    expect(sameSettings(before.sockets.a, after.sockets.a)).toBe(true);
  });

  it('lays out again on an upsert or a removal, and a changed setting or hit count is a change', () => {
    const before = useSockets.getState();
    applyEvents([{ type: 'socket.upsert', socket: { ...before.sockets.a, state: 'closed' } }]);
    const upserted = useSockets.getState();
    expect(upserted.layout).not.toBe(before.layout);
    expect(upserted.layout.a.state).toBe('closed');
    expect(sameSettings(before.sockets.a, upserted.sockets.a)).toBe(false);

    applyEvents([{ type: 'socket.stats', stats: { ...statsOf(before.sockets.b), autoReplyHits: { echo: 0, rules: { r1: 1 } } } }]);
    expect(sameSettings(before.sockets.b, useSockets.getState().sockets.b)).toBe(false);

    applyEvents([{ type: 'socket.removed', id: 'a' }]);
    expect(Object.keys(useSockets.getState().layout)).toEqual(['b']);
  });
});

describe('the totals the status bar shows', () => {
  const stats = (id: string, bytesIn: number, bytesOut: number) => ({
    type: 'socket.stats' as const,
    stats: { id, bytesIn, bytesOut, messagesIn: 1, messagesOut: 1, queuedBytes: 0 },
  });
  /** The totals kept batch by batch must be the ones counted over every socket. */
  const expectTotals = (open: number, bytesIn: number, bytesOut: number) => {
    const { totals, sockets } = useSockets.getState();
    expect(totals).toEqual({ open, bytesIn, bytesOut });
    expect(totals).toEqual(totalsOf(Object.values(sockets)));
  };

  beforeEach(() => {
    useSockets.setState(initialSocketsState, true);
    applySnapshot({
      rev: 1,
      sockets: [
        // A listener's bytes are its connections': not counted twice. An imported log's are not this session's.
        socket('l', { kind: 'tcp-listener', state: 'listening', bytesIn: 50, bytesOut: 20 }),
        socket('c', { kind: 'tcp-connection', parentId: 'l', bytesIn: 50, bytesOut: 20 }),
        socket('old', { kind: 'tcp-client', state: 'closed', bytesIn: 7, bytesOut: 3 }),
        socket('i', { kind: 'imported', state: 'closed', bytesIn: 1000, bytesOut: 1000 }),
      ],
      logs: [],
    });
  });

  it('count the snapshot, then follow counters, state changes, new sockets and removals', () => {
    expectTotals(2, 57, 23);
    applyEvents([stats('c', 80, 30), stats('l', 80, 30), stats('unknown', 5, 5)]);
    expectTotals(2, 87, 33);
    applyEvents([
      { type: 'socket.upsert', socket: { ...useSockets.getState().sockets.c, state: 'closed', bytesIn: 90 } },
      { type: 'socket.upsert', socket: socket('u', { kind: 'udp', bytesIn: 4, bytesOut: 2 }) },
      stats('u', 6, 2),
    ]);
    expectTotals(2, 103, 35);
    applyEvents([
      { type: 'socket.removed', id: 'old' },
      { type: 'socket.removed', id: 'l' },
      { type: 'socket.removed', id: 'never' },
    ]);
    expectTotals(1, 96, 32);
  });

  it('stay the same object while a batch moves none of them', () => {
    const before = useSockets.getState().totals;
    applyEvents([{ type: 'log.head', head: { id: 'c', firstSeq: 0, nextSeq: 3, dropped: 0, bytes: 12 } }, stats('l', 1, 1)]);
    expect(useSockets.getState().totals).toBe(before);
  });
});
