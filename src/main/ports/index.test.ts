import { readFileSync } from 'node:fs';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands, MAX_LOCAL_PORTS, type PortList } from '@shared/contract';
import { socketInfo } from '@shared/test-support/socket-info';
import { type Core, createCore } from '../core';
import { listPorts, listSystemPorts, type SystemPorts } from '.';
import { attachOwners, parseProcNet } from './linux';
import { serviceName } from './services';

const fixture = (name: string): string => readFileSync(resolve(__dirname, 'fixtures', name), 'utf8');

/** The recorded Linux machine, with postgres (pid 812) and this process owning a socket each; root's hidden. */
function recordedMachine(): SystemPorts {
  const sockets = [
    ...parseProcNet(fixture('linux-proc-net-tcp.txt'), 'tcp', 'IPv4', true),
    ...parseProcNet(fixture('linux-proc-net-tcp6.txt'), 'tcp', 'IPv6', true),
    ...parseProcNet(fixture('linux-proc-net-udp.txt'), 'udp', 'IPv4', true),
  ];
  const owners = new Map([
    [24417, { pid: 812, name: 'postgres' }],
    [913002, { pid: 812, name: 'postgres' }],
    [913001, { pid: process.pid, name: 'sockscope' }],
    [25120, { pid: 900, name: 'redis-server' }],
  ]);
  // Root's sockets (every other one with an inode) are hidden: some process would not show its files.
  const hidden = new Set(sockets.filter((socket) => socket.inode !== 0 && !owners.has(socket.inode)).map((socket) => socket.inode));
  const rows = attachOwners(sockets, { owners, hidden });
  return { rows, hiddenProcesses: 0, source: '/proc/net' };
}

describe('listPorts', () => {
  it('names well-known services by port and protocol', async () => {
    const { rows } = await listPorts({}, [], recordedMachine());
    const service = (port: number, protocol = 'tcp'): string | undefined =>
      rows.find((row) => row.local.port === port && row.protocol === protocol && !row.remote)?.service;
    expect(service(5432)).toBe('postgresql');
    expect(service(6379)).toBe('redis');
    expect(service(22)).toBe('ssh');
    expect(service(53, 'udp')).toBe('dns');
    // A client's ephemeral port is nothing; what it talks to is.
    expect(rows.find((row) => row.local.port === 41822)?.service).toBe('https');
    expect(serviceName('udp', 5432)).toBeUndefined();
  });

  it('marks this process’s sockets as its own, and no one else’s', async () => {
    const { rows } = await listPorts({}, [], recordedMachine());
    expect(rows.filter((row) => row.own).map((row) => row.local.port)).toEqual([39114]);
  });

  it('finds the engine’s sockets among the rows by their endpoints, even where the OS hides the owner', async () => {
    const listener = socketInfo('lst-1', { kind: 'tcp-listener', state: 'listening', local: { address: '0.0.0.0', port: 22, family: 'IPv4' } });
    const client = socketInfo('tcp-2', {
      local: { address: '::ffff:127.0.0.1', port: 39114, family: 'IPv6' },
      remote: { address: '127.0.0.1', port: 5432, family: 'IPv4' },
    });
    const closed = socketInfo('lst-3', { kind: 'tcp-listener', state: 'closed', local: { address: '127.0.0.1', port: 6379, family: 'IPv4' } });
    const { rows } = await listPorts({}, [listener, client, closed], recordedMachine());
    expect(rows.find((row) => row.local.port === 22 && row.local.family === 'IPv4')).toMatchObject({
      own: true,
      socketId: 'lst-1',
      processHidden: true,
    });
    expect(rows.find((row) => row.local.port === 39114)).toMatchObject({ own: true, socketId: 'tcp-2' });
    // Redis owns 6379, and the engine's listener there is closed: not ours.
    expect(rows.find((row) => row.local.port === 6379)).toMatchObject({ own: false, socketId: undefined });
  });

  it('applies the contract’s filters and sorts by local port', async () => {
    const machine = recordedMachine();
    const listening = await listPorts({ listening: true }, [], machine);
    expect(listening.rows.every((row) => row.state === 'LISTEN' || row.state === 'BOUND')).toBe(true);
    expect(listening.rows.map((row) => row.local.port)).toEqual([...listening.rows.map((row) => row.local.port)].sort((a, b) => a - b));
    // The local or the remote port: postgres's listeners and both ends of the connection to it.
    const postgres = (await listPorts({ port: 5432 }, [], machine)).rows;
    expect(postgres.map((row) => `${row.local.port} ${row.state}`)).toEqual(['5432 LISTEN', '5432 LISTEN', '5432 ESTABLISHED', '39114 ESTABLISHED']);
    expect((await listPorts({ process: 'POST' }, [], machine)).rows.every((row) => row.process === 'postgres')).toBe(true);
    expect((await listPorts({ process: '900' }, [], machine)).rows.map((row) => row.process)).toEqual(['redis-server']);
    expect((await listPorts({ protocol: 'udp', state: 'CONNECTED' }, [], machine)).rows.map((row) => row.local.port)).toEqual([68]);
  });

  it('cuts at the limit, lowest local ports first, and says how many matched, what the machine has and what listens', async () => {
    const machine = recordedMachine();
    const whole = await listPorts({ listening: false }, [], machine);
    const cut = await listPorts({ listening: false, limit: 3 }, [], machine);
    expect(cut.rows).toEqual(whole.rows.slice(0, 3));
    expect(cut.matched).toBe(whole.rows.length);
    expect(whole.matched).toBe(whole.rows.length);
    expect(whole.rows.some((row) => row.state === 'LISTEN' || row.state === 'BOUND')).toBe(false);
    // The machine's, whatever the filter.
    const listening = machine.rows.filter((row) => row.state === 'LISTEN' || row.state === 'BOUND');
    expect(cut.counts).toEqual({ listening: listening.length, all: machine.rows.length });
    expect(cut.listeningPorts.tcp).toContain(5432);
    expect(cut.listeningPorts.udp).toContain(53);
    // The filter box's words, owners included: postgres's sockets and those that talk to it, the first of them only.
    const everyPostgres = await listPorts({ query: 'postgres' }, [], machine);
    expect(everyPostgres.rows.map((row) => row.process ?? row.service)).toEqual(['postgres', 'postgresql', 'postgres', 'sockscope']);
    const postgres = await listPorts({ query: 'postgres', limit: 1 }, [], machine);
    expect(postgres.rows).toEqual(everyPostgres.rows.slice(0, 1));
    expect(postgres.matched).toBe(4);
  });

  it('says how many owners are hidden, in a sentence, counting only the rows shown', async () => {
    const all = await listPorts({}, [], recordedMachine());
    expect(all.hiddenProcesses).toBe(all.rows.filter((row) => row.processHidden).length);
    expect(all.hiddenProcesses).toBeGreaterThan(1);
    expect(all.note).toBe(
      `${all.hiddenProcesses} sockets belong to processes of other users; the system shows their owners only to an administrator (root).`,
    );
    const one = await listPorts({ port: 631 }, [], recordedMachine());
    expect(one.note).toMatch(/^1 socket belongs to processes of other users/);
    expect((await listPorts({ process: 'postgres' }, [], recordedMachine())).note).toBeUndefined();
  });

  it('refuses a platform it has no source for, in words', async () => {
    await expect(listSystemPorts('aix')).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: 'Listing the ports of this machine is not supported on aix',
    });
  });
});

/** A server on 127.0.0.1 and two connections to it, made one after the other. */
async function twoConnections(onAccept: (socket: Socket) => void): Promise<{ server: Server; port: number; clients: [Socket, Socket] }> {
  const server = createServer(onAccept);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const connect = (): Promise<Socket> =>
    new Promise((done, fail) => {
      const socket = createConnection(port, '127.0.0.1', () => done(socket)).once('error', fail);
    });
  return { server, port, clients: [await connect(), await connect()] };
}

describe('ports.list through the dispatcher, on this machine', () => {
  let core: Core;
  beforeEach(() => {
    core = createCore();
  });
  afterEach(() => core.dispose());

  it.runIf(process.platform === 'linux')('lists the engine’s own listener and UDP socket, marked with their ids', async () => {
    const listener = await core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const udp = await core.engine.bindUdp({ host: '::1', port: 0 });
    const result = await core.dispatcher.dispatch('ports.list', { listening: true });
    if (!result.ok) throw new Error(result.error.message);
    const list = commands['ports.list'].output.parse(result.value) satisfies PortList;
    expect(list.source).toBe('/proc/net');
    // By address too: a port number is only free on the address it was taken on, and the machine's
    // other sockets (other tests', on other loopback addresses) may use the same one.
    const on = (address: string, port: number | undefined) => (row: PortList['rows'][number]) =>
      row.local.address === address && row.local.port === port;
    expect(list.rows.find((row) => on('127.0.0.1', listener.local?.port)(row) && row.protocol === 'tcp')).toMatchObject({
      own: true,
      socketId: listener.id,
      pid: process.pid,
      state: 'LISTEN',
    });
    expect(list.rows.find((row) => on('::1', udp.local?.port)(row) && row.protocol === 'udp')).toMatchObject({
      own: true,
      socketId: udp.id,
      state: 'BOUND',
      local: { address: '::1', family: 'IPv6' },
    });
  });

  it.runIf(process.platform === 'linux')(
    'with a state, lists only that: an open connection’s two ends, not the TIME_WAIT a closed one left',
    async () => {
      const accepted: Socket[] = [];
      let acceptedBoth: () => void = () => undefined;
      const bothAccepted = new Promise<void>((done) => (acceptedBoth = done));
      // Read, so that the peer's close is seen and answered: then the closing end waits in TIME_WAIT.
      const { server, port, clients } = await twoConnections((socket) => {
        if (accepted.push(socket.resume()) === 2) acceptedBoth();
      });
      const [closed, open] = clients;
      // Until accepted, a connection's server end belongs to no process.
      await bothAccepted;
      // Known only while the socket is open.
      const closedPort = closed.localPort;
      expect(closedPort).toBeDefined();
      try {
        // Closed from this end, and the close answered: this end now waits in TIME_WAIT.
        await new Promise((done) => closed.resume().once('close', done).end());
        const result = await core.dispatcher.dispatch('ports.list', { protocol: 'tcp', state: 'ESTABLISHED' });
        if (!result.ok) throw new Error(result.error.message);
        const { rows } = commands['ports.list'].output.parse(result.value);
        expect(rows.every((row) => row.protocol === 'tcp' && row.state === 'ESTABLISHED')).toBe(true);
        expect(rows.find((row) => row.local.port === open.localPort && row.remote?.port === port)).toMatchObject({ pid: process.pid });
        expect(rows.find((row) => row.local.port === port && row.remote?.port === open.localPort)).toMatchObject({ pid: process.pid });
        expect(rows.find((row) => row.local.port === closedPort && row.remote?.port === port)).toBeUndefined();
      } finally {
        for (const socket of [closed, open, ...accepted]) socket.destroy();
        await new Promise((done) => server.close(done));
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'with local ports, lists only the sockets on them: the other end of a connection, not the machine’s other connections',
    async () => {
      const accepted: Socket[] = [];
      const { server, port, clients } = await twoConnections((socket) => void accepted.push(socket));
      const [asked, other] = clients;
      try {
        // The client end of one connection, as the app asks for the other end of its own.
        const result = await core.dispatcher.dispatch('ports.list', { protocol: 'tcp', state: 'ESTABLISHED', localPorts: [asked.localPort ?? 0] });
        if (!result.ok) throw new Error(result.error.message);
        const { rows } = commands['ports.list'].output.parse(result.value);
        expect(rows.map((row) => [row.local.port, row.remote?.port])).toEqual([[asked.localPort, port]]);
        expect(rows[0]).toMatchObject({ pid: process.pid });
        expect(other.localPort).not.toBe(asked.localPort);
        const tooMany = await core.dispatcher.dispatch('ports.list', { localPorts: Array.from({ length: MAX_LOCAL_PORTS + 1 }, (_, i) => i) });
        expect(tooMany).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      } finally {
        for (const socket of [asked, other, ...accepted]) socket.destroy();
        await new Promise((done) => server.close(done));
      }
    },
  );

  it('explains a filter it cannot use', async () => {
    expect(await core.dispatcher.dispatch('ports.list', { port: 70000, state: 'OPEN' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^port: Port must be between 0 and 65535; state: /) },
    });
  });
});
