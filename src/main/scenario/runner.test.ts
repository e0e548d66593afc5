import { createSocket } from 'node:dgram';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadUserRegex } from '@shared/user-regex';
import { parseScenarioText, Scenario } from '@shared/scenario';
import { freePort, startChild, startServer, stopPeers } from '../engine/test-support/peers';
import { netConnector } from './net-link';
import { runScenario, type StepReport } from './runner';

// Rules and scenarios here are parsed directly, as a front end would after loading the engine.
beforeAll(() => loadUserRegex());

afterEach(stopPeers);

async function redis(): Promise<string> {
  const port = await freePort();
  await startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept/);
  return `tcp://127.0.0.1:${port}`;
}

/** The issue's scenario, exactly as written there (only the port is this test's redis). */
const ISSUE_SCENARIO = String.raw`{ "name": "redis smoke", "target": "tcp://127.0.0.1:6379",
  "steps": [
    { "send": "SET k {{uuid}}\r\n" }, { "expect": { "contains": "+OK" }, "timeoutMs": 2000 },
    { "send": "GET k\r\n" }, { "expect": { "regex": "\\$36\\r\\n(?<v>[0-9a-f-]{36})" } },
    { "delay": 100 },
    { "repeat": 3, "steps": [ { "send": "INCR n\r\n" }, { "expect": { "regex": ":\\d+" } } ] },
    { "send": "GET k\r\n" }, { "expect": { "contains": "{{var:v}}" } } ] }`;

describe('the scenario runner against real peers', () => {
  it("runs the issue's redis scenario as written: a uuid set, read back and checked through a captured variable", async () => {
    const target = await redis();
    const parsed = parseScenarioText(ISSUE_SCENARIO);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const seen: StepReport[] = [];
    const result = await runScenario(parsed.scenario, { connect: netConnector, target, onStep: (r) => seen.push(r) });
    expect(result.failure).toBeUndefined();
    expect(result.passed).toBe(true);
    const ended = result.steps.filter((s) => s.kind !== 'connect');
    // 8 top-level steps, the repeat's two steps three times.
    expect(ended).toHaveLength(8 + 6);
    expect(ended.every((s) => s.state === 'passed')).toBe(true);
    const captured = ended.find((s) => s.path === '3')?.detail ?? '';
    expect(captured).toMatch(/v="[0-9a-f-]{36}"/);
    expect(ended.find((s) => s.path === '5.1' && s.iteration[0] === 3)?.detail).toMatch(/:3/);
    expect(seen.filter((s) => s.state === 'running').length).toBe(result.steps.length);
  });

  it('a wrong expectation fails that step with what arrived, and the run stops there', async () => {
    const target = await redis();
    const scenario = Scenario.parse({ target, steps: [{ send: 'PING\r\n' }, { expect: { exact: '+PANG\r\n' } }, { send: 'PING\r\n' }] });
    const result = await runScenario(scenario, { connect: netConnector });
    expect(result.passed).toBe(false);
    expect(result.failure).toMatchObject({ path: '1', state: 'failed' });
    expect(result.failure?.detail).toBe('Expected exactly "+PANG\\r\\n", got "+PONG\\r\\n"');
    expect(result.steps.map((s) => s.path)).toEqual(['connect', '0', '1']);
  });

  it('times out an expect that never matches, saying what came instead', async () => {
    const { port } = await startServer((socket) => socket.write('hello\n'));
    const scenario = Scenario.parse({ target: `tcp://127.0.0.1:${port}`, steps: [{ expect: { contains: 'bye' }, timeoutMs: 200 }] });
    const result = await runScenario(scenario, { connect: netConnector });
    expect(result.failure?.detail).toMatch(/^Timed out after 200 ms: expected something containing "bye"; received "hello\\n"$/);
  });

  it('on framed messages each expect takes the next whole line', async () => {
    const { port } = await startServer((socket) => socket.on('data', () => socket.write('one\ntwo\nthree\n')));
    const scenario = Scenario.parse({
      target: `tcp://127.0.0.1:${port}`,
      framing: { mode: 'delimiter', delimiter: [0x0a] },
      steps: [
        { send: 'go' },
        { expect: { exact: 'one\\n' } },
        { expect: { regex: '^t(?<rest>wo)' } },
        { send: '{{var:rest}}' },
        { expect: { contains: 'one' } },
      ],
    });
    const result = await runScenario(scenario, { connect: netConnector });
    expect(result.failure?.detail).toBe('Expected something containing "one", got "three\\n"');
    expect(result.steps.filter((s) => s.state === 'passed').map((s) => s.path)).toEqual(['connect', '0', '1', '2', '3']);
  });

  it('talks UDP: hex sends and hex expects, one datagram each', async () => {
    const server = createSocket('udp4');
    server.on('message', (message, peer) => server.send(Buffer.concat([Buffer.from([0xaa]), message]), peer.port, peer.address));
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    try {
      const scenario = Scenario.parse({
        target: `udp://127.0.0.1:${server.address().port}`,
        steps: [{ send: '01 02', format: 'hex' }, { expect: { hex: 'aa 01 02' } }, { send: '{{hex:ff}}{{crc8}}' }, { expect: { hex: 'aa ff f3' } }],
      });
      const result = await runScenario(scenario, { connect: netConnector });
      expect(result.failure).toBeUndefined();
      expect(result.passed).toBe(true);
    } finally {
      server.close();
    }
  });

  it('stops at once when asked, mid-wait', async () => {
    const { port } = await startServer(() => undefined);
    const scenario = Scenario.parse({ target: `tcp://127.0.0.1:${port}`, steps: [{ expect: { contains: 'never' }, timeoutMs: 60_000 }] });
    const controller = new AbortController();
    const started = performance.now();
    const running = runScenario(scenario, {
      connect: netConnector,
      signal: controller.signal,
      onStep: (r) => r.path === '0' && r.state === 'running' && controller.abort(),
    });
    const result = await running;
    expect(result).toMatchObject({ passed: false, stopped: true });
    expect(result.steps.at(-1)).toMatchObject({ path: '0', state: 'stopped' });
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

describe('scenario files that are wrong', () => {
  it.each([
    ['{ "steps": [', '(file)', /^Not JSON/],
    ['{ "steps": [] }', 'steps', /at least one step/],
    ['{ "steps": [ { "send": "x", "delay": 3 } ] }', 'steps.0', /send and delay are two/],
    ['{ "steps": [ { "sned": "x" } ] }', 'steps.0', /needs one of send, expect/],
    ['{ "steps": [ { "expect": { "contains": "a", "regex": "b" } } ] }', 'steps.0.expect', /exactly one of/],
    ['{ "steps": [ { "expect": { "regex": "(a)\\\\1" } } ] }', 'steps.0.expect.regex', /Backreferences/],
    ['{ "steps": [ { "expect": { "contains": "a" }, "timeoutMs": 0 } ] }', 'steps.0.timeoutMs', /at least 1/],
    ['{ "steps": [ { "send": "{{nope}}" } ] }', 'steps.0.send', /"nope" is not a macro/],
    ['{ "steps": [ { "repeat": 2, "steps": [ { "send": 4 } ] } ] }', 'steps.0.steps.0.send', /must be a string/],
    ['{ "steps": [ { "send": "{{var:v}}" }, { "expect": { "regex": "(?<v>x)" } } ] }', 'steps.0.send', /used before any step captures "v"/],
    ['{ "target": "http://x:1", "steps": [ { "close": true } ] }', 'target', /tcp:\/\/host:port/],
  ])('%s', (text, path, message) => {
    const parsed = parseScenarioText(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0].path).toBe(path);
    expect(parsed.problems[0].message).toMatch(message);
  });
});
