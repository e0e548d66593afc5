/**
 * Sizes and speeds the command line meets for real: a file larger than one send, a peer that
 * never reads, and a reader of standard output that falls behind. Each runs `sockscope` from
 * source as its own process against real peers; memory is the child's RSS from /proc.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, openSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startChild, startServer, stopPeers } from '../../main/engine/test-support/peers';
import { waitFor } from '../../main/engine/test-support/wait-for';
import { scratchDir } from '../../main/export/test-support/tshark';
import { CLI, ROOT } from '../test-support/run-cli';

const MiB = 1024 * 1024;
let files: ReturnType<typeof scratchDir>;
const started: ChildProcessByStdio<null, Readable, Readable>[] = [];

beforeEach(() => {
  files = scratchDir();
});

afterEach(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.length = 0;
  await stopPeers();
  files.remove();
});

interface Running {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stderr(): string;
  /** Highest RSS seen so far, in MiB (sampled every 50 ms). */
  peakRss(): number;
  exited: Promise<number | null>;
}

/** `sockscope …` whose standard output nobody reads until the test says so (`child.stdout.resume()`). */
function sockscope(args: string[], stdin: 'ignore' | number = 'ignore'): Running {
  const child = spawn('node', [...CLI, ...args], { cwd: ROOT, stdio: [stdin, 'pipe', 'pipe'] }) as ChildProcessByStdio<null, Readable, Readable>;
  started.push(child);
  child.stdout.pause();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kib / 1024);
    } catch {
      // exited
    }
  }, 50);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  void exited.finally(() => clearInterval(sampler));
  return { child, stderr: () => stderr, peakRss: () => peak, exited };
}

/** Progress of a `pump`: when the socket last took a block, and whether all of it went. */
interface Progress {
  lastTakenAt: number;
  done: boolean;
}

/** Writes `total` bytes of 'a' to `socket` as fast as it takes them; resolves when all are handed over. */
function pump(socket: Socket, total: number, progress: Progress = { lastTakenAt: 0, done: false }): Promise<void> {
  const block = Buffer.alloc(MiB, 0x61);
  let sent = 0;
  return new Promise((done) => {
    const more = (): void => {
      progress.lastTakenAt = Date.now();
      while (sent < total) {
        sent += MiB;
        if (!socket.write(block)) return void socket.once('drain', more);
      }
      progress.done = true;
      socket.end(done);
    };
    more();
  });
}

/** Reads a paused stdout now: counts its bytes and keeps the lines `keep` wants. */
function drain(stream: Readable, keep: RegExp = /^$/): { bytes(): number; kept: string[] } {
  let bytes = 0;
  let partial = '';
  const kept: string[] = [];
  stream.on('data', (chunk: Buffer) => {
    bytes += chunk.byteLength;
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    // A line of megabytes of payload is of no interest; only its end could hold a line break.
    if (partial.length > 4096) partial = partial.slice(-4096);
    kept.push(...lines.filter((line) => keep.test(line)));
  });
  stream.resume();
  return { bytes: () => bytes, kept };
}

describe('sockscope send --file', () => {
  it('streams a file larger than one send (40 MiB), every byte in order, and says how much went', async () => {
    const file = files.path('big.bin');
    const out = createWriteStream(file);
    const hash = createHash('sha256');
    for (let i = 0; i < 40; i++) {
      const block = randomBytes(MiB);
      hash.update(block);
      out.write(block);
    }
    await new Promise((done) => out.end(done));
    const received = createHash('sha256');
    let count = 0;
    const { port } = await startServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        received.update(chunk);
        count += chunk.byteLength;
      });
    });
    const run = sockscope(['send', `tcp://127.0.0.1:${port}`, '--file', file, '--timeout', '60000']);
    run.child.stdout.resume();
    expect(await run.exited).toBe(0);
    await waitFor(() => count === 40 * MiB, 'all of the file at the peer');
    expect(received.digest('hex')).toBe(hash.digest('hex'));
    expect(run.stderr()).toMatch(/\nSent 40 MiB\n$/);
  }, 90_000);

  it('streams standard input (--file -) to ncat, which closes its own side at once and keeps receiving', async () => {
    const data = randomBytes(20 * MiB);
    const file = files.write('input.bin', data);
    const port = await freePort();
    const ncat = await startChild('ncat', ['-v', '-l', '127.0.0.1', String(port)], /Listening on/);
    // Nothing to say: ncat sends its FIN as soon as the connection opens, and keeps receiving.
    ncat.child.stdin.end();
    const input = openSync(file, 'r');
    try {
      const run = sockscope(['send', `tcp://127.0.0.1:${port}`, '--file', '-', '--timeout', '60000'], input);
      run.child.stdout.resume();
      expect(await run.exited).toBe(0);
      await waitFor(() => ncat.stdout().byteLength === data.byteLength, 'everything at ncat', 20_000);
      expect(ncat.stdout().equals(data)).toBe(true);
      expect(run.stderr()).toMatch(/\nSent 20 MiB\n$/);
    } finally {
      closeSync(input);
    }
  }, 90_000);

  it('--timeout bounds the whole send to a peer that never reads: exits 1 saying how much was written', async () => {
    const file = files.write('stuck.bin', Buffer.alloc(48 * MiB, 0x62));
    const { port } = await startServer((socket) => socket.pause());
    const begun = Date.now();
    const run = sockscope(['send', `tcp://127.0.0.1:${port}`, '--file', file, '--wait', '1000', '--timeout', '2000']);
    run.child.stdout.resume();
    expect(await run.exited).toBe(1);
    // Generous: tsx starts slowly on a busy machine, but a hang would last until the test's own timeout.
    expect(Date.now() - begun).toBeLessThan(15_000);
    expect(run.stderr()).toMatch(
      /sockscope: Timed out after 2 s \(--timeout\): \d+(\.\d+)? (B|KiB|MiB) of 48 MiB written to 127\.0\.0\.1:\d+, which is not reading fast enough; the connection was reset\n$/,
    );
  }, 30_000);

  it('refuses a datagram larger than UDP allows before binding, naming the limit of the family', async () => {
    const file = files.write('large.bin', Buffer.alloc(70_000));
    const [v4, v6] = [sockscope(['send', 'udp://127.0.0.1:9', '--file', file]), sockscope(['send', 'udp://[::1]:9', '--file', file])];
    expect(await v4.exited).toBe(1);
    expect(await v6.exited).toBe(1);
    expect(v4.stderr()).toBe(
      `sockscope: A datagram of 70,000 bytes is larger than UDP allows (65,507 on IPv4): ${file} cannot go as one. Send it over tcp:// instead.\n`,
    );
    expect(v6.stderr()).toContain('A datagram of 70,000 bytes is larger than UDP allows (65,527 on IPv6)');
  });
});

describe('standard output behind a slow reader', () => {
  it('send --wait: stops reading the connection while stdout is full, so a 256 MiB reply does not fill memory, and prints all of it', async () => {
    const reply: Progress = { lastTakenAt: 0, done: false };
    const { port } = await startServer((socket) => socket.once('data', () => void pump(socket, 256 * MiB, reply)));
    const run = sockscope(['send', `tcp://127.0.0.1:${port}`, 'go', '--wait', '60000']);
    // Nobody reads stdout until the peer has sent the whole reply, or has been held back for 2 s.
    await waitFor(() => reply.done || (reply.lastTakenAt > 0 && Date.now() - reply.lastTakenAt > 2000), 'the reply to go out or stall', 60_000);
    const stalled = run.peakRss();
    const stdout = drain(run.child.stdout);
    expect(await run.exited).toBe(0);
    expect(stdout.bytes()).toBe(256 * MiB);
    // Without flow control the reply piles up in stdout's buffer: over 400 MiB here.
    expect(stalled).toBeLessThan(250);
  }, 90_000);

  it('listen: counts the lines it cannot print instead of queueing them, and says how many', async () => {
    const run = sockscope(['listen', 'tcp://127.0.0.1:0']);
    await waitFor(() => /:\d+\. Ctrl-C/.test(run.stderr()), 'the listener', 15_000);
    const port = Number(/:(\d+)\. Ctrl-C/.exec(run.stderr())?.[1]);
    const client = connect(port, '127.0.0.1');
    await pump(client, 256 * MiB);
    const stalled = run.peakRss();
    const stdout = drain(run.child.stdout, /not shown/);
    await waitFor(() => stdout.kept.length > 0, 'the count of lines not shown', 20_000);
    expect(stdout.kept[0]).toMatch(/^… [\d,]+ log entries not shown: standard output was not keeping up$/);
    // Without it every line waits in memory: about 500 MiB by the time the client is done.
    expect(stalled).toBeLessThan(320);
    client.destroy();
  }, 90_000);
});
