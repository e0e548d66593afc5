import { createSocket, type Socket as UdpPeer } from 'node:dgram';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadUserRegex } from '@shared/user-regex';
import type { AutoReplyRuleInput } from '@shared/auto-reply';
import { commands, type SocketInfo } from '@shared/contract';
import type { FramingSpec } from '@shared/framing';
import { MAX_ASSEMBLED_FRAME_BYTES } from './frame-assembler';
import { Engine } from './engine';
import { allEntries, logEvents, loggedBytes } from './test-support/engine-log';
import { connectClient, stopPeers } from './test-support/peers';
import { waitFor } from './test-support/wait-for';

// Rules and scenarios here are parsed directly, as a front end would after loading the engine.
beforeAll(() => loadUserRegex());

let engine: Engine;
const udpPeers: UdpPeer[] = [];

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
  for (const peer of udpPeers.splice(0)) peer.close();
});

let nextRuleId = 1;
function rule(fields: Partial<AutoReplyRuleInput> & Pick<AutoReplyRuleInput, 'match' | 'pattern' | 'reply'>): AutoReplyRuleInput {
  return { id: `rule-${nextRuleId++}`, ...fields };
}

/** Rules go through the contract's schema first, as every front end's do. */
function setRules(id: string, rules: AutoReplyRuleInput[], echo = false, framing?: FramingSpec) {
  return engine.setAutoReply(commands['autoReply.set'].input.parse({ id, echo, rules, framing }));
}

const LINES: FramingSpec = { mode: 'delimiter', delimiter: [0x0a] };

async function listen(): Promise<SocketInfo & { port: number }> {
  const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
  return { ...listener, port: listener.local?.port ?? 0 };
}

function hitsOf(id: string): number[] {
  return engine.info(id).autoReply?.rules.map((r) => r.hits) ?? [];
}

describe('auto-replies on a listener', () => {
  it('answers each match kind on every accepted connection, first enabled rule wins, and counts hits', async () => {
    engine = new Engine();
    const listener = await listen();
    setRules(listener.id, [
      rule({ match: 'exact', pattern: 'HELLO\\r\\n', reply: 'exact\\n' }),
      rule({ match: 'contains', pattern: 'PING', reply: 'PONG\\n' }),
      rule({ match: 'regex', pattern: '^GET /(\\w+)', reply: 'HTTP/1.0 200 OK\\r\\n\\r\\n' }),
      rule({ match: 'hex-prefix', pattern: 'de ad', reply: 'be ef', replyFormat: 'hex' }),
      rule({ match: 'contains', pattern: 'PING', reply: 'never: the rule above wins' }),
    ]);
    const first = await connectClient(listener.port);
    const second = await connectClient(listener.port);
    await first.write(Buffer.from('HELLO\r\n'));
    await waitFor(() => first.received().toString() === 'exact\n', 'the exact reply');
    await second.write(Buffer.from('xxPINGxx'));
    await waitFor(() => second.received().toString() === 'PONG\n', 'the contains reply on the second connection');
    await first.write(Buffer.from('GET /index HTTP/1.0\r\n'));
    await waitFor(() => first.received().toString().endsWith('HTTP/1.0 200 OK\r\n\r\n'), 'the regex reply');
    await second.write(Buffer.from([0xde, 0xad, 0x00, 0x01]));
    await waitFor(
      () =>
        second
          .received()
          .subarray(-2)
          .equals(Buffer.from([0xbe, 0xef])),
      'the hex-prefix reply',
    );
    // Exact means exact, and nothing matches this one: no reply.
    await first.write(Buffer.from('HELLO'));
    await waitFor(() => hitsOf(listener.id).join() === '1,1,1,1,0', 'hit counts to reach the listener');
    expect(first.received().toString()).toBe('exact\nHTTP/1.0 200 OK\r\n\r\n');
    // The replies are logged as sent on the connection that received the message.
    const connection = engine.snapshot().sockets.find((s) => s.parentId === listener.id && s.remote?.port === second.localPort);
    expect(loggedBytes(engine, connection?.id ?? '', 'out')).toEqual(Buffer.from([...Buffer.from('PONG\n'), 0xbe, 0xef]));
  });

  it('echoes what no rule answers, keeps hit counts when rules change, and obeys a rule switched off live', async () => {
    engine = new Engine();
    const listener = await listen();
    const ping = rule({ match: 'contains', pattern: 'PING', reply: 'PONG' });
    setRules(listener.id, [ping], true);
    const client = await connectClient(listener.port);
    await client.write(Buffer.from('PING'));
    await waitFor(() => client.received().toString() === 'PONG', 'the rule to answer');
    await client.write(Buffer.from('other'));
    await waitFor(() => client.received().toString() === 'PONGother', 'the echo');
    expect(engine.info(listener.id).autoReply).toMatchObject({ echo: true, echoHits: 1, rules: [{ hits: 1 }] });

    const state = setRules(listener.id, [{ ...ping, enabled: false }], true);
    expect(state.rules[0]).toMatchObject({ enabled: false, hits: 1 });
    await client.write(Buffer.from('PING'));
    await waitFor(() => client.received().toString() === 'PONGotherPING', 'the echo instead of the switched-off rule');

    setRules(listener.id, [], false);
    await client.write(Buffer.from('quiet'));
    await waitFor(
      () =>
        engine.info(listener.id).autoReply?.echoHits === 2 && loggedBytes(engine, engine.snapshot().sockets[1].id, 'in').toString().endsWith('quiet'),
      'the last message to be logged',
    );
    expect(client.received().toString()).toBe('PONGotherPING');
  });

  it('waits the delay before replying, and a reply to a closed connection is logged as not sent', async () => {
    engine = new Engine();
    const listener = await listen();
    setRules(listener.id, [rule({ match: 'contains', pattern: 'slow', reply: 'late', delayMs: 150 })]);
    const client = await connectClient(listener.port);
    const sentAt = performance.now();
    await client.write(Buffer.from('slow'));
    await waitFor(() => client.received().toString() === 'late', 'the delayed reply');
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(140);

    await client.write(Buffer.from('slow'));
    const connection = engine.snapshot().sockets.find((s) => s.parentId === listener.id);
    await waitFor(() => hitsOf(listener.id)[0] === 2, 'the second hit');
    await engine.reset(connection?.id ?? '');
    await waitFor(
      () => logEvents(engine, connection?.id ?? '').some((e) => e.message.startsWith('Auto-reply not sent: Cannot send')),
      'the failed reply to be logged',
    );
  });

  it('refuses rules that cannot work, with the reason, and sockets that take no rules', async () => {
    engine = new Engine();
    const input = commands['autoReply.set'].input;
    const problems = (rules: unknown[]): string[] => {
      const parsed = input.safeParse({ id: 'x', rules });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems([{ id: 'a', match: 'regex', pattern: '(', reply: '' }])[0]).toMatch(/^rules\.0\.pattern: Not a valid regular expression/);
    expect(problems([{ id: 'a', match: 'regex', pattern: '(?=x)', reply: '' }])[0]).toMatch(/^rules\.0\.pattern: Lookahead and lookbehind/);
    expect(problems([{ id: 'a', match: 'hex-prefix', pattern: 'zz', reply: '' }])).toEqual(['rules.0.pattern: "z" is not a hex digit (position 1)']);
    expect(problems([{ id: 'a', match: 'exact', pattern: 'x', reply: '\\q' }])[0]).toMatch(/^rules\.0\.reply: .*\\q/);
    expect(problems([{ id: 'a', match: 'exact', pattern: 'x', reply: '', delayMs: 61_000 }])).toEqual(['rules.0.delayMs: Delay is at most 60 s']);
    expect(
      problems([
        { id: 'a', match: 'exact', pattern: 'x', reply: '' },
        { id: 'a', match: 'exact', pattern: 'y', reply: '' },
      ]),
    ).toEqual(['rules: Each rule needs its own id']);
    const listener = await listen();
    const client = await connectClient(listener.port);
    await waitFor(() => engine.snapshot().sockets.length === 2, 'the connection');
    const connection = engine.snapshot().sockets[1];
    expect(() => setRules(connection.id, [])).toThrow('Auto-replies are set on a listener or a UDP socket; con-2 is neither');
    client.socket.destroy();
  });
});

describe('auto-replies that match each frame', () => {
  it('answers each line, however the lines are cut into reads', async () => {
    engine = new Engine();
    const listener = await listen();
    const state = setRules(listener.id, [rule({ match: 'exact', pattern: 'PING\\n', reply: 'PONG\\n' })], true, LINES);
    expect(state.framing).toEqual(LINES);
    const client = await connectClient(listener.port);
    // Two lines in one write, then one line cut in two writes.
    await client.write(Buffer.from('PING\nPING\n'));
    await waitFor(() => client.received().toString() === 'PONG\nPONG\n', 'a reply to each line of one read');
    await client.write(Buffer.from('PI'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.received().toString(), 'half a line is not a message yet').toBe('PONG\nPONG\n');
    await client.write(Buffer.from('NG\nhello\n'));
    await waitFor(() => client.received().toString() === 'PONG\nPONG\nPONG\nhello\n', 'the line completed by the next read, then the echo');
    expect(hitsOf(listener.id)).toEqual([3]);
    expect(engine.info(listener.id).autoReply?.echoHits).toBe(1);
  });

  it('does not match a message that outgrows the limit, says so, and keeps its place in the stream', async () => {
    engine = new Engine();
    const listener = await listen();
    setRules(
      listener.id,
      [rule({ match: 'contains', pattern: 'x', reply: 'X\\n' }), rule({ match: 'exact', pattern: 'ok\\n', reply: 'OK\\n' })],
      false,
      LINES,
    );
    const client = await connectClient(listener.port);
    await client.write(Buffer.alloc(MAX_ASSEMBLED_FRAME_BYTES + 4096, 'x'));
    await client.write(Buffer.from('xx\nok\n'));
    await waitFor(() => client.received().toString() === 'OK\n', 'the reply to the line after the long one');
    const connection = engine.snapshot().sockets.find((s) => s.parentId === listener.id)?.id ?? '';
    expect(logEvents(engine, connection).filter((e) => e.message.startsWith('Auto-reply: a message grew past 1 MiB'))).toHaveLength(1);
    expect(hitsOf(listener.id)).toEqual([0, 1]);
  });

  it('cuts each datagram on its own: every line answered, and an unfinished one ends with its datagram', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    setRules(udp.id, [rule({ match: 'regex', pattern: '^time\\?', reply: 'noon\\n' })], true, LINES);
    const peer = createSocket('udp4');
    udpPeers.push(peer);
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const answers: string[] = [];
    peer.on('message', (message) => answers.push(message.toString()));
    peer.send('time?\nhello\ntime?', udp.local?.port ?? 0, '127.0.0.1');
    await waitFor(() => answers.length === 3, 'three answers to one datagram');
    expect(answers).toEqual(['noon\n', 'hello\n', 'noon\n']);
  });

  it('keeps its place in a length-prefixed stream when a rule is edited mid-frame; a new framing starts afresh', async () => {
    engine = new Engine();
    const listener = await listen();
    const lengthPrefixed: FramingSpec = { mode: 'length', headerBytes: 2, endian: 'big', includesHeader: false };
    const ping = rule({ match: 'contains', pattern: 'PING', reply: 'PONG\\n' });
    setRules(listener.id, [ping], false, lengthPrefixed);
    const client = await connectClient(listener.port);
    const framed = (text: string): Buffer => Buffer.concat([Buffer.from([0, text.length]), Buffer.from(text)]);
    const first = framed('old PING');
    await client.write(first.subarray(0, 4));
    const connection = (): SocketInfo | undefined => engine.snapshot().sockets.find((s) => s.parentId === listener.id);
    await waitFor(() => connection()?.bytesIn === 4, 'half of the first frame');
    // The user edits the rule's reply while a frame is half read: the framing is the same.
    setRules(listener.id, [{ ...ping, reply: 'PONG 2\\n' }], false, lengthPrefixed);
    await client.write(Buffer.concat([first.subarray(4), framed('PING again')]));
    await waitFor(() => client.received().toString() === 'PONG 2\nPONG 2\n', 'both frames answered, the one cut by the edit too');

    // A new framing: the stream is cut afresh from the next read on.
    setRules(listener.id, [{ ...ping, reply: 'line\\n' }], false, LINES);
    await client.write(Buffer.from('PING\n'));
    await waitFor(() => client.received().toString().endsWith('line\n'), 'the reply under the new framing');
  });
});

describe('auto-replies on a UDP socket', () => {
  it('answers each datagram to its sender', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    setRules(udp.id, [rule({ match: 'exact', pattern: 'time?', reply: 'noon' })], true);
    const received = new Map<number, string[]>();
    const peers = await Promise.all(
      [0, 1].map(async () => {
        const peer = createSocket('udp4');
        udpPeers.push(peer);
        await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
        peer.on('message', (message) => received.get(peer.address().port)?.push(message.toString()));
        received.set(peer.address().port, []);
        return peer;
      }),
    );
    const port = udp.local?.port ?? 0;
    peers[0].send('time?', port, '127.0.0.1');
    peers[1].send('hello', port, '127.0.0.1');
    await waitFor(() => [...received.values()].every((list) => list.length === 1), 'a reply to each peer');
    expect(received.get(peers[0].address().port)).toEqual(['noon']);
    expect(received.get(peers[1].address().port)).toEqual(['hello']);
    const sent = allEntries(engine, udp.id).filter((e) => e.dir === 'out');
    expect(sent.map((e) => e.dir === 'out' && e.peer?.port)).toEqual(expect.arrayContaining(peers.map((p) => p.address().port)));
  });
});
