/**
 * `sockscope send` and `sockscope listen` run from source as separate processes, against real
 * peers (node servers, ncat), the way a person runs them in a terminal.
 */
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, freePort, startChild, startServer, stopPeers, type ChildPeer } from '../../main/engine/test-support/peers';
import { waitFor } from '../../main/engine/test-support/wait-for';
import { tsharkFields } from '../../main/export/test-support/tshark';
import { scratchDirEachTest } from '../../main/test-support/scratch';
import { CLI, runCli, type CliRun } from '../test-support/run-cli';

const files = scratchDirEachTest();

afterEach(() => stopPeers());

const sockscope = (args: string[]): Promise<CliRun> => runCli(args);

/** A `sockscope listen …` process, once it says where it listens. */
async function listen(args: string[]): Promise<{ peer: ChildPeer; port: number; stop(): Promise<number | null> }> {
  const peer = await startChild('node', [...CLI, 'listen', ...args], /(Listening on|Bound to) \S+:\d+\./);
  const port = Number(/:(\d+)\. Ctrl-C/.exec(peer.stderr())?.[1]);
  const stop = async (): Promise<number | null> => {
    const exited = new Promise<number | null>((resolve) => peer.child.once('exit', (code) => resolve(code)));
    peer.child.kill('SIGTERM');
    return exited;
  };
  return { peer, port, stop };
}

describe('sockscope send', () => {
  it('sends text with escapes over TCP and prints the reply byte for byte, ending when the peer closes', async () => {
    let received = Buffer.alloc(0);
    const { port } = await startServer((socket) =>
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.includes('\n')) socket.end(Buffer.from([0x50, 0x4f, 0x4e, 0x47, 0x00, 0xff, 0x0a]));
      }),
    );
    const run = await sockscope(['send', `tcp://127.0.0.1:${port}`, 'PING\\x00\\r\\n', '--wait', '5000']);
    expect(run).toMatchObject({ code: 0 });
    expect(received).toEqual(Buffer.from('PING\x00\r\n'));
    expect(run.stdoutBytes).toEqual(Buffer.from([0x50, 0x4f, 0x4e, 0x47, 0x00, 0xff, 0x0a]));
    expect(run.stderr).toMatch(/^Connected to 127\.0\.0\.1:\d+ from 127\.0\.0\.1:\d+\nSent 7 B\n$/);
  });

  it('sends a hex datagram to an IPv6 UDP peer and prints its reply as a hex dump', async () => {
    const peer = createSocket('udp6');
    await new Promise<void>((resolve) => peer.bind(0, '::1', resolve));
    peer.on('message', (message, sender) => peer.send(Buffer.concat([message, Buffer.from('!')]), sender.port, sender.address));
    try {
      const run = await sockscope(['send', `udp://[::1]:${peer.address().port}`, '01 02 ff', '--hex', '--wait', '800', '--hexdump', '--quiet']);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('00000000  01 02 ff 21                                       |...!|\n');
      expect(run.code).toBe(0);
    } finally {
      peer.close();
    }
  });

  it('fails with exit code 1 and a sentence a person understands', async () => {
    const port = await freePort();
    const [refused, badUrl, badHex] = await Promise.all([
      sockscope(['send', `tcp://127.0.0.1:${port}`, 'hi']),
      sockscope(['send', 'http://127.0.0.1:80', 'hi']),
      sockscope(['send', `udp://127.0.0.1:${port}`, '4g', '--hex']),
    ]);
    expect(refused).toMatchObject({ code: 1, stderr: `sockscope: Connection refused by 127.0.0.1:${port} — nothing is listening there\n` });
    expect(badUrl.code).toBe(1);
    // One line naming every scheme, and where to read more: not the whole help.
    expect(badUrl.stderr).toBe(
      "error: command-argument value 'http://127.0.0.1:80' is invalid for argument 'url'. Expected tcp://host:port, tls://host:port or udp://host:port, " +
        'e.g. tcp://127.0.0.1:8080, tls://[::1]:8443 or udp://127.0.0.1:9000.\n(sockscope send --help lists the options, with examples)\n',
    );
    expect(badHex).toMatchObject({ code: 1, stderr: 'sockscope: The payload is not valid hex: "g" is not a hex digit (position 2)\n' });
  });
});

describe('sockscope, as a person types it', () => {
  it('refuses options that do not apply to the scheme, before opening anything', async () => {
    const port = await freePort();
    const runs = await Promise.all([
      sockscope(['listen', `tcp://127.0.0.1:${port}`, '--cert', 'x.pem', '--key', 'x.key']),
      sockscope(['listen', `tcp://127.0.0.1:${port}`, '--join', '239.1.2.3']),
      sockscope(['listen', `tcp://127.0.0.1:${port}`, '--broadcast']),
      sockscope(['listen', `udp://127.0.0.1:${port}`, '--alpn', 'h2']),
      sockscope(['send', `tcp://127.0.0.1:${port}`, 'hi', '--insecure']),
      sockscope(['send', `tls://127.0.0.1:${port}`, 'hi', '--broadcast']),
    ]);
    expect(runs.map((run) => [run.code, run.stderr])).toEqual([
      [1, `sockscope: --cert applies to tls:// only, not tcp://; did you mean tls://127.0.0.1:${port}?\n`],
      [1, 'sockscope: --join applies to udp:// only, not tcp://\n'],
      [1, 'sockscope: --broadcast applies to udp:// only, not tcp://\n'],
      [1, 'sockscope: --alpn applies to tls:// only, not udp://\n'],
      [1, `sockscope: --insecure applies to tls:// only, not tcp://; did you mean tls://127.0.0.1:${port}?\n`],
      [1, 'sockscope: --broadcast applies to udp:// only, not tls://\n'],
    ]);
  });

  it('says an empty --servername in words, a usage error in one line, and shows \\r\\n in the help as typed', async () => {
    const [empty, missing, help] = await Promise.all([
      sockscope(['send', 'tls://127.0.0.1:9', 'hi', '--servername', '']),
      sockscope(['listen']),
      sockscope(['send', '--help']),
    ]);
    expect(empty).toMatchObject({
      code: 1,
      stderr:
        'sockscope: --servername is empty: give the name to ask the server for (SNI), e.g. --servername example.com, or leave it out to use the host in the URL\n',
    });
    expect(missing).toMatchObject({
      code: 1,
      stderr: "error: missing required argument 'url'\n(sockscope listen --help lists the options, with examples)\n",
    });
    expect(help.stdout).toContain("sockscope send tls://localhost:8443 'GET / HTTP/1.0\\r\\n\\r\\n' --insecure --wait 2000\n");
  });

  it('host --port on a port in use says so as listen does', async () => {
    const { port: busy } = await startServer(() => undefined);
    // A renderer of its own: the test needs no build.
    const renderer = files.write('index.html', Buffer.from('<!doctype html>'));
    const run = await sockscope(['host', '--port', String(busy), '--renderer', resolve(renderer, '..')]);
    expect(run).toMatchObject({ code: 1, stderr: `sockscope: 127.0.0.1:${busy} is already in use\n` });
  });
});

describe('sockscope listen', () => {
  it('answers ncat with a rule, logs every message like the app, and writes pcapng and JSON Lines when stopped', async () => {
    const rules = files.write('rules.json', Buffer.from(JSON.stringify({ rules: [{ match: 'contains', pattern: 'PING', reply: 'PONG\\n' }] })));
    const capture = files.path('capture.pcapng');
    const log = files.path('log.jsonl');
    const listener = await listen([`tcp://127.0.0.1:0`, '--rules', rules, '--pcapng', capture, '--jsonl', log]);
    const ncat = await startChild('ncat', ['127.0.0.1', String(listener.port)], /^$/);
    ncat.child.stdin.write('PING\r\n');
    await waitFor(() => ncat.stdout().toString() === 'PONG\n', 'ncat to get the reply');
    ncat.child.stdin.end();
    await waitFor(() => listener.peer.stdout().toString().includes('Connection closed'), 'the close to be logged');

    const lines = listener.peer.stdout().toString().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  lst-1   ·   Listening on 127\\.0\\.0\\.1:${listener.port}$`));
    expect(lines).toContainEqual(expect.stringMatching(/^[\d:.]+ {2}con-2 {3}↓ RX {2}from 127\.0\.0\.1:\d+ +6 B {2}PING\\r\\n$/));
    expect(lines).toContainEqual(expect.stringMatching(/^[\d:.]+ {2}con-2 {3}↑ TX {2}to 127\.0\.0\.1:\d+ +5 B {2}PONG\\n$/));

    expect(await listener.stop()).toBe(0);
    expect(listener.peer.stderr()).toMatch(/Wrote .*capture\.pcapng: 9 packets .*\nWrote .*log\.jsonl: \d+ log entries/);
    const packets = await tsharkFields(capture, ['tcp.dstport', 'tcp.payload'], 'tcp.len > 0');
    expect(packets).toEqual([
      [String(listener.port), Buffer.from('PING\r\n').toString('hex')],
      [expect.stringMatching(/^\d+$/), Buffer.from('PONG\n').toString('hex')],
    ]);
    expect(existsSync(log)).toBe(true);
  });

  it('shows the first 1,024 bytes of a large read and counts the rest, while the JSON Lines file keeps every byte', async () => {
    const log = files.path('log.jsonl');
    const listener = await listen(['tcp://127.0.0.1:0', '--jsonl', log]);
    const client = await connectClient(listener.port);
    const payload = Buffer.alloc(5000, 'x');
    await client.write(payload);
    await waitFor(() => /↓ RX .* 5000 B {2}x+ {2}… 3,976 more bytes/.test(listener.peer.stdout().toString()), 'the read, cut short');
    expect(listener.peer.stdout().toString()).toContain(`5000 B  ${'x'.repeat(1024)}  … 3,976 more bytes (--show-bytes all shows every byte)\n`);
    client.socket.end();
    await waitFor(() => listener.peer.stdout().toString().includes('Connection closed'), 'the close to be logged');
    expect(await listener.stop()).toBe(0);
    const received = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; dir?: string; data?: string })
      .filter((entry) => entry.type === 'entry' && entry.dir === 'in')
      .map((entry) => Buffer.from(entry.data ?? '', 'base64'));
    expect(Buffer.concat(received).equals(payload), 'every byte in the file').toBe(true);

    const all = await listen(['tcp://127.0.0.1:0', '--show-bytes', 'all']);
    const second = await connectClient(all.port);
    await second.write(payload);
    await waitFor(
      () =>
        all.peer
          .stdout()
          .toString()
          .includes(`5000 B  ${'x'.repeat(5000)}\n`),
      'every byte shown',
    );
    expect(await all.stop()).toBe(0);

    const wrong = await sockscope(['listen', 'tcp://127.0.0.1:0', '--show-bytes', 'lots']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("option '--show-bytes <n|all>' argument 'lots' is invalid. Give a number of bytes (1 or more), or all.");
  });

  it('answers each line with --each line, however the lines arrive, and refuses a unit it does not know', async () => {
    const rules = files.write('rules.json', Buffer.from(JSON.stringify([{ match: 'exact', pattern: 'PING\\n', reply: 'PONG\\n' }])));
    const listener = await listen(['tcp://127.0.0.1:0', '--rules', rules, '--each', 'line']);
    const client = await connectClient(listener.port);
    await client.write(Buffer.from('PING\nPING\nPI'));
    await waitFor(() => client.received().toString() === 'PONG\nPONG\n', 'a reply to each whole line');
    await client.write(Buffer.from('NG\n'));
    await waitFor(() => client.received().toString() === 'PONG\nPONG\nPONG\n', 'the reply to the line finished by the next read');
    expect(await listener.stop()).toBe(0);

    const unknown = await sockscope(['listen', 'tcp://127.0.0.1:0', '--echo', '--each', 'word']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("option '--each <unit>' argument 'word' is invalid. expected one of chunk, line, crlf, nul, http, resp");
  });

  it('echoes UDP datagrams back to each sender', async () => {
    const listener = await listen(['udp://127.0.0.1:0', '--echo', '--hexdump']);
    const client = createSocket('udp4');
    const replies: string[] = [];
    client.on('message', (message) => replies.push(message.toString()));
    try {
      client.send('marco', listener.port, '127.0.0.1');
      await waitFor(() => replies.length === 1, 'the echo');
      expect(replies).toEqual(['marco']);
      await waitFor(() => listener.peer.stdout().toString().includes('|marco|'), 'the hex dump of the datagram');
      expect(await listener.stop()).toBe(0);
    } finally {
      client.close();
    }
  });

  it('echoes an empty UDP datagram with an empty one', async () => {
    const listener = await listen(['udp://127.0.0.1:0', '--echo']);
    const client = createSocket('udp4');
    const replies: number[] = [];
    client.on('message', (message) => replies.push(message.byteLength));
    try {
      client.send(Buffer.alloc(0), listener.port, '127.0.0.1');
      await waitFor(() => replies.length === 1, 'the empty echo');
      expect(replies).toEqual([0]);
      expect(await listener.stop()).toBe(0);
    } finally {
      client.close();
    }
  });

  it('joins a multicast group on an interface and logs what is sent to the group', async () => {
    const listener = await listen(['udp://0.0.0.0:0', '--join', '239.255.77.1%lo']);
    const sender = createSocket('udp4');
    try {
      await new Promise<void>((done) => sender.bind(0, '127.0.0.1', done));
      // Out through loopback, looped back to members on this machine.
      sender.setMulticastInterface('127.0.0.1');
      sender.setMulticastLoopback(true);
      sender.send('to the group', listener.port, '239.255.77.1');
      await waitFor(() => listener.peer.stdout().toString().includes('to the group'), 'the datagram sent to the group');
      expect(await listener.stop()).toBe(0);
    } finally {
      sender.close();
    }
  });

  it('refuses an address that is not a multicast group, with exit code 1', async () => {
    const run = await sockscope(['listen', 'udp://127.0.0.1:0', '--join', '10.1.2.3']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--join 10.1.2.3: ');
    expect(run.stderr).toContain('A multicast group is an address in 224.0.0.0');
  });

  it('refuses a broken rules file before opening anything, and a port in use, with exit code 1', async () => {
    const rules = files.path('rules.json');
    writeFileSync(rules, JSON.stringify([{ match: 'regex', pattern: '(', reply: 'x' }]));
    const port = await freePort();
    const { port: busy } = await startServer(() => undefined);
    const [broken, inUse] = await Promise.all([
      sockscope(['listen', `tcp://127.0.0.1:${port}`, '--rules', rules]),
      sockscope(['listen', `tcp://127.0.0.1:${busy}`, '--echo']),
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^sockscope: .*rules\.json: rules\.0\.pattern: Not a valid regular expression: missing closing \): `\(`\n$/);
    expect(inUse).toMatchObject({ code: 1, stderr: `sockscope: 127.0.0.1:${busy} is already in use\n` });
  });
});
