/**
 * The Toxiproxy-compatible API, driven by the real `toxiproxy-node-client` and by curl, with
 * redis-server behind the proxies it makes.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { freePort, startChild, stopPeers } from '../engine/test-support/peers';
import { timerFloor } from '../engine/test-support/timing';
import { waitFor } from '../engine/test-support/wait-for';
import { startToxiproxyApi, type ToxiproxyApi } from './toxiproxy-api';
import { startRedis, startUdpEcho } from './test-support';

const run = promisify(execFile);

let engine: Engine;
let api: ToxiproxyApi;

beforeEach(async () => {
  engine = new Engine();
  api = await startToxiproxyApi(engine, { host: '127.0.0.1', port: 0 });
});

afterEach(async () => {
  await api.close();
  await engine.dispose();
  await stopPeers();
});

/** curl's status line and body: `[status, body]`. */
async function curl(method: string, path: string, body?: string, headers: string[] = ['Content-Type: application/json']): Promise<[number, string]> {
  const args = ['-s', '-o', '-', '-w', '\n%{http_code}', '-X', method, `${api.url}${path}`];
  for (const header of headers) args.push('-H', header);
  if (body !== undefined) args.push('--data-binary', body);
  const { stdout } = await run('curl', args);
  const cut = stdout.lastIndexOf('\n');
  // Error bodies end with a newline, as Go's http.Error writes them.
  return [Number(stdout.slice(cut + 1)), stdout.slice(0, cut).replace(/\n$/, '')];
}

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** python3 -m http.server on loopback, serving hello.txt. */
async function startHttpServer(): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'sockscope-api-http-'));
  folders.push(folder);
  writeFileSync(join(folder, 'hello.txt'), 'hello over the API\n');
  const port = await freePort();
  await startChild('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', folder], /Serving HTTP/);
  return port;
}

function jsonOf(text: string): unknown {
  return JSON.parse(text);
}

describe('the Toxiproxy API with toxiproxy-node-client', () => {
  it('creates a proxy, adds, updates and removes a toxic, and the proxy shows in the engine', async () => {
    const redis = await startRedis();
    const toxiproxy = new Toxiproxy(api.url);
    expect(JSON.parse(await toxiproxy.getVersion())).toEqual({ version: '2.12.0' });
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis}` });
    expect(proxy.name).toBe('redis');
    expect(proxy.upstream).toBe(`127.0.0.1:${redis}`);
    expect(proxy.enabled).toBe(true);
    const port = Number(proxy.listen.split(':')[1]);
    expect(port).toBeGreaterThan(0);
    const shown = engine.snapshot().sockets.find((s) => s.kind === 'proxy');
    expect(shown?.proxy?.name).toBe('redis');
    expect(shown?.local?.port).toBe(port);

    const body: ICreateToxicBody<Latency> = {
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 200, jitter: 0 },
    };
    const toxic = await proxy.addToxic(body);
    expect(toxic.toJson()).toEqual({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 200, jitter: 0 } });
    const start = performance.now();
    expect((await run('redis-cli', ['-p', String(port), 'PING'])).stdout.trim()).toBe('PONG');
    expect(performance.now() - start).toBeGreaterThanOrEqual(timerFloor(200));

    const updated = await toxic.update({ attributes: { latency: 10, jitter: 0 }, toxicity: 0.5 } as never);
    expect(updated.attributes).toEqual({ latency: 10, jitter: 0 });
    expect(updated.toxicity).toBe(0.5);
    expect((await proxy.getToxic('slow')).toxicity).toBe(0.5);
    expect(engine.snapshot().sockets.find((s) => s.kind === 'proxy')?.proxy?.toxics[0].attributes.latency).toBe(10);
    await updated.remove();
    await expect(proxy.getToxic('slow')).rejects.toThrow(/404/);

    const disabled = await proxy.update({ listen: proxy.listen, upstream: proxy.upstream, enabled: false });
    expect(disabled.enabled).toBe(false);
    await expect(run('redis-cli', ['-p', String(port), 'PING'])).rejects.toBeDefined();
    await toxiproxy.reset();
    expect((await toxiproxy.get('redis')).enabled).toBe(true);
    expect((await run('redis-cli', ['-p', String(port), 'PING'])).stdout.trim()).toBe('PONG');

    expect(Object.keys(await toxiproxy.getAll())).toEqual(['redis']);
    await proxy.remove();
    expect(await toxiproxy.getAll()).toEqual({});
    expect(engine.snapshot().sockets.filter((s) => s.kind === 'proxy')).toHaveLength(0);
  });

  it('populates proxies, keeping an unchanged one and replacing a changed one', async () => {
    const toxiproxy = new Toxiproxy(api.url);
    const first = await toxiproxy.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:6000' },
      { name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:6001' },
    ]);
    expect(Object.keys(first).sort()).toEqual(['a', 'b']);
    const again = await toxiproxy.populate([
      { name: 'a', listen: first.a.listen, upstream: '127.0.0.1:6000' },
      { name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:6009' },
    ]);
    expect(again.a.listen).toBe(first.a.listen);
    expect(again.b.upstream).toBe('127.0.0.1:6009');
    expect(Object.keys(await toxiproxy.getAll()).sort()).toEqual(['a', 'b']);
  });

  it("listens on 127.0.0.1 for localhost:0 and shows that address, as Toxiproxy (the client's own TestHelper asks for localhost:0)", async () => {
    const redis = await startRedis();
    const toxiproxy = new Toxiproxy(api.url);
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: 'localhost:0', upstream: `localhost:${redis}` });
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(proxy.upstream).toBe(`localhost:${redis}`);
    const port = proxy.listen.split(':')[1];
    expect((await run('redis-cli', ['-h', '127.0.0.1', '-p', port, 'PING'])).stdout.trim()).toBe('PONG');
    // Populating the same proxy by the name it was given keeps it (and its clients' connections).
    const proxyId = (): string | undefined => engine.snapshot().sockets.find((s) => s.kind === 'proxy')?.id;
    const before = proxyId();
    const populated = await toxiproxy.populate([{ name: 'redis', listen: `localhost:${port}`, upstream: `localhost:${redis}` }]);
    expect(populated.redis.listen).toBe(proxy.listen);
    expect(engine.snapshot().sockets.filter((s) => s.kind === 'proxy')).toHaveLength(1);
    expect(proxyId()).toBe(before);
  });
});

describe('the Toxiproxy API with curl', () => {
  it('answers every route with Toxiproxy status codes and error bodies', async () => {
    const redis = await startRedis();
    expect(await curl('GET', '/proxies')).toEqual([200, '{}']);
    const [created, createdBody] = await curl(
      'POST',
      '/proxies',
      JSON.stringify({ name: 'r', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis}` }),
    );
    expect(created).toBe(201);
    const proxy = jsonOf(createdBody) as { listen: string; toxics: unknown[] };
    expect(proxy).toMatchObject({ name: 'r', upstream: `127.0.0.1:${redis}`, enabled: true, toxics: [] });
    expect(await curl('POST', '/proxies', JSON.stringify({ name: 'r', upstream: `127.0.0.1:${redis}` }))).toEqual([
      409,
      '{"error":"proxy already exists","status":409}',
    ]);
    expect(await curl('POST', '/proxies', JSON.stringify({ upstream: 'x:1' }))).toEqual([
      400,
      '{"error":"missing required field: name","status":400}',
    ]);
    expect(await curl('POST', '/proxies', JSON.stringify({ name: 'u' }))).toEqual([400, '{"error":"missing required field: upstream","status":400}']);
    expect((await curl('POST', '/proxies', '{not json'))[0]).toBe(400);
    expect(await curl('GET', '/proxies/nope')).toEqual([404, '{"error":"proxy not found","status":404}']);
    expect((await curl('GET', '/proxies/r'))[0]).toBe(200);
    const [patched, patchedBody] = await curl('PATCH', '/proxies/r', JSON.stringify({ enabled: false }));
    expect(patched).toBe(200);
    expect(jsonOf(patchedBody)).toMatchObject({ enabled: false, listen: proxy.listen });

    expect(await curl('GET', '/proxies/r/toxics')).toEqual([200, '[]']);
    const toxic = { name: 'cut', type: 'limit_data', stream: 'upstream', attributes: { bytes: 5 } };
    const [added, addedBody] = await curl('POST', '/proxies/r/toxics', JSON.stringify(toxic));
    expect(added).toBe(200);
    expect(jsonOf(addedBody)).toEqual({ ...toxic, toxicity: 1 });
    expect(await curl('POST', '/proxies/r/toxics', JSON.stringify(toxic))).toEqual([409, '{"error":"toxic already exists: cut","status":409}']);
    expect(await curl('POST', '/proxies/r/toxics', JSON.stringify({ type: 'gremlin' }))).toEqual([
      400,
      '{"error":"bad request body: type: invalid toxic type","status":400}',
    ]);
    expect((await curl('POST', '/proxies/r/toxics', JSON.stringify({ type: 'latency', stream: 'sideways' })))[0]).toBe(400);
    expect((await curl('POST', '/proxies/r/toxics', JSON.stringify({ type: 'latency', attributes: { latency: 'slow' } })))[0]).toBe(400);
    expect((await curl('GET', '/proxies/r/toxics/cut'))[0]).toBe(200);
    const [updated, updatedBody] = await curl('PATCH', '/proxies/r/toxics/cut', JSON.stringify({ attributes: { bytes: 9 } }));
    expect([updated, jsonOf(updatedBody)]).toEqual([200, { ...toxic, attributes: { bytes: 9 }, toxicity: 1 }]);
    expect(await curl('GET', '/proxies/r/toxics/none')).toEqual([404, '{"error":"toxic not found: none","status":404}']);
    expect(await curl('DELETE', '/proxies/r/toxics/cut')).toEqual([204, '']);
    expect(await curl('DELETE', '/proxies/r/toxics/cut')).toEqual([404, '{"error":"toxic not found: cut","status":404}']);
    expect(await curl('POST', '/reset')).toEqual([204, '']);
    expect(jsonOf((await curl('GET', '/proxies/r'))[1])).toMatchObject({ enabled: true });
    expect(await curl('GET', '/version')).toEqual([200, '{"version": "2.12.0"}']);
    expect(await curl('DELETE', '/proxies/r')).toEqual([204, '']);
    expect(await curl('DELETE', '/proxies/r')).toEqual([404, '{"error":"proxy not found","status":404}']);
    const [populated, populatedBody] = await curl(
      'POST',
      '/populate',
      JSON.stringify([{ name: 'p', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redis}` }]),
    );
    expect(populated).toBe(201);
    expect(jsonOf(populatedBody)).toMatchObject({ proxies: [{ name: 'p' }] });
    expect(await curl('POST', '/populate', JSON.stringify([{ name: 'q' }]))).toEqual([
      400,
      '{"error":"missing required field: upstream at proxy 1","status":400}',
    ]);
  });

  it('refuses a listen address in use with 409 and keeps what exists', async () => {
    const [, body] = await curl('POST', '/proxies', JSON.stringify({ name: 'one', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }));
    const { listen } = jsonOf(body) as { listen: string };
    const [status, error] = await curl('POST', '/proxies', JSON.stringify({ name: 'two', listen, upstream: '127.0.0.1:9' }));
    expect(status).toBe(409);
    expect(jsonOf(error)).toEqual({ error: `${listen} is already in use`, status: 409 });
    expect(Object.keys(jsonOf((await curl('GET', '/proxies'))[1]) as object)).toEqual(['one']);
  });

  it("keeps an idle keep-alive connection open past Node's 5 s, as Toxiproxy's 60 s: a client that blocked its event loop reuses it", async () => {
    // toxiproxy-node-client's fetch reuses its socket; a test that ran redis-cli with execSync for
    // longer than 5 s sent its next call into a socket the API had closed ("other side closed").
    const socket = connect(api.port, '127.0.0.1');
    let received = '';
    let ended = false;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => (ended = true));
    socket.on('error', () => (ended = true));
    const request = `GET /version HTTP/1.1\r\nHost: 127.0.0.1:${api.port}\r\nUser-Agent: toxiproxy-test\r\n\r\n`;
    socket.write(request);
    await waitFor(() => received.endsWith('"}\n'), 'the first answer');
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expect(ended, 'the idle connection, after 7 s').toBe(false);
    socket.write(request);
    await waitFor(() => received.split('HTTP/1.1 200').length === 3, 'the second answer on the same connection');
    socket.destroy();
  }, 15_000);

  it('refuses forged requests: a foreign Origin, a non-loopback Host, a browser', async () => {
    const body = JSON.stringify({ name: 'evil', upstream: '127.0.0.1:9' });
    const foreign = await curl('POST', '/proxies', body, ['Content-Type: application/json', 'Origin: https://evil.example']);
    expect(foreign[0]).toBe(403);
    expect(jsonOf(foreign[1])).toMatchObject({ status: 403 });
    const rebinding = await curl('GET', '/proxies', undefined, [`Host: evil.example:${api.port}`]);
    expect(rebinding[0]).toBe(403);
    // A page's "simple" cross-site POST (no preflight): text/plain, with the browser's Origin and User-Agent.
    const browser = 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
    const simple = await curl('POST', '/proxies', body, ['Content-Type: text/plain', 'Origin: https://evil.example', browser]);
    expect(simple[0]).toBe(403);
    // Even without an Origin, a browser is not a client of this API (Toxiproxy's rule).
    const form = await curl('POST', '/proxies', body, ['Content-Type: application/x-www-form-urlencoded', browser]);
    expect(form[0]).toBe(403);
    expect(jsonOf(form[1])).toEqual({ error: 'User agent not allowed', status: 403 });
    expect(engine.snapshot().sockets).toHaveLength(0);
    // The API's own origin is not foreign.
    expect((await curl('GET', '/proxies', undefined, [`Origin: http://127.0.0.1:${api.port}`]))[0]).toBe(200);
  });

  it("takes a body whatever its Content-Type, as Toxiproxy does: its README's `curl -d` calls work unchanged", async () => {
    // curl -d sends application/x-www-form-urlencoded; these are the README's calls.
    const made = await curl('POST', '/proxies', JSON.stringify({ name: 'echo', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }), []);
    expect(made[0]).toBe(201);
    const toxic = await curl('POST', '/proxies/echo/toxics', JSON.stringify({ type: 'latency', attributes: { latency: 1000 } }), []);
    expect(toxic[0]).toBe(200);
    expect(jsonOf(toxic[1])).toMatchObject({ name: 'latency_downstream', type: 'latency', stream: 'downstream', attributes: { latency: 1000 } });
    const disabled = await curl('POST', '/proxies/echo', JSON.stringify({ enabled: false }), ['Content-Type: text/plain']);
    expect(disabled[0]).toBe(200);
    expect(jsonOf(disabled[1])).toMatchObject({ name: 'echo', enabled: false });
    // Not JSON, whatever it is called, is still a bad body.
    const garbage = await curl('POST', '/proxies', 'name=x&upstream=y', []);
    expect(garbage[0]).toBe(400);
    expect(jsonOf(garbage[1])).toMatchObject({ error: expect.stringMatching(/^bad request body: /), status: 400 });
  });

  it('makes UDP and TLS proxies from udp:// and tls:// addresses (as the command line takes them), and refuses any other kind', async () => {
    // UDP: a real client gets its echo through the proxy; without a listen address, it listens on UDP too.
    const echo = await startUdpEcho();
    const [made, madeBody] = await curl('POST', '/proxies', JSON.stringify({ name: 'dns', upstream: `udp://127.0.0.1:${echo}` }));
    expect(made).toBe(201);
    const udp = jsonOf(madeBody) as { listen: string; upstream: string };
    expect(udp.listen).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
    expect(udp.upstream).toBe(`udp://127.0.0.1:${echo}`);
    expect(engine.snapshot().sockets.find((s) => s.kind === 'proxy' && s.proxy?.name === 'dns')?.proxy?.protocol).toBe('udp');
    const client = createSocket('udp4');
    try {
      const reply = new Promise<string>((resolve) => client.once('message', (bytes) => resolve(bytes.toString())));
      client.send('ping', Number(udp.listen.split(':').at(-1)), '127.0.0.1');
      expect(await reply).toBe('ping');
    } finally {
      client.close();
    }

    // TLS towards clients: curl -k over https, and GET shows the scheme.
    const http = await startHttpServer();
    const [secured, securedBody] = await curl(
      'POST',
      '/proxies',
      JSON.stringify({ name: 'web', listen: 'tls://127.0.0.1:0', upstream: `127.0.0.1:${http}` }),
    );
    expect(secured).toBe(201);
    const web = jsonOf(securedBody) as { listen: string };
    expect(web.listen).toMatch(/^tls:\/\/127\.0\.0\.1:\d+$/);
    const port = web.listen.split(':').at(-1);
    expect((await run('curl', ['-sS', '-k', '--max-time', '10', `https://127.0.0.1:${port}/hello.txt`])).stdout).toBe('hello over the API\n');
    expect(jsonOf((await curl('GET', '/proxies/web'))[1])).toMatchObject({ listen: web.listen, upstream: `127.0.0.1:${http}` });
    // tcp:// turns TLS off on that side; a bare host:port would have kept it.
    const [patched, patchedBody] = await curl('PATCH', '/proxies/web', JSON.stringify({ listen: `tcp://127.0.0.1:${port}` }));
    expect([patched, (jsonOf(patchedBody) as { listen: string }).listen]).toEqual([200, `127.0.0.1:${port}`]);
    expect((await run('curl', ['-sS', '--max-time', '10', `http://127.0.0.1:${port}/hello.txt`])).stdout).toBe('hello over the API\n');

    // Never a TCP proxy in place of another kind.
    const refused = async (body: Record<string, unknown>, path = '/proxies', method = 'POST'): Promise<string> => {
      const [status, text] = await curl(method, path, JSON.stringify(body));
      expect(status).toBe(400);
      return (jsonOf(text) as { error: string }).error;
    };
    expect(await refused({ name: 'mixed', listen: '127.0.0.1:0', upstream: `udp://127.0.0.1:${echo}` })).toBe(
      `bad request body: a udp:// proxy forwards to a udp:// upstream: give both listen and upstream as udp://host:port (got listen "127.0.0.1:0", upstream "udp://127.0.0.1:${echo}")`,
    );
    expect(await refused({ name: 'http', upstream: 'http://127.0.0.1:80' })).toBe(
      'bad request body: upstream "http://127.0.0.1:80": http:// is not a kind of proxy; give host:port (TCP, as Toxiproxy), or tcp://, tls:// or udp://host:port',
    );
    expect(await refused({ name: 'bad', upstream: 'udp://127.0.0.1' })).toBe(
      'bad request body: upstream must be udp://host:port, got "udp://127.0.0.1"',
    );
    expect(await refused({ upstream: `udp://127.0.0.1:${echo}` }, '/proxies/web', 'PATCH')).toBe(
      'bad request body: proxy web is TCP, and a proxy cannot change between UDP and TCP while it runs: delete it and create it again',
    );
    expect(
      await refused(
        [
          { name: 'p1', upstream: '127.0.0.1:9' },
          { name: 'p2', listen: 'udp://127.0.0.1:0', upstream: '127.0.0.1:9' },
        ] as never,
        '/populate',
      ),
    ).toMatch(/^bad request body: a udp:\/\/ proxy forwards to a udp:\/\/ upstream/);
    expect(Object.keys(jsonOf((await curl('GET', '/proxies'))[1]) as object).sort()).toEqual(['dns', 'web']);
  });
});
