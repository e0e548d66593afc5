import { createServer, type Server } from 'node:net';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandNames, type SocketInfo } from '@shared/contract';
import { type Core, createCore } from './core';

let core: Core;
let server: Server | undefined;

beforeEach(() => {
  core = createCore({ batch: { intervalMs: 5 } });
});

afterEach(async () => {
  await core.dispose();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('dispatch', () => {
  it('runs a valid command and returns its typed result', async () => {
    const result = await core.dispatcher.dispatch('tcp.listen', { host: '127.0.0.1', port: 0 });
    expect(result.ok).toBe(true);
    const listener = (result as { value: SocketInfo }).value;
    expect(listener).toMatchObject({ kind: 'tcp-listener', state: 'listening', local: { address: '127.0.0.1' } });
    expect(listener.local?.port).toBeGreaterThan(0);
    const snapshot = await core.dispatcher.dispatch('app.snapshot', {});
    expect(snapshot).toMatchObject({ ok: true, value: { sockets: [{ id: listener.id }] } });
  });

  it('checks the regex of a rule on its way in, loading the regex engine for the first one', async () => {
    const listen = await core.dispatcher.dispatch('tcp.listen', { host: '127.0.0.1', port: 0 });
    const { id } = (listen as { value: SocketInfo }).value;
    const rule = { id: 'r1', match: 'regex', pattern: 'GET (?<path>\\S+)', reply: '$<path>' };
    expect(await core.dispatcher.dispatch('autoReply.set', { id, rules: [rule] })).toMatchObject({
      ok: true,
      value: { rules: [{ id: 'r1', pattern: 'GET (?<path>\\S+)' }] },
    });
    expect(await core.dispatcher.dispatch('autoReply.set', { id, rules: [{ ...rule, pattern: '[a-' }] })).toMatchObject({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Not a valid regular expression: missing closing \]/) },
    });
  });

  it('answers input nested too deeply with a clear error, before validation overflows the stack', async () => {
    const deep = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
    // A 2,000-deep array made zod throw RangeError, and the call never settled.
    expect(await core.dispatcher.dispatch('session.saveUi', { ui: { layout: deep(2000) } })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'The input is nested too deeply (more than 64 levels)' },
    });
    expect(await core.dispatcher.dispatch('app.snapshot', deep(100_000))).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    // Ordinary layouts are a few levels deep and still go through.
    expect(await core.dispatcher.dispatch('session.saveUi', { ui: { layout: deep(20) } })).toEqual({ ok: true, value: {} });
  });

  it('explains invalid input instead of running the command', async () => {
    expect(await core.dispatcher.dispatch('tcp.connect', { host: '127.0.0.1', port: 0 })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'port: Port must be between 1 and 65535' },
    });
    expect(await core.dispatcher.dispatch('tcp.connect', { host: '', port: 80 })).toMatchObject({
      error: { code: 'INVALID_INPUT', message: 'host: Host is required' },
    });
    expect(await core.dispatcher.dispatch('socket.send', { id: 'x', data: 'not bytes' })).toMatchObject({
      error: { code: 'INVALID_INPUT', message: 'data: Expected bytes' },
    });
    expect(core.engine.snapshot().sockets).toEqual([]);
  });

  it('turns engine failures into messages a person understands', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await core.dispatcher.dispatch('tcp.listen', { host: '127.0.0.1', port })).toEqual({
      ok: false,
      error: { code: 'EADDRINUSE', message: `127.0.0.1:${port} is already in use` },
    });
    expect(await core.dispatcher.dispatch('socket.close', { id: 'nope' })).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses unknown commands, whatever they are', async () => {
    for (const command of ['nope', 42, null, undefined, { a: 1 }, 'constructor', '__proto__', 'toString']) {
      expect(await core.dispatcher.dispatch(command, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    }
  });

  it('answers arbitrary input to every command with a result or a typed error, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...commandNames), fc.jsonValue(), async (command, input) => {
        const result = await core.dispatcher.dispatch(command, input);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    // Nothing half-created: arbitrary JSON never carries the bytes a send needs nor a valid socket.
    expect(core.engine.snapshot().sockets.every((s) => s.state === 'listening' || s.state === 'open')).toBe(true);
  });
});
