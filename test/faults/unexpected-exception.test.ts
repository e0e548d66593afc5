/**
 * A bug throws in a socket callback of the host's process, and a promise is rejected with nobody
 * awaiting it. The real host (`sockscope host`, from the sources) runs with a buggy module loaded
 * beside it: the process stays up, the user is told in the UI, the details go to a file without
 * the host's token, and every socket and log carries on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type RunningHost, startBuiltHost } from '../../e2e/support/host';
import { faultLogFile } from '../../src/main/fault-report';
import { connectClient, stopPeers } from '../../src/main/engine/test-support/peers';
import { waitFor } from '../../src/main/engine/test-support/wait-for';
import { call } from './support/contract';
import { connectToHost, type HostClient } from './support/host-client';
import { expectIntactLog } from './support/log-check';
import { eventually, expectEngineStillWorks } from './support/still-works';

const root = resolve(__dirname, '../..');
let host: RunningHost | undefined;
let clients: HostClient[] = [];
let rendererDir: string | undefined;

afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await host?.stop();
  await stopPeers();
  if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
});

async function openPage(url: string): Promise<HostClient> {
  const client = await connectToHost(url);
  clients.push(client);
  return client;
}

it('an unexpected exception: the host stays up, the user is told, details go to a file, nothing is lost', async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'sockscope-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Sockscope</title>');
  host = await startBuiltHost({
    nodeArgs: [
      '--import',
      'tsx',
      '--import',
      resolve(__dirname, 'support/buggy-server.ts'),
      resolve(root, 'src/cli/index.ts'),
      'host',
      '--renderer',
      rendererDir,
    ],
  });
  const running = host;
  const token = new URL(running.url).searchParams.get('token') ?? '';
  const buggyPort = Number(/Buggy server: (\d+)/.exec(running.output())?.[1]);
  const page = await openPage(running.url);

  const listener = await call(page.dispatch, 'tcp.listen', { host: '127.0.0.1', port: 0 });
  const peer = await connectClient(listener.local?.port ?? 0);
  await peer.write(Buffer.from('before\n'));
  const connection = async (on = page): Promise<{ id: string; bytesIn: number } | undefined> =>
    (await call(on.dispatch, 'app.snapshot', {})).sockets.find((s) => s.parentId === listener.id);
  await eventually(async () => (await connection())?.bytesIn === 7, 'the first message');

  // The bug, with the host's token in the data it chokes on.
  const victim = await connectClient(buggyPort);
  await victim.write(Buffer.from(`throw ${token}\n`));
  await eventually(async () => page.events.some((e) => e.type === 'engine.error'), 'the user to be told');
  const told = page.events.find((e) => e.type === 'engine.error');
  const logFile = faultLogFile(running.configDir);
  expect(told?.type === 'engine.error' && told.error).toEqual({
    code: 'INTERNAL',
    message: `Sockscope hit an unexpected error and kept running: bug while handling "throw [redacted]". Details are in ${logFile}.`,
  });

  // A promise rejected with nobody waiting for it.
  const second = await connectClient(buggyPort);
  await second.write(Buffer.from('reject please\n'));
  const faults = (): Array<{ kind: string; message: string; stack?: string }> =>
    readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; message: string; stack?: string });
  await waitFor(() => {
    try {
      return faults().length === 2;
    } catch {
      return false;
    }
  }, 'both faults in the log file');
  expect(faults().map((f) => f.kind)).toEqual(['uncaughtException', 'unhandledRejection']);
  expect(faults()[0].stack).toContain('buggy-server.ts');
  expect(faults()[1].message).toBe('nobody awaited this: reject please');
  expect(readFileSync(logFile, 'utf8')).not.toContain(token);

  // The host carries on: the same connection keeps logging, and new sockets work.
  await peer.write(Buffer.from('after\n'));
  await eventually(async () => (await connection())?.bytesIn === 13, 'the next message');
  await expectEngineStillWorks(page.dispatch);

  // State lives in the host: a reloaded page gets everything back.
  page.close();
  const reloaded = await openPage(running.url);
  const log = await expectIntactLog(reloaded.dispatch, (await connection(reloaded))?.id ?? '');
  expect(log.bytesIn.toString()).toBe('before\nafter\n');
  expect((await call(reloaded.dispatch, 'app.snapshot', {})).sockets.find((s) => s.id === listener.id)?.state).toBe('listening');

  // The token was printed once, in the Open: line for the user, and nowhere else.
  expect(running.output().split(token).length - 1).toBe(1);
  expect(running.output()).toContain(`Open: ${running.url}`);
});
