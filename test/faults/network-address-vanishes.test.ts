/**
 * The network changes under open sockets: an address the sockets use is removed (a VPN drops,
 * Wi-Fi changes), and the DNS server becomes unreachable. The engine runs in a network namespace
 * of the test's own making, so only that namespace is touched; it is deleted afterwards.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SocketInfo } from '@shared/contract';
import { lookupFailure } from '../../src/main/engine/test-support/dns';
import { call, type Dispatch, refusal } from './support/contract';
import { type EngineProcess, startEngineProcess } from './support/engine-process';
import { expectIntactLog } from './support/log-check';
import { eventually, expectEngineStillWorks } from './support/still-works';

const ADDRESS = '10.77.0.1';
const namespace = `sockscope-test-${process.pid}`;
const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });
/** Namespaces need root and a kernel that allows them (sessions and CI do); elsewhere the test cannot run. */
function namespacesWork(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    ip('netns', 'add', `${namespace}-probe`);
    ip('netns', 'del', `${namespace}-probe`);
    return true;
  } catch {
    return false;
  }
}
const canMakeNamespaces = namespacesWork();

let engine: EngineProcess | undefined;

beforeEach(() => {
  if (!canMakeNamespaces) return;
  ip('netns', 'add', namespace);
  ip('-n', namespace, 'link', 'set', 'lo', 'up');
  ip('-n', namespace, 'addr', 'add', `${ADDRESS}/32`, 'dev', 'lo');
});

afterEach(async () => {
  await engine?.stop();
  if (canMakeNamespaces) ip('netns', 'del', namespace);
});

const bytes = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(text));

it.skipIf(!canMakeNamespaces)('an address vanishes under open sockets, and DNS is unreachable: clear errors, intact logs', async () => {
  engine = await startEngineProcess(['ip', 'netns', 'exec', namespace]);
  const dispatch: Dispatch = engine.dispatch;
  const socket = async (id: string): Promise<SocketInfo | undefined> => (await call(dispatch, 'app.snapshot', {})).sockets.find((s) => s.id === id);

  // The namespace has no route to any DNS server: a name lookup fails at once, and says which name.
  const lookup = await refusal(dispatch, 'tcp.connect', { host: 'example.com', port: 80, timeoutMs: 5000 });
  expect(lookup.code).toMatch(/^(EAI_AGAIN|ENOTFOUND)$/);
  expect(lookup.message).toBe(lookupFailure('example.com', lookup.code));

  // Sockets on the address: a listener, a connection to it, a UDP socket; and one on 127.0.0.1.
  const listener = await call(dispatch, 'tcp.listen', { host: ADDRESS, port: 0 });
  const port = listener.local?.port ?? 0;
  const client = await call(dispatch, 'tcp.connect', { host: ADDRESS, port });
  const udp = await call(dispatch, 'udp.bind', { host: ADDRESS, port: 0 });
  const loopback = await call(dispatch, 'udp.bind', { host: '127.0.0.1', port: 0 });
  await call(dispatch, 'socket.send', { id: client.id, data: bytes('before') });
  const acceptedId = (await call(dispatch, 'app.snapshot', {})).sockets.find((s) => s.parentId === listener.id)?.id ?? '';
  await eventually(async () => (await socket(acceptedId))?.bytesIn === 6, 'the first message');

  ip('-n', namespace, 'addr', 'del', `${ADDRESS}/32`, 'dev', 'lo');

  // An open TCP connection cannot tell at once: the kernel takes the bytes and retries in vain.
  await call(dispatch, 'socket.send', { id: client.id, data: bytes('after') });
  expect((await socket(acceptedId))?.bytesIn).toBe(6);
  // New sockets on the address, and sends from or to it, fail with the reason.
  expect(await refusal(dispatch, 'tcp.connect', { host: ADDRESS, port, timeoutMs: 5000 })).toEqual({
    code: 'ENETUNREACH',
    message: `Network unreachable: cannot reach ${ADDRESS}:${port}`,
  });
  for (const command of ['tcp.listen', 'udp.bind'] as const) {
    expect(await refusal(dispatch, command, { host: ADDRESS, port: 0 })).toEqual({
      code: 'EADDRNOTAVAIL',
      message: `${ADDRESS} is not an address of this machine`,
    });
  }
  const udpSend = await refusal(dispatch, 'socket.send', {
    id: udp.id,
    data: bytes('x'),
    target: { host: '127.0.0.1', port: loopback.local?.port ?? 0 },
  });
  expect(udpSend.code).toBe('ENETUNREACH');
  expect((await socket(udp.id))?.state).toBe('open');

  // The user gives up on the stuck connection.
  await call(dispatch, 'socket.reset', { id: client.id });
  const clientLog = await expectIntactLog(dispatch, client.id);
  expect(clientLog.bytesOut.toString()).toBe('beforeafter');
  expect(clientLog.info.state).toBe('closed');
  const udpLog = await expectIntactLog(dispatch, udp.id);
  expect(udpLog.events.at(-1)).toMatchObject({ event: 'error', code: 'ENETUNREACH' });
  for (const id of [listener.id, acceptedId, loopback.id]) await expectIntactLog(dispatch, id);

  // The address comes back: it can be used again, and the rest never stopped working.
  ip('-n', namespace, 'addr', 'add', `${ADDRESS}/32`, 'dev', 'lo');
  const again = await call(dispatch, 'tcp.listen', { host: ADDRESS, port: 0 });
  expect(again.state).toBe('listening');
  await expectEngineStillWorks(dispatch);
});
