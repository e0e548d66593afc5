/** `--log-budget` as typed on a command line: sizes people write, and refusals that say why. */
import { afterEach, describe, expect, it } from 'vitest';
import { startChild, stopPeers } from '../main/engine/test-support/peers';
import { waitFor } from '../main/engine/test-support/wait-for';
import { parseByteSize } from '@shared/log-budget';
import { CLI, runCli } from './test-support/run-cli';

afterEach(() => stopPeers());

describe('--log-budget', () => {
  it('reads sizes in binary units; a bare number is bytes', () => {
    expect(parseByteSize('256M')).toBe(256 * 1024 * 1024);
    expect(parseByteSize('1G')).toBe(1024 ** 3);
    expect(parseByteSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('64 mb')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('268435456')).toBe(268435456);
    expect(parseByteSize('lots')).toBeUndefined();
    expect(parseByteSize('-1G')).toBeUndefined();
  });

  it('refuses a budget too small or not a size, on listen and host, before anything opens', async () => {
    const small = await runCli(['listen', 'tcp://127.0.0.1:0', '--log-budget', '1M']);
    expect(small.code).not.toBe(0);
    expect(small.stderr).toContain("option '--log-budget <size>' argument '1M' is invalid. It must be between 16M and 64G.");
    const garbled = await runCli(['host', '--log-budget', 'lots']);
    expect(garbled.code).not.toBe(0);
    expect(garbled.stderr).toContain('It must be a size such as 256M, 1G or 1.5GiB');
  });

  it('holds the listener to the budget given: past it, the log says what it dropped', async () => {
    const listener = await startChild('node', [...CLI, 'listen', 'tcp://127.0.0.1:0', '--log-budget', '16M'], /Listening on \S+:\d+\./);
    const port = /:(\d+)\. Ctrl-C/.exec(listener.stderr())?.[1] ?? '0';
    const send =
      "import socket, sys\ns = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\nfor _ in range(24): s.sendall(b'x' * 1048576)\ns.close()";
    await startChild('python3', ['-c', send, port], /^/);
    await waitFor(
      () => /entries dropped to stay within the memory budget for all logs \(16 MiB\)/.test(listener.stdout().toString()),
      'the budget notice',
      30_000,
    );
  }, 60_000);
});
