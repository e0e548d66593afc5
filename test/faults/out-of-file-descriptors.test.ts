/**
 * The engine's process runs out of file descriptors (its limit lowered, as `ulimit -n` would,
 * with prlimit on the running process): commands fail with a message that says so, sockets
 * already open keep working and keep their logs, and once descriptors are free again
 * everything works as before.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { Snapshot, SocketInfo } from '@shared/contract';
import { connectClient, stopPeers, type TestClient } from '../../src/main/engine/test-support/peers';
import { waitFor } from '../../src/main/engine/test-support/wait-for';
import { call, refusal } from './support/contract';
import { type EngineProcess, startEngineProcess } from './support/engine-process';
import { expectIntactLog } from './support/log-check';
import { eventually, expectEngineStillWorks } from './support/still-works';

let engine: EngineProcess | undefined;
afterEach(async () => {
  await engine?.stop();
  await stopPeers();
});

it('running out of file descriptors: clear errors, open sockets and their logs unharmed, full recovery', async () => {
  engine = await startEngineProcess();
  const { dispatch, pid } = engine;
  const listener = await call(dispatch, 'tcp.listen', { host: '127.0.0.1', port: 0 });
  const port = listener.local?.port ?? 0;
  // Room for a handful of connections, no more.
  const inUse = readdirSync(`/proc/${pid}/fd`).length;
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${inUse + 8}`]);

  const clients: TestClient[] = [];
  for (let i = 0; i < 24; i++) {
    const client = await connectClient(port);
    clients.push(client);
    await client.write(Buffer.from(`hello ${i}\n`));
  }
  const snapshotOf = (): Promise<Snapshot> => call(dispatch, 'app.snapshot', {});
  const accepted = async (): Promise<SocketInfo[]> => (await snapshotOf()).sockets.filter((s) => s.parentId === listener.id);
  // The system closes what it cannot accept (libuv's reserve-descriptor trick), without a word to
  // the process: the clients see their connection end, and Sockscope never sees them at all.
  await eventually(
    async () => (await accepted()).length + clients.filter((c) => c.closed).length === clients.length,
    'every client to be accepted or turned away',
  );
  const kept = await accepted();
  expect(kept.length).toBeGreaterThan(0);
  expect(kept.length).toBeLessThan(clients.length);
  // Sockscope cannot see those clients, but it can see that it is out of descriptors: the listener says so.
  const listenerInfo = async (): Promise<SocketInfo | undefined> => (await snapshotOf()).sockets.find((s) => s.id === listener.id);
  await eventually(async () => (await listenerInfo())?.error?.code === 'EMFILE', 'the listener to say it is at the limit');
  const atLimit = (await expectIntactLog(dispatch, listener.id)).events.filter((e) => e.code === 'EMFILE');
  expect(atLimit).toHaveLength(1);
  expect(atLimit[0].message).toMatch(/^All \d+ file descriptors this process may open are in use: new connections are closed/);

  for (const command of ['tcp.connect', 'udp.bind', 'tcp.listen'] as const) {
    const error = await refusal(dispatch, command, { host: '127.0.0.1', port: command === 'tcp.connect' ? port : 0 });
    expect(error, command).toEqual({ code: 'EMFILE', message: 'Too many open files: close some sockets and try again' });
  }

  // What was accepted is intact: the listener still listens, each connection has its client's hello.
  await eventually(async () => (await accepted()).every((c) => c.bytesIn > 0), 'the hellos of the accepted clients');
  const snapshot = await snapshotOf();
  expect(snapshot.sockets.find((s) => s.id === listener.id)?.state).toBe('listening');
  const byPort = new Map(clients.map((client, i) => [client.localPort, `hello ${i}\n`]));
  for (const connection of snapshot.sockets.filter((s) => s.parentId === listener.id)) {
    const log = await expectIntactLog(dispatch, connection.id, snapshot);
    expect(log.bytesIn.toString()).toBe(byPort.get(connection.remote?.port));
  }

  // Free the descriptors: the clients hang up, their connections close.
  for (const client of clients) client.socket.end();
  await eventually(async () => (await accepted()).every((c) => c.state === 'closed'), 'the accepted connections to close');
  await eventually(async () => (await listenerInfo())?.error === undefined, 'the listener to have room again');
  expect((await expectIntactLog(dispatch, listener.id)).events.at(-1)?.message).toBe('File descriptors are free again: new connections are accepted');
  const late = await connectClient(port);
  await late.write(Buffer.from('after'));
  await eventually(async () => (await accepted()).some((c) => c.bytesIn === 5 && c.state === 'open'), 'a new client to be accepted');
  await expectEngineStillWorks(dispatch);
  await waitFor(() => !late.closed, 'the late client to stay connected');
});
