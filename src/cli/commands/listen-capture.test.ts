/**
 * `sockscope listen --pcapng/--jsonl` as a separate process against real peers: the files are
 * written as traffic arrives and hold every byte (read back by tshark), a path that cannot be
 * written fails before the port opens, and Ctrl-C/SIGTERM stop in order.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../main/engine/test-support/wait-for';
import { checkoutReadableByNobody, NOT_READABLE_BY_NOBODY } from '../../main/test-support/other-user';
import { scratchDir, tsharkFields } from '../../main/export/test-support/tshark';
import { CLI, ROOT, runCli } from '../test-support/run-cli';

const run = promisify(execFile);
let files: ReturnType<typeof scratchDir>;
const children = new Set<ChildProcess>();

beforeEach(() => {
  files = scratchDir();
});

afterEach(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children.clear();
  files.remove();
});

interface Listener {
  child: ChildProcess;
  port: number;
  stderr(): string;
  exited: Promise<number | null>;
}

/** `sockscope listen …` with stdout discarded (its text rendering of 200 MiB is not what is tested here). */
async function listen(args: string[], prefix: string[] = []): Promise<Listener> {
  const [command, ...rest] = [...prefix, 'node', ...CLI, 'listen', ...args];
  const child = spawn(command, rest, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code, signal) => done(code ?? (signal ? -1 : null))));
  await waitFor(() => /:(\d+)\. Ctrl-C/.test(err) || child.exitCode !== null, 'listen to start', 20_000);
  return { child, port: Number(/:(\d+)\. Ctrl-C/.exec(err)?.[1]), stderr: () => err, exited };
}

/** Sends `total` bytes (a repeated random megabyte), half-closes, and resolves once the listener has read it all and closed. */
function sendAndWaitForClose(port: number, total: number): Promise<void> {
  const block = randomBytes(1024 * 1024);
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', fail);
    socket.resume();
    socket.once('close', () => done());
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const piece = block.subarray(0, Math.min(block.byteLength, total - sent));
        sent += piece.byteLength;
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    socket.once('connect', pump);
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
}

const sum = (rows: string[][], column = 0): number => rows.reduce((total, row) => total + Number(row[column] || 0), 0);

describe('listen --pcapng writes as traffic arrives', () => {
  it('holds every byte of a 200 MiB transfer, read whole by tshark, and the file grew during the run', async () => {
    const capture = files.path('big.pcapng');
    const listener = await listen(['tcp://127.0.0.1:0', '--pcapng', capture]);
    const total = 200 * 1024 * 1024;
    await sendAndWaitForClose(listener.port, total);
    // Before any Ctrl-C, most of it is on disk already (at most the write queue is still in memory).
    await waitFor(() => statSync(capture).size > total / 2, 'the capture to grow during the run', 20_000);
    listener.child.kill('SIGINT');
    expect(await listener.exited).toBe(0);
    expect(listener.stderr()).toMatch(/Wrote .*big\.pcapng: \d+ packets/);
    const rows = await tsharkFields(capture, ['tcp.len', 'tcp.flags.fin', 'tcp.analysis.lost_segment']);
    expect(sum(rows)).toBe(total);
    expect(rows.filter((r) => r[1] === '1' || r[1] === 'True').length).toBe(2);
    expect(rows.filter((r) => r[2] !== '').length).toBe(0);
    // About 20 s alone here; generous, as the machine may be busy with other suites.
  }, 150_000);
});

describe('listen checks the capture paths when it starts', () => {
  const refused = async (path: string, reason: RegExp, prefix: string[] = []): Promise<void> => {
    const { code, stderr } = await runCli(['listen', 'tcp://127.0.0.1:0', '--pcapng', path], { prefix });
    expect(code).toBe(1);
    expect(stderr).toMatch(reason);
    expect(stderr).not.toMatch(/Listening on/);
  };

  it('refuses a folder, a missing folder, and a path through a file, before listening', async () => {
    mkdirSync(files.path('folder'));
    writeFileSync(files.path('plain'), '');
    await refused(files.path('folder'), /Cannot write .*folder: it is a folder; name a file/);
    await refused(files.path('missing/x.pcapng'), /Cannot write .*missing\/x\.pcapng: there is no folder .*missing/);
    await refused(files.path('plain/x.pcapng'), /Cannot write .*plain\/x\.pcapng: a part of the path is a file, not a folder/);
  }, 60_000);

  it('leaves no empty capture behind when the port cannot be opened', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    try {
      const port = (taken.address() as AddressInfo).port;
      const capture = files.path('never.pcapng');
      const { code } = await runCli(['listen', `tcp://127.0.0.1:${port}`, '--pcapng', capture]);
      expect(code).toBe(1);
      expect(existsSync(capture)).toBe(false);
    } finally {
      taken.close();
    }
  }, 30_000);

  it('refuses a file the user may not write (EACCES), as an unprivileged user', async (context) => {
    if (!(await checkoutReadableByNobody())) context.skip(NOT_READABLE_BY_NOBODY);
    await refused('/root/sockscope-test.pcapng', /Cannot write \/root\/sockscope-test\.pcapng: permission denied/, [
      'setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
    ]);
    expect(existsSync('/root/sockscope-test.pcapng')).toBe(false);
  }, 30_000);
});

describe('listen stops in order', () => {
  it('on SIGTERM closes the port, then finishes both files, which describe the same traffic', async () => {
    const capture = files.path('both.pcapng');
    const log = files.path('both.jsonl');
    const listener = await listen(['tcp://127.0.0.1:0', '--echo', '--pcapng', capture, '--jsonl', log]);
    await sendAndWaitForClose(listener.port, 300_000);
    listener.child.kill('SIGTERM');
    expect(await listener.exited).toBe(0);
    const rows = await tsharkFields(capture, ['tcp.srcport', 'tcp.len']);
    const inPcap = sum(
      rows.filter((r) => r[0] !== String(listener.port)),
      1,
    );
    const outPcap = sum(
      rows.filter((r) => r[0] === String(listener.port)),
      1,
    );
    const entries = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { type: string; dir?: string; size?: number });
    const bytes = (dir: string): number => entries.filter((e) => e.type === 'entry' && e.dir === dir).reduce((t, e) => t + (e.size ?? 0), 0);
    expect(inPcap).toBe(300_000);
    expect(bytes('in')).toBe(300_000);
    // Echoed: what the log says was sent, the capture carries too.
    expect(outPcap).toBe(bytes('out'));
    expect(outPcap).toBeGreaterThan(0);
  }, 60_000);

  it('serves no client after Ctrl-C while a file is still being written, and a second Ctrl-C says what it abandons', async () => {
    // A named pipe whose reader is paused: the write cannot finish until we say so.
    const fifo = files.path('slow.pcapng');
    await run('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.add(reader);
    let received = 0;
    reader.stdout?.on('data', (chunk: Buffer) => (received += chunk.byteLength));
    const readerDone = new Promise((done) => reader.once('exit', done));
    const listener = await listen(['tcp://127.0.0.1:0', '--pcapng', fifo]);
    reader.kill('SIGSTOP');
    const total = 4 * 1024 * 1024;
    await sendAndWaitForClose(listener.port, total);
    listener.child.kill('SIGINT');
    await waitFor(() => /Stopping: finishing .*slow\.pcapng/.test(listener.stderr()), 'listen to start finishing');
    // Ctrl-C is answered at once and the sockets close a few turns later (on a busy machine a
    // connect may come in between): from then on no client is served, the file still being written.
    const deadline = performance.now() + 5000;
    while (await canConnect(listener.port)) {
      if (performance.now() > deadline) throw new Error('listen still accepts connections 5 s after Ctrl-C');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(listener.child.exitCode).toBe(null);
    listener.child.kill('SIGINT');
    await waitFor(() => /unwritten/.test(listener.stderr()), 'the second Ctrl-C to be answered');
    expect(listener.stderr()).toMatch(/stopped before .*slow\.pcapng was finished: left [\d.]+ [KM]iB unwritten \(the file ends early\)/);
    // The write under way finishes once the reader reads again; what was queued behind it is not written.
    reader.kill('SIGCONT');
    expect(await listener.exited).toBe(130);
    await readerDone;
    expect(received).toBeLessThan(total);
  }, 60_000);
});

describe('listen when standard output goes away', () => {
  /** Sends `count` numbered lines on one connection, and resolves once the listener has them all and closed. */
  const sendLines = (port: number, from: number, count: number): Promise<void> =>
    new Promise((done, fail) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', fail);
      socket.resume();
      socket.once('close', () => done());
      socket.once('connect', () => {
        for (let i = from; i < from + count; i++) socket.write(`line ${i}\n`);
        socket.end();
      });
    });

  it('keeps recording after `| head -c 10` exits, says so once, and the file holds every line after Ctrl-C', async () => {
    const log = files.path('piped.jsonl');
    const head = spawn('head', ['-c', '10'], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.add(head);
    const headDone = new Promise((done) => head.once('exit', done));
    const child = spawn('node', [...CLI, 'listen', 'tcp://127.0.0.1:0', '--jsonl', log], {
      cwd: ROOT,
      stdio: ['ignore', head.stdin ?? 'ignore', 'pipe'],
    });
    children.add(child);
    head.stdin?.destroy();
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    await waitFor(() => /:(\d+)\. Ctrl-C/.test(err), 'listen to start', 20_000);
    const port = Number(/:(\d+)\. Ctrl-C/.exec(err)?.[1]);
    await sendLines(port, 0, 1000);
    await headDone;
    await waitFor(() => /standard output closed/.test(err) || child.exitCode !== null, 'the closed pipe to be noticed', 20_000);
    expect(child.exitCode).toBe(null);
    // Still serving: the second half arrives after the reader went away.
    await sendLines(port, 1000, 1000);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(err.match(/standard output closed; still recording \(Ctrl-C to stop\)/g)?.length).toBe(1);
    const entries = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { type: string; dir?: string; data?: string });
    const received = entries
      .filter((e) => e.type === 'entry' && e.dir === 'in')
      .map((e) => Buffer.from(e.data ?? '', 'base64').toString())
      .join('');
    expect(received.split('\n').filter((line) => line !== '').length).toBe(2000);
    expect(received).toContain('line 1999\n');
  }, 60_000);
});
