import { afterEach, describe, expect, it } from 'vitest';
import type { SequenceStatus } from '@shared/sequences';
import { createCore, type Core } from '../core';
import { allEntries } from '../engine/test-support/engine-log';
import { connectClient, freePort, startChild, startServer, stopPeers } from '../engine/test-support/peers';
import { waitFor } from '../engine/test-support/wait-for';
import { dispatchOk } from '../test-support/core';

let core: Core;

afterEach(async () => {
  await core.dispose();
  await stopPeers();
});

const call = <T>(command: string, input: unknown): Promise<T> => dispatchOk<T>(core, command, input);

async function finished(runId: string): Promise<SequenceStatus> {
  let status: SequenceStatus | undefined;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    status = await call<SequenceStatus>('sequence.status', { runId });
    if (status.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`still running: ${JSON.stringify(status)}`);
}

describe('sequences on an open socket, through the contract', () => {
  it('runs on the connection the user has open, logged like any send, and the socket stays open', async () => {
    core = createCore();
    const port = await freePort();
    await startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept/);
    const socket = await core.engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const scenario = {
      name: 'smoke',
      steps: [
        { send: 'SET k {{uuid}}\\r\\n' },
        { expect: { contains: '+OK' } },
        { send: 'GET k\\r\\n' },
        { expect: { regex: '\\$36\\r\\n(?<v>[0-9a-f-]{36})' } },
        { repeat: 2, steps: [{ send: 'INCR n\\r\\n' }, { expect: { regex: ':\\d+' } }] },
      ],
    };
    const { runId } = await call<{ runId: string }>('sequence.run', { id: socket.id, scenario });
    const status = await finished(runId);
    expect(status.state).toBe('passed');
    expect(status.steps.map((s) => `${s.path}:${s.state}`)).toEqual([
      '0:passed',
      '1:passed',
      '2:passed',
      '3:passed',
      '4.0:passed',
      '4.1:passed',
      '4.0:passed',
      '4.1:passed',
      '4:passed',
    ]);
    expect(core.engine.info(socket.id).state).toBe('open');
    const sent = allEntries(core.engine, socket.id).filter((e) => e.dir === 'out');
    expect(sent).toHaveLength(4);
    // A repeat on the same socket counts on from the sequence's counter: one counter per socket.
    const next = await call<{ runId: string }>('sequence.run', {
      id: socket.id,
      scenario: { steps: [{ send: 'ECHO {{counter}}\\r\\n' }, { expect: { contains: '1' } }] },
    });
    expect((await finished(next.runId)).state).toBe('passed');
    await call('send.repeat', { id: socket.id, data: new Uint8Array(1), macros: { text: 'ECHO {{counter}}\\r\\n' }, count: 2 });
    await waitFor(() => allEntries(core.engine, socket.id).filter((e) => e.dir === 'out').length === 7, 'the repeat');
    const echoes = allEntries(core.engine, socket.id)
      .flatMap((e) => (e.dir === 'out' ? [Buffer.from(e.bytes).toString()] : []))
      .slice(-3);
    expect(echoes).toEqual(['ECHO 1\r\n', 'ECHO 2\r\n', 'ECHO 3\r\n']);
  });

  it('stops at once, and refuses a wrong scenario naming the field', async () => {
    core = createCore();
    const { port } = await startServer(() => undefined);
    const socket = await core.engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    const { runId } = await call<{ runId: string }>('sequence.run', {
      id: socket.id,
      scenario: { steps: [{ expect: { contains: 'x' }, timeoutMs: 60_000 }] },
    });
    await waitFor(() => true);
    const busy = await core.dispatcher.dispatch('sequence.run', { id: socket.id, scenario: { steps: [{ delay: 1 }] } });
    expect(busy).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    await call('sequence.stop', { runId });
    const status = await finished(runId);
    expect(status.state).toBe('stopped');
    expect(status.steps.at(-1)).toMatchObject({ path: '0', state: 'stopped' });
    const wrong = await core.dispatcher.dispatch('sequence.run', { id: socket.id, scenario: { steps: [{ send: '{{nope}}' }] } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!wrong.ok && wrong.error.message).toMatch(/^scenario\.steps\.0\.send: .*"nope" is not a macro/);
  });

  it('serves a listener as a mock: every accepted connection gets the steps and is closed after them', async () => {
    core = createCore();
    const listener = await core.engine.listenTcp({ host: '127.0.0.1', port: 0 });
    const scenario = { name: 'mock', steps: [{ expect: { exact: 'PING\\r\\n' } }, { send: '+PONG #{{counter}}\\r\\n' }] };
    const { runId } = await call<{ runId: string }>('sequence.serve', { id: listener.id, scenario });
    for (let i = 0; i < 2; i++) {
      const client = await connectClient(listener.local?.port ?? 0);
      await client.write(Buffer.from('PING\r\n'));
      await waitFor(() => client.ended, 'the mock to answer and close');
      expect(client.received().toString()).toBe('+PONG #1\r\n');
    }
    const serving = await call<SequenceStatus>('sequence.status', { runId });
    expect(serving.state).toBe('running');
    expect(serving.steps.filter((s) => s.state === 'passed')).toHaveLength(4);
    await call('sequence.stop', { runId });
    expect((await call<SequenceStatus>('sequence.status', { runId })).state).toBe('stopped');
  });

  it("expects whole messages under the socket's framing when the sequence sets none", async () => {
    core = createCore();
    const { port } = await startServer((socket) => socket.on('data', () => socket.write('one\ntwo\n')));
    const socket = await core.engine.connectTcp({ host: '127.0.0.1', port, timeoutMs: 5000 });
    await call('framing.set', { id: socket.id, framing: { mode: 'delimiter', delimiter: [0x0a] } });
    const scenario = { name: 'lines', steps: [{ send: 'go' }, { expect: { exact: 'one\\n' } }, { expect: { regex: '^o' }, timeoutMs: 500 }] };
    const { runId } = await call<{ runId: string }>('sequence.run', { id: socket.id, scenario });
    const status = await finished(runId);
    // Unframed, the regex would have waited on the stream; framed, the next message is "two\n".
    expect(status.steps.at(-1)).toMatchObject({ path: '2', state: 'failed', detail: 'Expected a match for /^o/, got "two\\n"' });
  });
});
