import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadUserRegex } from '@shared/user-regex';
import { commands } from '@shared/contract';
import { Engine } from '../engine/engine';
import { connectClient, freePort, startChild, stopPeers } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';

// Rules and scenarios here are parsed directly, as a front end would after loading the engine.
beforeAll(() => loadUserRegex());

let engine: Engine;
let dir: string | undefined;

afterEach(async () => {
  await engine.dispose();
  await stopPeers();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('macros in repeated sends and auto-replies', () => {
  it('a repeat of {{counter}} 1,000 times reaches socat as 1..1000, each once, in order', async () => {
    engine = new Engine();
    dir = await mkdtemp(join(tmpdir(), 'sockscope-macros-'));
    const file = join(dir, 'received.txt');
    const port = await freePort();
    const socat = await startChild('socat', ['-d', '-d', '-u', `TCP-LISTEN:${port},bind=127.0.0.1`, `CREATE:${file}`], /listening on/);
    const client = await engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const request = commands['send.repeat'].input.parse({
      id: client.id,
      data: new TextEncoder().encode('1\n'),
      macros: { text: '{{counter}}', lineEnding: 'lf' },
      count: 1000,
    });
    await engine.startRepeat(request);
    await waitFor(() => engine.info(client.id).repeat?.state === 'finished', 'the repeat to finish', 30_000);
    await engine.close(client.id);
    await waitFor(() => socat.child.exitCode !== null, 'socat to write the file and exit', 10_000);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(Array.from({ length: 1000 }, (_v, i) => String(i + 1)));
  }, 60_000);

  it('a regex rule answers with its captures and a counter per connection', async () => {
    engine = new Engine();
    const listener = await engine.listenTcp({ host: '127.0.0.1', port: 0 });
    engine.setAutoReply(
      commands['autoReply.set'].input.parse({
        id: listener.id,
        framing: { mode: 'delimiter', delimiter: [0x0a] },
        rules: [{ id: 'r', match: 'regex', pattern: 'GET (?<path>\\S+) (\\w+)', reply: '$2 $<path> #{{counter}} [$&]{{hex:0a}}' }],
      }),
    );
    const client = await connectClient(listener.local?.port ?? 0);
    await client.write(Buffer.from('GET /a x\nGET /b y\n'));
    await waitFor(() => client.received().toString().split('\n').length === 3, 'two replies');
    expect(client.received().toString()).toBe('x /a #1 [GET /a x]\ny /b #2 [GET /b y]\n');
  });

  it('refuses an unknown macro at the contract, naming the field and the position', () => {
    const repeat = commands['send.repeat'].input.safeParse({ id: 'tcp-1', data: new Uint8Array(1), macros: { text: 'ab{{nope}}' }, count: 2 });
    expect(repeat.success).toBe(false);
    expect(repeat.error?.issues[0]).toMatchObject({ path: ['macros', 'text'] });
    expect(repeat.error?.issues[0].message).toMatch(/"nope" is not a macro/);
    const rule = commands['autoReply.set'].input.safeParse({
      id: 'tcp-1',
      rules: [{ id: 'r', match: 'exact', pattern: 'x', reply: 'old {{ payload' }],
    });
    expect(rule.success).toBe(false);
    expect(rule.error?.issues[0]).toMatchObject({ path: ['rules', 0, 'reply'] });
    expect(rule.error?.issues[0].message).toMatch(/position 5 has no closing/);
    const capture = (reply: string) =>
      commands['autoReply.set'].input.safeParse({ id: 'tcp-1', rules: [{ id: 'r', match: 'regex', pattern: 'GET (?<path>\\S+)', reply }] }).error
        ?.issues[0];
    expect(capture('$2')).toMatchObject({ path: ['rules', 0, 'reply'], message: '$2: the pattern has only 1 group' });
    expect(capture('$<file>')).toMatchObject({ message: '$<file>: the pattern has no group named file (it has path)' });
    expect(capture('$1 $<path> $&')).toBeUndefined();
  });
});
