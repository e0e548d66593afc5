/**
 * A UDP flood from another process: the app stays responsive, and every datagram is accounted
 * for, either logged or dropped by the kernel before Sockscope could read it (a full receive
 * buffer), and the log's own dropped count is exact.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { stopChild } from '../../e2e/support/host';
import { type Core, createCore } from '../../src/main/core';
import { call, type Dispatch } from './support/contract';
import { expectIntactLog } from './support/log-check';
import { eventually, expectEngineStillWorks } from './support/still-works';

const DATAGRAMS = 60_000;
const SIZE = 200;
const LOG_ENTRIES = 10_000;

let core: Core | undefined;
afterEach(async () => {
  await core?.dispose();
});

/** Datagrams the kernel dropped for the UDP socket bound to 127.0.0.1:`port` (Linux's per-socket count). */
function kernelDrops(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1] === local);
  if (!row) throw new Error(`no UDP socket on ${local} in /proc/net/udp`);
  return Number(row[row.length - 1]);
}

it('a UDP flood: the app keeps answering, and every datagram is logged or counted as dropped', async () => {
  core = createCore({ engine: { log: { maxEntries: LOG_ENTRIES } } });
  const engine = core;
  const dispatch: Dispatch = (command, input) => engine.dispatcher.dispatch(command, input);
  const udp = await call(dispatch, 'udp.bind', { host: '127.0.0.1', port: 0 });
  const port = udp.local?.port ?? 0;

  const floodStarted = performance.now();
  const flooder = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(__dirname, 'support/udp-flooder.ts'), '--port', String(port), '--count', String(DATAGRAMS), '--size', String(SIZE)],
    { cwd: resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const done = new Promise<void>((resolveDone) =>
      createInterface({ input: flooder.stdout }).on('line', (line) => line === `sent ${DATAGRAMS}` && resolveDone()),
    );
    // While the flood runs, commands are still answered promptly.
    let slowest = 0;
    let floodOver = false;
    void done.then(() => (floodOver = true));
    while (!floodOver) {
      const started = performance.now();
      await call(dispatch, 'app.snapshot', {});
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(slowest, 'slowest answer during the flood (ms)').toBeLessThan(1000);
  } finally {
    await stopChild(flooder);
  }

  const info = async (): Promise<{ messagesIn: number; bytesIn: number }> =>
    (await call(dispatch, 'app.snapshot', {})).sockets.find((s) => s.id === udp.id) ?? { messagesIn: -1, bytesIn: -1 };
  await eventually(async () => (await info()).messagesIn + kernelDrops(port) === DATAGRAMS, 'every datagram to be logged or dropped');
  const { messagesIn, bytesIn } = await info();
  expect(bytesIn).toBe(messagesIn * SIZE);

  const log = await expectIntactLog(dispatch, udp.id);
  expect(log.entries).toHaveLength(LOG_ENTRIES);
  // +1: the 'bound' event, the first to go. Kernel drops, where a loaded machine has any, are
  // also said in the log where they happened: one notice per check, at most one a second.
  const notices = log.dropped - (messagesIn + 1 - LOG_ENTRIES);
  const floodSeconds = Math.ceil((performance.now() - floodStarted) / 1000);
  if (kernelDrops(port) === 0) expect(notices).toBe(0);
  else {
    expect(notices).toBeGreaterThanOrEqual(0);
    expect(notices).toBeLessThanOrEqual(floodSeconds + 1);
  }
  // The newest are kept, in the order they were sent.
  const numbers = log.entries.flatMap((e) => (e.dir === 'in' ? [Buffer.from(e.bytes).readUInt32BE(0)] : []));
  expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1])).toBe(true);
  // Every entry kept is a datagram as sent, or (drops late in the flood) a kernel-drop notice.
  const datagrams = log.entries.filter((e) => e.dir !== 'event');
  expect(datagrams.every((e) => e.dir === 'in' && e.bytes.length === SIZE && e.peer?.address === '127.0.0.1')).toBe(true);
  const kept = log.entries.filter((e) => e.dir === 'event');
  expect(kept.every((e) => /^The kernel dropped /.test(e.message ?? ''))).toBe(true);
  expect(kept.length).toBeLessThanOrEqual(kernelDrops(port) === 0 ? 0 : notices);
  await expectEngineStillWorks(dispatch);
});
