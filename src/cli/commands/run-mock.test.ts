/**
 * `sockscope run` and `sockscope mock` as separate processes against real peers: redis-server,
 * python3 -m http.server, packetsender and ncat.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scenarioFromLog } from '@shared/scenario-record';
import { Engine } from '../../main/engine/engine';
import { allEntries } from '../../main/engine/test-support/engine-log';
import { freePort, startChild, startServer, stopPeers } from '../../main/engine/test-support/peers';
import { waitFor } from '../../main/engine/test-support/wait-for';
import { CLI, runCli, runProgram, type CliRun } from '../test-support/run-cli';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockscope-run-'));
});

afterEach(async () => {
  await stopPeers();
  rmSync(dir, { recursive: true, force: true });
});

const sockscope = (args: string[]): Promise<CliRun> => runCli(args);

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function redis(): Promise<string> {
  const port = await freePort();
  await startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept/);
  return `tcp://127.0.0.1:${port}`;
}

describe('sockscope run', () => {
  it('passes against redis: PING, and a {{uuid}} set, read back and expected through a captured variable', async () => {
    const target = await redis();
    const scenario = file('redis.json', {
      name: 'redis',
      steps: [
        { send: 'PING\\r\\n' },
        { expect: { exact: '+PONG\\r\\n' } },
        { send: 'SET k {{uuid}}\\r\\n' },
        { expect: { contains: '+OK' } },
        { send: 'GET k\\r\\n' },
        { expect: { regex: '\\$36\\r\\n(?<v>[0-9a-f-]{36})' } },
        { send: 'GET k\\r\\n' },
        { expect: { contains: '{{var:v}}' } },
      ],
    });
    const result = await sockscope(['run', scenario, '--target', target]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ steps.1 expect exact "+PONG\\r\\n"');
    expect(result.stdout).toMatch(/✓ steps\.5 .* → v="[0-9a-f-]{36}"/);
    expect(result.stdout).toMatch(/^PASS redis: 9 steps in \d+ ms$/m);
  });

  it('exits 1 on a wrong expectation, naming the step', async () => {
    const target = await redis();
    const scenario = file('wrong.json', {
      name: 'wrong',
      target,
      steps: [{ send: 'PING\\r\\n' }, { expect: { exact: '+PANG\\r\\n' }, timeoutMs: 2000 }],
    });
    const result = await sockscope(['run', scenario]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL wrong: steps.1 (expect exact "+PANG\\r\\n") failed: Expected exactly "+PANG\\r\\n", got "+PONG\\r\\n"');
  });

  it('exits 2 on a malformed file or option, naming the field and why', async () => {
    const [notJson, shape, variable, badVar, badTarget] = await Promise.all([
      sockscope(['run', file('bad.json', '{ "steps": [ }')]),
      sockscope(['run', file('shape.json', { target: 'tcp://127.0.0.1:1', steps: [{ send: 'x' }, { expect: { contains: 'a' }, timeoutMs: -5 }] })]),
      sockscope(['run', file('var.json', { target: 'tcp://127.0.0.1:1', steps: [{ send: '{{var:who}}' }] })]),
      sockscope(['run', file('ok.json', { target: 'tcp://127.0.0.1:1', steps: [{ send: '{{var:who}}' }] }), '--var', 'who']),
      sockscope(['run', file('ok2.json', { target: 'tcp://127.0.0.1:1', steps: [{ send: 'x' }] }), '--target', 'tcp://host']),
    ]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/\(file\): Not JSON/);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('steps.1.timeoutMs: timeoutMs must be at least 1');
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('steps.0.send: {{var:who}} is used before any step captures "who"');
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toContain('--var "who": write name=value');
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('--target: A target is tcp://host:port');
  });

  it('expects the status line of python3 -m http.server by regex, and writes a JUnit report that reads back', async () => {
    const port = await freePort();
    await startChild('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], /Serving HTTP/);
    const junit = join(dir, 'report.xml');
    const scenario = file('http.json', {
      name: 'http',
      target: `tcp://127.0.0.1:${port}`,
      steps: [
        { send: 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' },
        { expect: { regex: '^HTTP/1\\.[01] (?<status>\\d{3}) ' } },
        { expect: { regex: 'Server: SimpleHTTP' } },
        { expect: { regex: 'Server: (?<server>\\w+)' }, timeoutMs: 300, name: 'a second Server header' },
      ],
    });
    const result = await sockscope(['run', scenario, '--junit', junit]);
    expect(result.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="http" tests="5" failures="1" errors="0" skipped="0"/);
    expect(xml).toContain('<testcase classname="http" name="steps.1 expect regex &quot;^HTTP/1\\.[01] (?&lt;status&gt;\\d{3}) &quot;"');
    expect(xml).toMatch(
      /<testcase classname="http" name="steps.3 a second Server header" time="[\d.]+">\s*<failure message="(?:Timed out after 300 ms|The connection closed)[^"]*">/,
    );
    expect(result.stdout).toMatch(/✓ steps\.1 .* → status="200"/);
  });

  it('names a step whose JSON holds a real CR LF (as the guide writes it) on one line, in the escapes the app reads', async () => {
    const target = await redis();
    const junit = join(dir, 'report.xml');
    const scenario = file('crlf.json', { name: 'crlf', target, steps: [{ send: 'PING\r\n' }, { expect: { exact: '+PONG\r\n' } }] });
    const result = await sockscope(['run', scenario, '--junit', junit]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ steps.0 send "PING\\r\\n"');
    expect(result.stdout).toContain('✓ steps.1 expect exact "+PONG\\r\\n"');
    expect(readFileSync(junit, 'utf8')).toContain('<testcase classname="crlf" name="steps.0 send &quot;PING\\r\\n&quot;"');
  });
});

describe('sockscope send', () => {
  it('evaluates macros in a text payload, and refuses an unknown one with its position', async () => {
    let received = Buffer.alloc(0);
    const { port } = await startServer((socket) => socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk]))));
    const sent = await sockscope(['send', `tcp://127.0.0.1:${port}`, '{{hex:01 03 00 00 00 0a}}{{crc16-modbus}}']);
    expect(sent.code).toBe(0);
    await waitFor(() => received.length === 8, 'the Modbus frame');
    expect(received.toString('hex')).toBe('01030000000ac5cd');
    const wrong = await sockscope(['send', `tcp://127.0.0.1:${port}`, 'ab{{nope}}']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/\{\{nope\}\} at position 3: "nope" is not a macro/);
  });
});

describe('sockscope mock', () => {
  it('made from a recorded session, answers packetsender and ncat byte for byte, on every connection', async () => {
    // Record: a real exchange with redis through the engine, as the app logs it.
    const target = await redis();
    const engine = new Engine();
    const port = Number(target.split(':').at(-1));
    const client = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await engine.send({ id: client.id, data: Buffer.from('PING\r\n') });
    await waitFor(() => allEntries(engine, client.id).some((e) => e.dir === 'in'), 'the recorded reply');
    const entries = allEntries(engine, client.id);
    await engine.dispose();
    const recorded = scenarioFromLog(entries, { name: 'recorded redis', play: 'server', recordedAs: 'client' });
    expect(recorded.steps).toEqual([{ expect: { exact: 'PING\\r\\n' } }, { send: '+PONG\\r\\n' }]);
    const scenario = file('mock.json', recorded);

    const mock = await startChild('node', [...CLI, 'mock', scenario, '--listen', 'tcp://127.0.0.1:0'], /listening on 127\.0\.0\.1:\d+\./);
    const mockPort = /:(\d+)\./.exec(mock.stderr())?.[1] ?? '';

    const packetSender = await runProgram('packetsender', ['-x', '-w', '2000', '-t', '127.0.0.1', mockPort, '50 49 4e 47 0d 0a']);
    expect(packetSender.stdout).toMatch(/Response HEX:2B 50 4F 4E 47 0D 0A\s*$/m);

    const ncat = await runProgram('ncat', ['127.0.0.1', mockPort], { input: 'PING\r\n' });
    expect(ncat.code).toBe(0);
    expect(Buffer.from(ncat.stdout, 'latin1').toString('hex')).toBe(Buffer.from('+PONG\r\n').toString('hex'));
    await waitFor(
      () =>
        (
          mock
            .stdout()
            .toString()
            .match(/answered/g) ?? []
        ).length === 2,
      'the mock to report both connections',
    );
  });

  it('-v prints each step once, a failing one too, then which step the connection failed at', async () => {
    const scenario = file('strict.json', { name: 'strict', steps: [{ expect: { exact: 'PING\\r\\n' }, timeoutMs: 2000 }, { send: '+PONG\\r\\n' }] });
    const mock = await startChild('node', [...CLI, 'mock', scenario, '-v', '--listen', 'tcp://127.0.0.1:0'], /listening on 127\.0\.0\.1:\d+\./);
    const mockPort = /:(\d+)\./.exec(mock.stderr())?.[1] ?? '';
    await runProgram('ncat', ['127.0.0.1', mockPort], { input: 'QUIT\r\n' });
    await waitFor(() => /failed at/.test(mock.stdout().toString()), 'the mock to report the failure');
    const out = mock.stdout().toString();
    expect(out.match(/✗/g) ?? []).toHaveLength(1);
    expect(out).toMatch(/#1 \S+: failed at steps\.0\n/);
  });
});
