import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { parseUdpTable, procSocketAddress } from './kernel-drops';
import { logEvents } from './test-support/engine-log';
import { waitFor } from './test-support/wait-for';

const linux = process.platform === 'linux';
let engine: Engine | undefined;

afterEach(async () => {
  await engine?.dispose();
  engine = undefined;
});

describe('finding a socket in the kernel’s UDP tables', () => {
  it('writes addresses the way /proc/net/udp and udp6 do', () => {
    expect(procSocketAddress({ address: '127.0.0.1', port: 8080, family: 'IPv4' })).toBe('0100007F:1F90');
    expect(procSocketAddress({ address: '0.0.0.0', port: 53, family: 'IPv4' })).toBe('00000000:0035');
    expect(procSocketAddress({ address: '::1', port: 5353, family: 'IPv6' })).toBe('00000000000000000000000001000000:14E9');
    expect(procSocketAddress({ address: '::', port: 1, family: 'IPv6' })).toBe(`${'0'.repeat(32)}:0001`);
    expect(procSocketAddress({ address: 'fe80::1%lo', port: 9, family: 'IPv6' })).toBe('000080FE000000000000000001000000:0009');
    expect(procSocketAddress({ address: '::ffff:127.0.0.1', port: 9, family: 'IPv6' })).toBe('0000000000000000FFFF00000100007F:0009');
  });

  it('reads the drops column of each socket', () => {
    const table = [
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
      '  120: 0100007F:1F90 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41234 2 0000000000000000 17',
      '  301: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41235 2 0000000000000000 0',
      '',
    ].join('\n');
    expect(parseUdpTable(table)).toEqual(
      new Map([
        ['0100007F:1F90', 17],
        ['00000000:0035', 0],
      ]),
    );
  });

  it.skipIf(!linux)('finds a bound socket of each family in the live tables', async () => {
    engine = new Engine();
    const v4 = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const v6 = await engine.bindUdp({ host: '::1', port: 0 });
    expect(parseUdpTable(readFileSync('/proc/net/udp', 'utf8')).get(procSocketAddress(v4.local ?? { address: '', port: 0, family: 'IPv4' }))).toBe(0);
    expect(parseUdpTable(readFileSync('/proc/net/udp6', 'utf8')).get(procSocketAddress(v6.local ?? { address: '', port: 0, family: 'IPv6' }))).toBe(
      0,
    );
  });
});

/** Blocks this process's event loop: the engine reads nothing while the kernel's buffer fills. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('datagrams the kernel dropped', () => {
  it.skipIf(!linux)('are counted on the socket and said in its log; with what was logged they add up to what was sent', async () => {
    engine = new Engine();
    const udp = await engine.bindUdp({ host: '127.0.0.1', port: 0 });
    const count = 20_000;
    // 1 KiB datagrams: the 4 MiB receive buffer holds about two thousand of them.
    const flood = spawn('python3', [
      '-c',
      `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor _ in range(${count}): s.sendto(b"x" * 1024, ("127.0.0.1", ${udp.local?.port}))\nprint("sent")`,
    ]);
    let sent = false;
    flood.stdout.on('data', () => (sent = true));
    stall(1500);
    await waitFor(() => sent, 'the sender to finish');
    await waitFor(() => (engine?.info(udp.id).kernelDrops ?? 0) > 0, 'the drops to be reported', 5000);
    // Every datagram is either in the log or counted as dropped: none goes missing unsaid.
    const accounted = (): number => {
      const { messagesIn, kernelDrops = 0 } = engine?.info(udp.id) ?? { messagesIn: 0 };
      return messagesIn + kernelDrops;
    };
    await waitFor(() => accounted() === count, `${count} datagrams accounted for`, 5000);

    const info = engine.info(udp.id);
    expect(info.messagesIn).toBeLessThan(count);
    const reports = logEvents(engine, udp.id).filter((entry) => entry.code === 'KERNEL_DROPS');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0].event).toBe('error');
    expect(reports.at(-1)?.message).toContain(`(${info.kernelDrops?.toLocaleString('en-US')} in all)`);
    expect(reports[0].message).toMatch(/^The kernel dropped [\d,]+ datagrams? before Sockscope could read them/);
  });
});
