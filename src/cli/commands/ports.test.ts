import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { commands, type PortRow } from '@shared/contract';
import { startServer, stopPeers } from '../../main/engine/test-support/peers';
import { checkoutReadableByNobody, NOBODY, NOT_READABLE_BY_NOBODY } from '../../main/test-support/other-user';
import { runCli, type CliRun } from '../test-support/run-cli';
import { formatPortsTable, registerPorts } from './ports';

/** Runs `sockscope ports …` from source, as a separate process (optionally as another user). */
const sockscopePorts = (args: string[], user?: { uid: number; gid: number }): Promise<CliRun> => runCli(['ports', ...args], { user });

describe('formatPortsTable', () => {
  const rows: PortRow[] = [
    {
      protocol: 'tcp',
      local: { address: '127.0.0.1', port: 5432, family: 'IPv4' },
      state: 'LISTEN',
      pid: 812,
      process: 'postgres',
      service: 'postgresql',
      own: false,
    },
    {
      protocol: 'tcp',
      local: { address: '::ffff:127.0.0.1', port: 39114, family: 'IPv6' },
      remote: { address: '::1', port: 5432, family: 'IPv6' },
      state: 'ESTABLISHED',
      pid: 31337,
      process: 'psql',
      own: false,
    },
    { protocol: 'udp', local: { address: '0.0.0.0', port: 5353, family: 'IPv4' }, state: 'BOUND', processHidden: true, service: 'mdns', own: false },
  ];

  it('lines up every column under its title, pids to the right, and counts the rows', () => {
    const lines = formatPortsTable(rows).trimEnd().split('\n');
    expect(lines).toEqual([
      'PROTO  LOCAL            REMOTE      STATE          PID  PROCESS   SERVICE',
      'tcp    127.0.0.1:5432   -           LISTEN         812  postgres  postgresql',
      'tcp    127.0.0.1:39114  [::1]:5432  ESTABLISHED  31337  psql',
      'udp    0.0.0.0:5353     -           BOUND            -  (hidden)  mdns',
      '3 sockets',
    ]);
  });

  it('says so when nothing matches', () => {
    expect(formatPortsTable([])).toBe('No sockets match.\n');
  });

  it('prints every row of a machine with 150,000 sockets (more than a call takes as arguments)', () => {
    const many = Array.from({ length: 150_000 }, (_, index) => ({ ...rows[1], local: { ...rows[1].local, port: index % 65536 } }));
    const lines = formatPortsTable(many).trimEnd().split('\n');
    expect(lines).toHaveLength(150_002);
    expect(lines.at(-1)).toBe('150000 sockets');
  });
});

/** Runs `sockscope ports …` in this process, collecting what it prints and the error it stops with. */
async function runPorts(args: string[]): Promise<{ stdout: string; stderr: string; error?: string }> {
  const printed = { stdout: '', stderr: '' };
  const program = new Command('sockscope').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerPorts(program, { out: (text) => (printed.stdout += text), err: (text) => (printed.stderr += text) });
  try {
    await program.parseAsync(['ports', ...args], { from: 'user' });
    return printed;
  } catch (error) {
    return { ...printed, error: error instanceof Error ? error.message : String(error) };
  }
}

describe('sockscope ports', () => {
  afterEach(stopPeers);
  const onLinux = process.platform === 'linux';

  it.runIf(onLinux)('prints this test’s listener as JSON the contract accepts', async () => {
    const { port } = await startServer(() => undefined);
    const { stdout, error } = await runPorts(['--json', '--port', String(port)]);
    expect(error).toBeUndefined();
    const list = commands['ports.list'].output.parse(JSON.parse(stdout));
    // The filter is "this local or remote port".
    expect(list.rows.every((row) => row.local.port === port || row.remote?.port === port)).toBe(true);
    // Another test's connection may linger in TIME_WAIT with that port number: only the listener is this test's.
    expect(list.rows.filter((row) => row.state === 'LISTEN')).toEqual([
      expect.objectContaining({ protocol: 'tcp', local: { address: '127.0.0.1', port, family: 'IPv4' }, state: 'LISTEN', pid: process.pid }),
    ]);
  });

  it('refuses filters it cannot use, in words', async () => {
    expect((await runPorts(['--tcp', '--udp'])).error).toBe('Choose --tcp or --udp, not both (leave both out for every protocol)');
    expect((await runPorts(['--state', 'open'])).error).toContain('State must be one of LISTEN, ESTABLISHED');
    expect((await runPorts(['--port', '99999'])).error).toContain('Port must be a whole number between 0 and 65535.');
  });

  it.runIf(onLinux)('as the `sockscope` program, prints an aligned table of what it was asked for', async () => {
    const { port } = await startServer(() => undefined);
    const { code, stdout } = await sockscopePorts(['--listening', '--tcp', '--port', String(port)]);
    expect(code).toBe(0);
    const [header, line, count] = stdout.trimEnd().split('\n');
    expect(header).toMatch(/^PROTO\s+LOCAL\s+REMOTE\s+STATE\s+PID\s+PROCESS/);
    expect(line).toMatch(new RegExp(`^tcp\\s+127\\.0\\.0\\.1:${port}\\s+-\\s+LISTEN\\s+${process.pid}\\s`));
    expect(line.indexOf('LISTEN')).toBe(header.indexOf('STATE'));
    expect(count).toBe('1 socket');
  });

  it.runIf(onLinux && process.getuid?.() === 0)('run by another user, says that root’s socket has an owner it may not see', async (context) => {
    if (!(await checkoutReadableByNobody())) context.skip(NOT_READABLE_BY_NOBODY);
    const { port } = await startServer(() => undefined);
    const { stdout, stderr } = await sockscopePorts(['--port', String(port)], NOBODY);
    expect(stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}\\s+-\\s+LISTEN\\s+-\\s+\\(hidden\\)`));
    // The note counts every hidden row listed: other tests' sockets may share the port number on
    // other addresses (127.x.y.z), so ours is one of them.
    const hidden = stdout.split('\n').filter((line) => /\s-\s+\(hidden\)/.test(line)).length;
    expect(hidden).toBeGreaterThanOrEqual(1);
    const sockets = hidden === 1 ? '1 socket belongs' : `${hidden} sockets belong`;
    expect(stderr).toContain(`${sockets} to processes of other users; the system shows their owners only to an administrator (root).`);
  });
});
