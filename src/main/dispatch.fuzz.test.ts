/**
 * The dispatcher is the door every front end knocks on; here it gets arbitrary input for every
 * command, and random sequences of near-valid commands that open real sockets on loopback.
 * Whatever comes in: a result or a typed error, never a throw, and never a socket left behind
 * half-made (in the engine or in the operating system).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from 'vitest';
import { z } from 'zod';
import { type Command, commandNames, commands, ErrorInfo, type PortFilter, type Snapshot, type SocketInfo } from '@shared/contract';
import { type Core, createCore } from './core';
import { UNRESOLVABLE_HOST } from './engine/test-support/dns';
import { freePort } from './engine/test-support/peers';
import type * as Ports from './ports';
import { waitFor } from './engine/test-support/wait-for';

/**
 * ports.list reads the whole machine: every socket, and the open files of every process. On a busy CI
 * machine with ~340 sockets its calls here took 15 s of the first test's 16 (the timeout is 20). Here it
 * reads a fixed machine, so what is fuzzed is the input's validation and the filter, at the same cost
 * on any machine; src/main/ports/*.test.ts test the readers of the OS.
 */
vi.mock('./ports', async (importOriginal) => {
  const ports = await importOriginal<typeof Ports>();
  const machine: Ports.SystemPorts = {
    rows: [
      { protocol: 'tcp', local: { address: '0.0.0.0', port: 22, family: 'IPv4' }, state: 'LISTEN', pid: 700, process: 'sshd' },
      {
        protocol: 'tcp',
        local: { address: '127.0.0.1', port: 41822, family: 'IPv4' },
        remote: { address: '127.0.0.1', port: 443, family: 'IPv4' },
        state: 'ESTABLISHED',
        processHidden: true,
      },
      { protocol: 'udp', local: { address: '::', port: 5353, family: 'IPv6' }, state: 'BOUND', pid: process.pid, process: 'sockscope' },
    ],
    hiddenProcesses: 1,
    source: '/proc/net',
  };
  return { ...ports, listPorts: (filter: PortFilter, sockets: readonly SocketInfo[]) => ports.listPorts(filter, sockets, machine) };
});

const Answer = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfo.extend({ code: z.string().min(1), message: z.string().min(1) }) }),
]);

/** Checks one answer: a typed error, or a value the command's output schema accepts. */
function expectTypedAnswer(command: unknown, answer: unknown): void {
  const parsed = Answer.safeParse(answer);
  expect(parsed.success, `answer to ${fc.stringify(command)}: ${fc.stringify(answer)}`).toBe(true);
  if (parsed.data?.ok && typeof command === 'string' && Object.hasOwn(commands, command)) {
    const output = commands[command as Command].output.safeParse(parsed.data.value);
    expect(output.success, `output of ${command}: ${output.error?.message}`).toBe(true);
  }
}

/** Node's own count of open sockets in this process: what a leak would show up in. */
function osSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => /^(TCPSocketWrap|TCPServerWrap|UDPWrap)$/.test(r)).length;
}

// Any command that keeps state on disk must not touch the user's: home and config go to a temp folder.
let sandbox: string;
const savedEnv = { ...process.env };
const savedCwd = process.cwd();
beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'sockscope-fuzz-'));
  Object.assign(process.env, { HOME: sandbox, XDG_CONFIG_HOME: sandbox, APPDATA: sandbox, SOCKSCOPE_CONFIG_DIR: sandbox });
  process.chdir(sandbox);
});
afterAll(() => {
  process.chdir(savedCwd);
  process.env = savedEnv;
  rmSync(sandbox, { recursive: true, force: true });
});

const hostileValues = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
  withUnicodeString: true,
});

describe('dispatcher under arbitrary input', () => {
  it('answers arbitrary values for every command with a result or a typed error', async () => {
    const core = createCore();
    try {
      for (const command of commandNames) {
        await fc.assert(
          fc.asyncProperty(fc.oneof(fc.jsonValue(), hostileValues), async (input) => {
            expectTypedAnswer(command, await core.dispatcher.dispatch(command, input));
          }),
          { numRuns: 60 },
        );
      }
    } finally {
      await core.dispose();
    }
  });

  it('answers any command name, however odd, with a typed error', async () => {
    const core = createCore();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(hostileValues, fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')),
          hostileValues,
          async (command, input) => {
            fc.pre(!(typeof command === 'string' && Object.hasOwn(commands, command)));
            const answer = await core.dispatcher.dispatch(command, input);
            expectTypedAnswer(command, answer);
            expect(answer.ok).toBe(false);
          },
        ),
        { numRuns: 300 },
      );
    } finally {
      await core.dispose();
    }
  });
});

// ---------------------------------------------------------------------------
// Sequences of near-valid commands over real loopback sockets
// ---------------------------------------------------------------------------

/**
 * Inputs name things that only exist at run time through placeholders, resolved just before
 * each step (so a failing sequence prints readably): `@socket:N` is the Nth socket of the
 * snapshot, `@listener-port` the port of a listener that exists, `@closed-port` one nobody uses.
 */
const socketRef = fc.nat(12).map((n) => `@socket:${n}`);
const id = fc.oneof({ weight: 8, arbitrary: socketRef }, { weight: 1, arbitrary: fc.constantFrom('lst-999', '', 'x'.repeat(65)) });
/**
 * Names that cannot resolve fail inside this machine: an empty label, or one longer than DNS
 * allows (63), is refused by the system's resolver before it asks anyone. A well-formed name that
 * does not exist ('nosuch.invalid', '999.1.1.1') is a query to the network's DNS server: a step
 * then waits on a machine that is not this one, up to a connect's whole timeout, and a bind or a
 * send with no timeout at all, when that server is slow or drops the query.
 */
const unresolvable = [UNRESOLVABLE_HOST, `${'x'.repeat(64)}.invalid`, '999..1.1'];
const host = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('127.0.0.1', '::1', 'localhost') },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', '127.0.0.1/8', 'a b', 'x'.repeat(254), ...unresolvable) },
);
const badPort = fc.constantFrom(-1, 65536, 1.5, Number.NaN, '80', null);
const peerPort = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('@listener-port', '@closed-port') }, { weight: 1, arbitrary: badPort });
const bindPort = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constant('@listener-port') },
  { weight: 1, arbitrary: badPort },
);
const target = fc.record({ host, port: peerPort });
const data = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom('@too-big', 'text is not bytes', [1, 2, 3]) },
);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const byId = (command: Command): fc.Arbitrary<Step> => fc.record({ command: fc.constant(command), input: fc.record({ id }) });

interface Step {
  command: string;
  input: unknown;
}

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      command: fc.constant('tcp.listen'),
      input: fc.record({ host, port: bindPort, backlog: maybe(fc.integer({ min: -1, max: 70000 })) }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      command: fc.constant('tcp.connect'),
      input: fc.record({ host, port: peerPort, timeoutMs: maybe(fc.constantFrom(1, 200, 0, -5, 700_000)) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ command: fc.constant('udp.bind'), input: fc.record({ host, port: bindPort, defaultTarget: maybe(target) }) }) },
  { weight: 4, arbitrary: fc.record({ command: fc.constant('socket.send'), input: fc.record({ id, data, target: maybe(target) }) }) },
  { weight: 2, arbitrary: fc.record({ command: fc.constant('listener.stop'), input: fc.record({ id, closeConnections: maybe(fc.boolean()) }) }) },
  { weight: 1, arbitrary: fc.record({ command: fc.constant('udp.setDefaultTarget'), input: fc.record({ id, target: maybe(target) }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      command: fc.constant('log.read'),
      input: fc.record({ id, fromSeq: fc.integer({ min: -1, max: 50 }), count: fc.integer({ min: 0, max: 2001 }) }),
    }),
  },
  byId('socket.close'),
  byId('socket.halfClose'),
  byId('socket.reset'),
  byId('socket.remove'),
  byId('log.clear'),
);

interface World {
  core: Core;
  closedPort: number;
  tooBig: Uint8Array;
  /** Ids a create command returned, and ids a remove took away. */
  created: Set<string>;
  removed: Set<string>;
}

async function snapshot(world: World): Promise<Snapshot> {
  const answer = await world.core.dispatcher.dispatch('app.snapshot', {});
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as Snapshot;
}

function resolveRefs(value: unknown, world: World, snap: Snapshot): unknown {
  if (typeof value === 'string') {
    const ids = snap.sockets.map((s) => s.id).sort();
    const socket = /^@socket:(\d+)$/.exec(value);
    if (socket) return ids.length ? ids[Number(socket[1]) % ids.length] : 'none-yet';
    const listener = snap.sockets.find((s) => s.kind === 'tcp-listener' && s.state === 'listening');
    if (value === '@listener-port') return listener?.local?.port ?? world.closedPort;
    if (value === '@closed-port') return world.closedPort;
    if (value === '@too-big') return world.tooBig;
    return value;
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => resolveRefs(v, world, snap));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, world, snap)]));
}

/**
 * A listener, a connection to a listener and one refused, a UDP socket, sends of bytes to every socket (one
 * is the connection) and of text (refused), and a removal: each outcome the run must reach.
 */
const reachesEveryOutcome: Step[] = [
  { command: 'tcp.listen', input: { host: '127.0.0.1', port: 0 } },
  { command: 'tcp.connect', input: { host: '127.0.0.1', port: '@listener-port' } },
  { command: 'tcp.connect', input: { host: '127.0.0.1', port: '@closed-port' } },
  { command: 'udp.bind', input: { host: '127.0.0.1', port: 0 } },
  ...[0, 1, 2, 3, 4].map((n) => ({ command: 'socket.send', input: { id: `@socket:${n}`, data: new Uint8Array([1, 2, 3]) } })),
  { command: 'socket.send', input: { id: '@socket:0', data: 'text is not bytes' } },
  { command: 'socket.remove', input: { id: '@socket:4' } },
];

async function loopTurns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** What must hold between any two commands. */
async function expectConsistent(world: World): Promise<void> {
  const snap = await snapshot(world);
  const present = new Set(snap.sockets.map((s) => s.id));
  for (const socket of snap.sockets) {
    // Every command was awaited: nothing may be left half-way through connecting.
    expect(socket.state, `${socket.id} after its command settled`).not.toBe('connecting');
    if (socket.kind === 'tcp-connection') expect(world.created.has(socket.parentId ?? '')).toBe(true);
    else expect(world.created.has(socket.id) && !world.removed.has(socket.id), `${socket.id} was never handed out`).toBe(true);
  }
  for (const created of world.created) {
    if (!world.removed.has(created)) expect(present.has(created), `${created} vanished without a remove`).toBe(true);
  }
  for (const head of snap.logs) {
    expect(head.firstSeq).toBeLessThanOrEqual(head.nextSeq);
    const read = await world.core.dispatcher.dispatch('log.read', { id: head.id, fromSeq: head.firstSeq, count: 2000 });
    if (!read.ok) throw new Error(read.error.message);
    const seqs = (read.value as { entries: Array<{ seq: number }> }).entries.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  }
}

/**
 * The seed of the sequences: FUZZ_SEED replays a run. fast-check prints it when a property fails,
 * but not when a step hangs and the test's timeout ends it: then the report below does.
 */
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 0x7fffffff);

describe('dispatcher under random command sequences with real sockets', () => {
  it('keeps the engine consistent and releases every OS socket', async () => {
    // The sequence running and how far it got, for a failure fast-check cannot report.
    let current = { sequence: 0, steps: [] as Step[], at: 'starting' };
    onTestFailed(() => {
      console.error(
        `dispatch fuzz: seed ${seed} (replay: FUZZ_SEED=${seed} npx vitest run src/main/dispatch.fuzz.test.ts); ` +
          `sequence #${current.sequence} was at ${current.at} of ${fc.stringify(current.steps)}`,
      );
    });
    const tooBig = new Uint8Array(16 * 1024 * 1024 + 1);
    // What the runs reached, so that a generator gone wrong cannot pass by doing nothing.
    const reached = new Map<string, number>();
    const count = (what: string): void => void reached.set(what, (reached.get(what) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 24, size: 'medium' }), async (steps) => {
        current = { sequence: current.sequence + 1, steps, at: 'starting' };
        const closedPort = await freePort();
        const baseline = osSockets();
        const world: World = { core: createCore(), closedPort, tooBig, created: new Set(), removed: new Set() };
        let sawAccepted = false;
        try {
          // One listener to start with, so that connects and sends have somewhere to go from step one.
          const first = await world.core.dispatcher.dispatch('tcp.listen', { host: '127.0.0.1', port: 0 });
          if (first.ok) world.created.add((first.value as { id: string }).id);
          for (const [index, { command, input }] of steps.entries()) {
            current.at = `step ${index} (${command})`;
            // Two turns of the event loop between commands, as between a user's clicks: what the
            // engine does in later turns (a listener makes the sockets of the connections it
            // accepted, accept-queue.ts) happens between steps, not only after the run.
            await loopTurns(2);
            const before = await snapshot(world);
            if (before.sockets.some((s) => s.kind === 'tcp-connection')) sawAccepted = true;
            const resolved = resolveRefs(input, world, before);
            const answer = await world.core.dispatcher.dispatch(command, resolved);
            expectTypedAnswer(command, answer);
            count(`${command} ${answer.ok ? 'ok' : answer.error.code}`);
            if (answer.ok && ['tcp.listen', 'tcp.connect', 'udp.bind'].includes(command)) {
              world.created.add((answer.value as { id: string }).id);
            }
            if (answer.ok && command === 'socket.remove') world.removed.add((resolved as { id: string }).id);
            await expectConsistent(world);
          }
          await loopTurns(2);
          if ((await snapshot(world)).sockets.some((s) => s.kind === 'tcp-connection')) sawAccepted = true;
          if (sawAccepted) count('accepted connections');
        } finally {
          current.at = 'dispose';
          await world.core.dispose();
        }
        current.at = 'the release of its OS sockets';
        // Released within a few event-loop turns; the bound is generous for a machine busy with other tests.
        await waitFor(() => osSockets() <= baseline, 'every socket of the engine to be released', 10_000);
      }),
      // With the random runs, one that surely reaches what is counted below: some seeds' hundred
      // runs never sent on an open connection (717888696: 231 sends, none on one).
      { numRuns: 100, seed, examples: [[reachesEveryOutcome]] },
    );
    for (const what of [
      'tcp.listen ok',
      'tcp.connect ok',
      'tcp.connect ECONNREFUSED',
      'udp.bind ok',
      'socket.send ok',
      'socket.send INVALID_INPUT',
      'socket.remove ok',
      'accepted connections',
    ]) {
      expect(reached.get(what) ?? 0, `runs that reached "${what}"`).toBeGreaterThan(0);
    }
  });
});
