/**
 * `sockscope proxy` run from source as its own process, with redis-server behind it and redis-cli
 * and curl in front, the way a person runs it in a terminal.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, stopPeers, type ChildPeer } from '../../main/engine/test-support/peers';
import { timerFloor } from '../../main/engine/test-support/timing';
import { waitFor } from '../../main/engine/test-support/wait-for';
import { scratchDir } from '../../main/export/test-support/tshark';
import { parseToxicSpec } from '@shared/toxic-spec';
import { startRedis, startUdpEcho } from '../../main/proxy/test-support';
import { CLI, ROOT, runCli } from '../test-support/run-cli';

const run = promisify(execFile);
let files: ReturnType<typeof scratchDir>;
const started: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
  files = scratchDir();
});

afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await stopPeers();
  files.remove();
});

/** `sockscope …` from source, once it prints `ready`: tsx starts slowly on a busy machine, so it gets 30 s. */
async function startCli(args: string[], ready: RegExp): Promise<ChildPeer> {
  const child = spawn('node', [...CLI, ...args], { cwd: ROOT, stdio: 'pipe' });
  started.push(child);
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  await waitFor(() => ready.test(err) || child.exitCode !== null, 'sockscope proxy to start', 30_000);
  if (!ready.test(err)) throw new Error(`sockscope proxy exited: ${err}`);
  return { child, stdout: () => Buffer.concat(out), stderr: () => err };
}

function stop(peer: ChildPeer): Promise<number | null> {
  const exited = new Promise<number | null>((done) => peer.child.once('exit', (code) => done(code)));
  peer.child.kill('SIGTERM');
  return exited;
}

describe('sockscope proxy', () => {
  it('forwards redis-cli with a latency toxic, prints both directions and writes the JSON Lines and pcapng files when stopped', async () => {
    const redis = await startRedis();
    const jsonl = files.path('talk.jsonl');
    const pcapng = files.path('talk.pcapng');
    const peer = await startCli(
      [
        'proxy',
        'tcp://127.0.0.1:0',
        `tcp://127.0.0.1:${redis}`,
        '--toxic',
        'latency:downstream:latency=200,jitter=0',
        '--jsonl',
        jsonl,
        '--pcapng',
        pcapng,
      ],
      /Proxying tcp:\/\/127\.0\.0\.1:\d+/,
    );
    const port = Number(/127\.0\.0\.1:(\d+) →/.exec(peer.stderr())?.[1]);
    const start = performance.now();
    expect((await run('redis-cli', ['-p', String(port), 'PING'])).stdout.trim()).toBe('PONG');
    expect(performance.now() - start).toBeGreaterThanOrEqual(timerFloor(200));
    expect(await stop(peer)).toBe(0);
    const out = peer.stdout().toString();
    expect(out).toMatch(new RegExp(`↑ TX\\s+to 127\\.0\\.0\\.1:${redis}\\s+14 B\\s+\\*1\\\\r\\\\n\\$4\\\\r\\\\nPING\\\\r\\\\n`));
    expect(out).toMatch(new RegExp(`↓ RX\\s+from 127\\.0\\.0\\.1:${redis}\\s+7 B\\s+\\+PONG\\\\r\\\\n`));
    expect(peer.stderr()).toMatch(/Wrote .*talk\.jsonl: \d+ log entries/);
    expect(readFileSync(jsonl, 'utf8')).toContain('proxy-conversation');
    // Both real connections: redis-cli → the proxy, and the proxy → redis-server.
    const streams = await run('tshark', ['-r', pcapng, '-n', '-q', '-z', 'conv,tcp']);
    expect(streams.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:\\d+\\s+<->\\s+127\\.0\\.0\\.1:${port}\\s`));
    expect(streams.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:\\d+\\s+<->\\s+127\\.0\\.0\\.1:${redis}\\s`));
  });

  it('serves only the Toxiproxy API with --api alone, and prints what the proxies made through it carry', async () => {
    const redis = await startRedis();
    const port = await freePort();
    const listen = await freePort();
    const peer = await startCli(['proxy', '--api', `127.0.0.1:${port}`], /Toxiproxy API on/);
    const api = `http://127.0.0.1:${port}`;
    const { stdout } = await run('curl', ['-s', `${api}/version`]);
    expect(JSON.parse(stdout)).toEqual({ version: '2.12.0' });
    const proxy = JSON.stringify({ name: 'redis', listen: `127.0.0.1:${listen}`, upstream: `127.0.0.1:${redis}` });
    await run('curl', ['-s', '-X', 'POST', `${api}/proxies`, '-d', proxy]);
    const toxic = JSON.stringify({ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    expect((await run('redis-cli', ['-p', String(listen), 'PING'])).stdout.trim()).toBe('PONG');
    await run('curl', ['-s', '-X', 'POST', `${api}/proxies/redis/toxics`, '-d', toxic]);
    await expect(run('redis-cli', ['-p', String(listen), 'SET', 'a', 'b'], { timeout: 1500 })).rejects.toThrow();
    await waitFor(() => peer.stdout().toString().includes('dropped 27 bytes'), 'the drop said');
    expect(await stop(peer)).toBe(0);
    const out = peer.stdout().toString();
    expect(out).toMatch(new RegExp(`prx-\\d+ +· +Listening on 127\\.0\\.0\\.1:${listen}, forwarding to 127\\.0\\.0\\.1:${redis}`));
    expect(out).toMatch(new RegExp(`↑ TX\\s+to 127\\.0\\.0\\.1:${redis}\\s+14 B\\s+\\*1\\\\r\\\\n\\$4\\\\r\\\\nPING\\\\r\\\\n`));
    expect(out).toMatch(new RegExp(`↓ RX\\s+from 127\\.0\\.0\\.1:${redis}\\s+7 B\\s+\\+PONG\\\\r\\\\n`));
    expect(out).toContain('Toxic timeout_upstream added (timeout, upstream)');
    expect(out).toContain(`timeout toxic 'timeout_upstream' dropped 27 bytes to the server 127.0.0.1:${redis}`);
  });

  it('proxies UDP: a duplicate toxic doubles each datagram to the Python echo, and both directions are printed', async () => {
    const echo = await startUdpEcho();
    const peer = await startCli(
      ['proxy', 'udp://127.0.0.1:0', `udp://127.0.0.1:${echo}`, '--toxic', 'duplicate:upstream:rate=1', '--idle-timeout', '30000'],
      /Proxying udp:\/\/127\.0\.0\.1:\d+/,
    );
    const port = Number(/127\.0\.0\.1:(\d+) →/.exec(peer.stderr())?.[1]);
    const client = createSocket('udp4');
    const replies: string[] = [];
    client.on('message', (bytes) => replies.push(bytes.toString()));
    try {
      client.send('ping', port, '127.0.0.1');
      await waitFor(() => replies.length === 2, 'two replies', 10_000);
    } finally {
      client.close();
    }
    expect(replies).toEqual(['ping', 'ping']);
    expect(await stop(peer)).toBe(0);
    const out = peer.stdout().toString();
    expect(out).toMatch(new RegExp(`↑ TX\\s+to 127\\.0\\.0\\.1:${echo}\\s+4 B\\s+ping`));
    expect(out).toMatch(new RegExp(`↓ RX\\s+from 127\\.0\\.0\\.1:${echo}\\s+4 B\\s+ping`));
  });

  it('refuses a bad toxic, a missing upstream, mixed protocols and a TCP toxic on UDP with a message and a non-zero exit', async () => {
    const bad = await runCli(['proxy', 'tcp://127.0.0.1:0', 'tcp://127.0.0.1:9', '--toxic', 'gremlin']);
    expect('code' in bad && bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown toxic type "gremlin"');
    const alone = await runCli(['proxy', 'tcp://127.0.0.1:0']);
    expect(alone).toMatchObject({ code: 1, stderr: expect.stringContaining('Give the upstream too') as string });
    const mixed = await runCli(['proxy', 'udp://127.0.0.1:0', 'tcp://127.0.0.1:9']);
    expect(mixed).toMatchObject({ code: 1, stderr: expect.stringContaining('A udp:// proxy forwards to a udp:// upstream') as string });
    const tcpToxic = await runCli(['proxy', 'udp://127.0.0.1:0', 'udp://127.0.0.1:9', '--toxic', 'bandwidth:rate=1']);
    expect('code' in tcpToxic && tcpToxic.code).toBe(1);
    expect(tcpToxic.stderr).toContain('bandwidth is a toxic for TCP proxies; a UDP proxy takes latency, loss, duplicate, reorder');
    // Four runs of tsx from source, one after the other, on a busy machine.
  }, 60_000);
});

describe('--toxic', () => {
  it('reads type, stream and attributes as Toxiproxy names them', () => {
    expect(parseToxicSpec('latency:downstream:latency=100,jitter=10')).toEqual({
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: 100, jitter: 10 },
    });
    expect(parseToxicSpec('reset_peer')).toEqual({ type: 'reset_peer', attributes: {} });
    expect(parseToxicSpec('slicer:upstream:average_size=8,delay=100,toxicity=0.5,name=cut')).toEqual({
      type: 'slicer',
      stream: 'upstream',
      name: 'cut',
      toxicity: 0.5,
      attributes: { average_size: 8, delay: 100 },
    });
    expect(() => parseToxicSpec('latency:latenc=5')).toThrow('latency has no attribute "latenc": it takes latency, jitter.');
    expect(() => parseToxicSpec('latency:latency=soon')).toThrow('Expected key=number in "latency=soon"');
  });
});
